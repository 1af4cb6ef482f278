package io.otlake.writer.parquet;

import java.util.Arrays;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;

/** An int64 column (longs, timestamps): DELTA_BINARY_PACKED, or PLAIN with the v1 encodings. */
public final class LongColumn extends LeafColumn {
  private long[] values = new long[64];
  private int count;
  private long min;
  private long max;

  private final boolean deltaEncoded;

  LongColumn(ColumnDescriptor desc, boolean deltaEncoded) {
    super(desc);
    this.deltaEncoded = deltaEncoded;
  }

  /** A value at repetition level {@code r} (definition level: the maximum). */
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
  long valueBytes() {
    return 8L * count;
  }

  @Override
  void encodeValues(Bytes out) {
    if (deltaEncoded) {
      Delta.binaryPacked(values, count, out);
      return;
    }
    for (int i = 0; i < count; i++) {
      out.writeLongLE(values[i]);
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
      b.withMin(le(min)).withMax(le(max));
    }
    return b.build();
  }

  static byte[] le(long v) {
    Bytes b = new Bytes(8);
    b.writeLongLE(v);
    return b.buf;
  }

  @Override
  void resetPage() {
    count = 0;
  }
}
