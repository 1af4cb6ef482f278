package io.otlake.writer.parquet;

import java.util.Arrays;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;

/** A boolean column: PLAIN (one bit per value, least significant bit first), as parquet-mr's v1 pages are. */
public final class BooleanColumn extends LeafColumn {
  private boolean[] values = new boolean[64];
  private int count;
  private boolean anyTrue;
  private boolean anyFalse;

  BooleanColumn(ColumnDescriptor desc) {
    super(desc);
  }

  /** A value at repetition level {@code r} (definition level: the maximum). */
  public void write(int r, boolean v) {
    levels(r, maxD);
    if (count == values.length) {
      values = Arrays.copyOf(values, count * 2);
    }
    values[count++] = v;
    if (v) {
      anyTrue = true;
    } else {
      anyFalse = true;
    }
  }

  @Override
  long valueBytes() {
    return (count + 7) / 8;
  }

  @Override
  void encodeValues(Bytes out) {
    for (int i = 0; i < count; i += 8) {
      int b = 0;
      for (int k = 0; k < 8 && i + k < count; k++) {
        b |= (values[i + k] ? 1 : 0) << k;
      }
      out.write(b);
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
      b.withMin(new byte[] {(byte) (anyFalse ? 0 : 1)}).withMax(new byte[] {(byte) (anyTrue ? 1 : 0)});
    }
    return b.build();
  }

  @Override
  void resetPage() {
    count = 0;
    anyTrue = false;
    anyFalse = false;
  }
}
