package io.otlake.writer.parquet;

/**
 * Parquet's delta encodings: DELTA_BINARY_PACKED (blocks of 128 deltas in four bit-packed miniblocks of 32, each
 * block's deltas stored above the block's smallest delta), and on top of it the byte-array forms
 * DELTA_LENGTH_BYTE_ARRAY (lengths, then the bytes back to back) and DELTA_BYTE_ARRAY (the length of the prefix
 * shared with the previous value, then the suffixes as DELTA_LENGTH_BYTE_ARRAY). Sorted or slowly changing
 * integers (timestamps, lengths) shrink to a few bits each; repeated or prefix-sharing strings to their new bytes.
 */
final class Delta {
  private static final int BLOCK = 128;
  private static final int MINIBLOCKS = 4;
  private static final int MINIBLOCK = BLOCK / MINIBLOCKS;

  private Delta() {}

  /** Appends DELTA_BINARY_PACKED of {@code values[0, n)}. */
  static void binaryPacked(long[] values, int n, Bytes out) {
    out.writeUnsignedVarint(BLOCK);
    out.writeUnsignedVarint(MINIBLOCKS);
    out.writeUnsignedVarint(n);
    writeZigZag(n == 0 ? 0 : values[0], out);
    long[] deltas = new long[BLOCK];
    int[] widths = new int[MINIBLOCKS];
    for (int start = 1; start < n; start += BLOCK) {
      int count = Math.min(BLOCK, n - start);
      long min = Long.MAX_VALUE;
      for (int i = 0; i < count; i++) {
        deltas[i] = values[start + i] - values[start + i - 1];
        min = Math.min(min, deltas[i]);
      }
      int miniblocks = (count + MINIBLOCK - 1) / MINIBLOCK;
      for (int m = 0; m < MINIBLOCKS; m++) {
        long or = 0;
        for (int i = m * MINIBLOCK; i < Math.min(count, (m + 1) * MINIBLOCK); i++) {
          deltas[i] -= min;
          or |= deltas[i];
        }
        widths[m] = m < miniblocks ? 64 - Long.numberOfLeadingZeros(or) : 0;
      }
      writeZigZag(min, out);
      for (int m = 0; m < MINIBLOCKS; m++) {
        out.write(widths[m]);
      }
      for (int m = 0; m < miniblocks; m++) {
        pack(deltas, m * MINIBLOCK, count, widths[m], out);
      }
    }
  }

  /** Bit-packs the 32 values from {@code from} (zeros past {@code end}), least significant bit first. */
  private static void pack(long[] values, int from, int end, int width, Bytes out) {
    if (width == 0) {
      return;
    }
    long acc = 0;
    int bits = 0;
    for (int k = 0; k < MINIBLOCK; k++) {
      long v = from + k < end ? values[from + k] : 0;
      if (width == 64) {
        out.writeLongLE(v);
        continue;
      }
      acc |= v << bits;
      int taken = Math.min(width, 64 - bits);
      bits += width;
      if (bits >= 64) {
        out.writeLongLE(acc);
        bits -= 64;
        acc = bits == 0 ? 0 : v >>> taken;
      }
    }
    while (bits > 0) {
      out.write((int) acc);
      acc >>>= 8;
      bits -= 8;
    }
  }

  private static void writeZigZag(long v, Bytes out) {
    long z = (v << 1) ^ (v >> 63);
    while ((z & ~0x7FL) != 0) {
      out.write((int) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    out.write((int) z);
  }

  /**
   * Appends DELTA_BYTE_ARRAY of the {@code n} PLAIN-encoded values in {@code plain} (four-byte length, bytes).
   * {@code lengths} is scratch space of at least {@code n} entries.
   */
  static void byteArray(Bytes plain, int n, long[] prefixes, long[] suffixLengths, Bytes out) {
    int prevOff = 0;
    int prevLen = 0;
    int at = 0;
    for (int i = 0; i < n; i++) {
      int len = (int) Bytes.readIntLE(plain.buf, at);
      int off = at + 4;
      int common = 0;
      int max = Math.min(len, prevLen);
      if (i > 0) {
        common = java.util.Arrays.mismatch(plain.buf, prevOff, prevOff + max, plain.buf, off, off + max);
        if (common < 0) {
          common = max;
        }
      }
      prefixes[i] = common;
      suffixLengths[i] = len - common;
      prevOff = off;
      prevLen = len;
      at = off + len;
    }
    binaryPacked(prefixes, n, out);
    binaryPacked(suffixLengths, n, out);
    at = 0;
    for (int i = 0; i < n; i++) {
      int len = (int) Bytes.readIntLE(plain.buf, at);
      int common = (int) prefixes[i];
      out.write(plain.buf, at + 4 + common, len - common);
      at += 4 + len;
    }
  }
}
