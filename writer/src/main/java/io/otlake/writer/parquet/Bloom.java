package io.otlake.writer.parquet;

import java.util.Arrays;
import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;

/**
 * The Parquet bloom filter of one column chunk (parquet-mr's split-block filter, XXH64 as the format specifies, see
 * {@link XxHash64}): the values' hashes are collected while the row group fills (a value equal to the one before is
 * not hashed again: a trace's spans often follow each other), and when the chunk is written the filter is sized for its distinct hashes at
 * the table's false-positive probability, within the table's byte limit (or for the table's NDV when one is set).
 * Holds eight bytes per distinct run of values in the row group.
 */
final class Bloom {
  /** Hashing only: the filter's hash does not depend on its size. */
  private static final BlockSplitBloomFilter HASHER = new BlockSplitBloomFilter(BlockSplitBloomFilter.LOWER_BOUND_BYTES);

  private final double fpp;
  private final int maxBytes;
  private final long ndv;
  private long[] hashes = new long[64];
  private int count;
  private byte[] last = new byte[32];
  private int lastLen = -1;

  /** @param ndv the expected distinct values per row group, or 0 to count them */
  Bloom(double fpp, int maxBytes, long ndv) {
    if (!(fpp > 0 && fpp < 1)) {
      throw new IllegalArgumentException("bloom filter false-positive probability " + fpp + " is not in (0, 1)");
    }
    if (maxBytes < BlockSplitBloomFilter.LOWER_BOUND_BYTES) {
      throw new IllegalArgumentException("bloom filter max bytes " + maxBytes + " is below "
          + BlockSplitBloomFilter.LOWER_BOUND_BYTES);
    }
    this.fpp = fpp;
    this.maxBytes = maxBytes;
    this.ndv = ndv;
  }

  void add(byte[] b, int off, int len) {
    if (len == lastLen && Arrays.equals(b, off, off + len, last, 0, len)) {
      return;
    }
    if (last.length < len) {
      last = new byte[len];
    }
    System.arraycopy(b, off, last, 0, len);
    lastLen = len;
    addHash(XxHash64.hash(b, off, len));
  }

  void addInt(int v) {
    addHash(HASHER.hash(v));
  }

  void addLong(long v) {
    addHash(HASHER.hash(v));
  }

  void addFloat(float v) {
    addHash(HASHER.hash(v));
  }

  void addDouble(double v) {
    addHash(HASHER.hash(v));
  }

  private void addHash(long h) {
    if (count > 0 && hashes[count - 1] == h) {
      return;
    }
    if (count == hashes.length) {
      hashes = Arrays.copyOf(hashes, count * 2);
    }
    hashes[count++] = h;
  }

  /** The filter of the values added since the last call, which starts the next chunk. */
  BlockSplitBloomFilter finishChunk() {
    Arrays.sort(hashes, 0, count);
    int distinct = 0;
    for (int i = 0; i < count; i++) {
      if (i == 0 || hashes[i] != hashes[i - 1]) {
        hashes[distinct++] = hashes[i];
      }
    }
    long expected = ndv > 0 ? ndv : Math.max(distinct, 1);
    int bytes = BlockSplitBloomFilter.optimalNumOfBits(expected, fpp) / 8;
    BlockSplitBloomFilter filter = new BlockSplitBloomFilter(Math.min(bytes, maxBytes), maxBytes);
    for (int i = 0; i < distinct; i++) {
      filter.insertHash(hashes[i]);
    }
    count = 0;
    lastLen = -1;
    if (hashes.length > 1 << 16) {
      hashes = new long[64]; // do not hold a large row group's worth after it
    }
    return filter;
  }
}
