package io.otlake.writer.parquet;

import java.util.Arrays;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;

/** An int32 column, PLAIN-encoded (the values written here are small counts and codes that compress to nothing). */
public final class IntColumn extends LeafColumn {
  private int[] values = new int[64];
  private int count;
  private int min;
  private int max;

  IntColumn(ColumnDescriptor desc) {
    super(desc);
  }

  /** A value at repetition level {@code r} (definition level: the maximum). */
  public void write(int r, int v) {
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
    return 4L * count;
  }

  @Override
  void encodeValues(Bytes out) {
    for (int i = 0; i < count; i++) {
      out.writeIntLE(values[i]);
    }
  }

  @Override
  Encoding valuesEncoding() {
    return Encoding.PLAIN;
  }

  @Override
  Statistics<?> pageStatistics() {
    Statistics.Builder b = Statistics.getBuilderForReading(desc.getPrimitiveType()).withNumNulls(pageNulls);
    if (count > 0) {
      Bytes lo = new Bytes(4);
      lo.writeIntLE(min);
      Bytes hi = new Bytes(4);
      hi.writeIntLE(max);
      b.withMin(lo.buf).withMax(hi.buf);
    }
    return b.build();
  }

  @Override
  void resetPage() {
    count = 0;
  }
}
