package io.otlake.writer.signals.metrics;

import io.otlake.writer.parquet.FieldWriter;
import io.otlake.writer.parquet.RowWriter;

/**
 * The columns of each point kind's own, for all five tables (a table's file lacks the other kinds' columns, and
 * what is written to a column the file does not have is ignored): a gauge's or sum's value (as a double, and exactly
 * as a long for as_int); sums' monotonicity; the temporality of sums and histograms; the histograms' count, sum, min
 * and max (null when absent), explicit buckets' counts and bounds, exponential ones' scale, zero bucket and positive
 * and negative bucket ranges; a summary's count, sum and quantiles.
 */
final class KindColumns {
  private final FieldWriter value;
  private final FieldWriter valueInt;
  private final FieldWriter monotonic;
  private final FieldWriter count;
  private final FieldWriter sum;
  private final FieldWriter min;
  private final FieldWriter max;
  private final FieldWriter temporality;
  private final FieldWriter bucketCounts;
  private final FieldWriter explicitBounds;
  private final FieldWriter scale;
  private final FieldWriter zeroCount;
  private final FieldWriter zeroThreshold;
  private final FieldWriter positiveOffset;
  private final FieldWriter positiveCounts;
  private final FieldWriter negativeOffset;
  private final FieldWriter negativeCounts;
  private final FieldWriter quantiles;
  private final FieldWriter quantile;
  private final FieldWriter quantileValue;

  KindColumns(RowWriter row) {
    value = row.fieldIfPresent("value");
    valueInt = row.fieldIfPresent("value_int");
    monotonic = row.fieldIfPresent("is_monotonic");
    count = row.fieldIfPresent("count");
    sum = row.fieldIfPresent("sum");
    min = row.fieldIfPresent("min");
    max = row.fieldIfPresent("max");
    temporality = row.fieldIfPresent("aggregation_temporality");
    bucketCounts = row.fieldIfPresent("bucket_counts");
    explicitBounds = row.fieldIfPresent("explicit_bounds");
    scale = row.fieldIfPresent("scale");
    zeroCount = row.fieldIfPresent("zero_count");
    zeroThreshold = row.fieldIfPresent("zero_threshold");
    positiveOffset = row.fieldIfPresent("positive_offset");
    positiveCounts = row.fieldIfPresent("positive_bucket_counts");
    negativeOffset = row.fieldIfPresent("negative_offset");
    negativeCounts = row.fieldIfPresent("negative_bucket_counts");
    quantiles = row.fieldIfPresent("quantile_values");
    quantile = quantiles.element().fieldIfPresent("quantile");
    quantileValue = quantiles.element().fieldIfPresent("value");
  }

  void write(MetricView p) {
    value(value, valueInt, p.number());
    monotonic.writeBoolean(p.monotonic());
    count.writeLong(p.count());
    PointColumns.optionalDouble(sum, p.hasSum(), p.sum());
    PointColumns.optionalDouble(min, p.hasMin(), p.min());
    PointColumns.optionalDouble(max, p.hasMax(), p.max());
    temporality.writeInt(p.temporality());
    PointColumns.longs(bucketCounts, p.bucketCounts());
    FieldWriter bound = explicitBounds.element();
    explicitBounds.beginList();
    for (int i = 0, n = p.explicitBounds().size(); i < n; i++) {
      explicitBounds.nextElement();
      bound.writeDouble(p.explicitBounds().get(i));
    }
    explicitBounds.endList();
    scale.writeInt(p.scale());
    zeroCount.writeLong(p.zeroCount());
    zeroThreshold.writeDouble(p.zeroThreshold());
    positiveOffset.writeInt(p.positiveOffset());
    PointColumns.longs(positiveCounts, p.positiveCounts());
    negativeOffset.writeInt(p.negativeOffset());
    PointColumns.longs(negativeCounts, p.negativeCounts());
    FieldWriter element = quantiles.element();
    quantiles.beginList();
    for (int i = 0, n = p.quantiles().size(); i < n; i++) {
      quantiles.nextElement();
      element.beginStruct();
      quantile.writeDouble(p.quantiles().get(i));
      quantileValue.writeDouble(p.quantileValues().get(i));
    }
    quantiles.endList();
  }

  /** A number (point or exemplar): {@code value} always (null without one), {@code value_int} for as_int. */
  static void value(FieldWriter value, FieldWriter valueInt, MetricView.Number n) {
    if (!n.present()) {
      value.writeNull();
      valueInt.writeNull();
    } else {
      value.writeDouble(n.asDouble());
      if (n.isInt()) {
        valueInt.writeLong(n.asInt());
      } else {
        valueInt.writeNull();
      }
    }
  }
}
