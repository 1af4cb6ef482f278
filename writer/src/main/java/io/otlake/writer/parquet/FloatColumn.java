package io.otlake.writer.parquet;

import java.util.Arrays;
import org.apache.iceberg.FieldMetrics;
import org.apache.iceberg.FloatFieldMetrics;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;

/**
 * A float column, PLAIN-encoded. Like {@link DoubleColumn} it keeps the metrics Iceberg takes from the writer for
 * floating-point columns (NaN count, bounds) rather than from Parquet statistics.
 */
public final class FloatColumn extends LeafColumn {
  private float[] values = new float[64];
  private int count;
  private float min;
  private float max;
  private boolean any;
  private final FloatFieldMetrics.Builder metrics;

  FloatColumn(ColumnDescriptor desc, int fieldId) {
    super(desc);
    this.metrics = new FloatFieldMetrics.Builder(fieldId);
  }

  /** A value at repetition level {@code r} (definition level: the maximum). */
  public void write(int r, float v) {
    levels(r, maxD);
    if (count == values.length) {
      values = Arrays.copyOf(values, count * 2);
    }
    values[count++] = v;
    metrics.addValue(v);
    if (!Float.isNaN(v)) {
      if (!any || Float.compare(v, min) < 0) {
        min = v;
      }
      if (!any || Float.compare(v, max) > 0) {
        max = v;
      }
      any = true;
    }
  }

  /**
   * The column's metrics as Iceberg's writer reports them: NaN count and bounds of the values, and every slot in the
   * value count (nulls of the field and of its optional parents too), the nulls in the null count.
   */
  FieldMetrics<Float> fieldMetrics() {
    FieldMetrics<Float> m = metrics.build();
    return new FieldMetrics<>(m.id(), fileSlots, fileNulls, m.nanValueCount(), m.lowerBound(), m.upperBound());
  }

  @Override
  void addPageToBloom(Bloom bloom) {
    for (int i = 0; i < count; i++) {
      bloom.addFloat(values[i]);
    }
  }

  @Override
  long valueBytes() {
    return 4L * count;
  }

  @Override
  void encodeValues(Bytes out) {
    for (int i = 0; i < count; i++) {
      out.writeIntLE(Float.floatToRawIntBits(values[i]));
    }
  }

  @Override
  Encoding valuesEncoding() {
    return Encoding.PLAIN;
  }

  @Override
  Statistics<?> pageStatistics() {
    Statistics.Builder b = Statistics.getBuilderForReading(desc.getPrimitiveType()).withNumNulls(pageNulls);
    if (any) {
      Bytes lo = new Bytes(4);
      lo.writeIntLE(Float.floatToIntBits(min));
      Bytes hi = new Bytes(4);
      hi.writeIntLE(Float.floatToIntBits(max));
      b.withMin(lo.toByteArray()).withMax(hi.toByteArray());
    }
    return b.build();
  }

  @Override
  void resetPage() {
    count = 0;
    any = false;
  }
}
