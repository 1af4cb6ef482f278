package io.otlake.writer.parquet;

import java.util.Arrays;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;

/**
 * An int32 or int64 column. int64 (timestamps, flags) is DELTA_BINARY_PACKED with the v2 encodings, PLAIN with v1;
 * int32 (codes and counts, nearly always the same value) is PLAIN, which zstd shrinks to nothing.
 */
public final class IntegerColumn extends LeafColumn {
  private final boolean int32;
  private final boolean deltaEncoded;
  private long[] values = new long[64];
  private int count;
  private long min;
  private long max;

  IntegerColumn(ColumnDescriptor desc, boolean int32, boolean deltaEncoded) {
    super(desc);
    this.int32 = int32;
    this.deltaEncoded = deltaEncoded && !int32;
  }

  /** A value at repetition level {@code r} (definition level: the maximum); int32 columns take ints only. */
  public void write(int r, long v) {
    levels(r, maxD);
    if (count == values.length) {
      values = Arrays.copyOf(values, count * 2);
    }
    if (count == 0 || v < min) {
      min = v;
    }
    if (count == 0 || v > max) {
      max = v;
    }
    values[count++] = v;
  }

  @Override
  void addPageToBloom(Bloom bloom) {
    for (int i = 0; i < count; i++) {
      if (int32) {
        bloom.addInt((int) values[i]);
      } else {
        bloom.addLong(values[i]);
      }
    }
  }

  @Override
  long valueBytes() {
    return (int32 ? 4L : 8L) * count;
  }

  @Override
  void encodeValues(Bytes out) {
    if (deltaEncoded) {
      Delta.binaryPacked(values, count, out);
      return;
    }
    for (int i = 0; i < count; i++) {
      put(out, values[i]);
    }
  }

  private void put(Bytes out, long v) {
    if (int32) {
      out.writeIntLE((int) v);
    } else {
      out.writeLongLE(v);
    }
  }

  @Override
  Encoding valuesEncoding() {
    return deltaEncoded ? Encoding.DELTA_BINARY_PACKED : Encoding.PLAIN;
  }

  @Override
  Statistics<?> pageStatistics() {
    Statistics.Builder b = Statistics.getBuilderForReading(desc.getPrimitiveType()).withNumNulls(pageNulls);
    if (count > 0) {
      b.withMin(littleEndian(min)).withMax(littleEndian(max));
    }
    return b.build();
  }

  private byte[] littleEndian(long v) {
    Bytes b = new Bytes(8);
    put(b, v);
    return b.toByteArray();
  }

  static byte[] littleEndian64(long v) {
    Bytes b = new Bytes(8);
    b.writeLongLE(v);
    return b.buf;
  }

  @Override
  void resetPage() {
    count = 0;
  }
}
