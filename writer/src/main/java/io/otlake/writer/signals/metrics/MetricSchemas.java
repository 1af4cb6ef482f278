package io.otlake.writer.signals.metrics;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * The five metric tables' schemas: the columns every point kind has (time, metric, attributes, exemplars, flags,
 * resource, scope), defined once, around the columns of the kind's own. Field ids: common columns 1-49, kind columns
 * 50-79 (the same id for the same column in every table), nested fields from 100.
 */
public final class MetricSchemas {
  private MetricSchemas() {}

  private static Types.MapType stringMap(int keyId, int valueId) {
    return Types.MapType.ofRequired(keyId, valueId, Types.StringType.get(), Types.StringType.get());
  }

  /** An exemplar: a measurement the point's aggregate was made from, with the trace it was taken in. */
  public static final Types.StructType EXEMPLAR = Types.StructType.of(
      optional(101, "timestamp", Types.TimestampType.withZone(), "time of the measurement; null when 0"),
      optional(102, "value", Types.DoubleType.get(), "the value (an as_int converted); null when it has none"),
      optional(103, "value_int", Types.LongType.get(), "the exact as_int value; null for as_double"),
      optional(104, "trace_id", Types.StringType.get(), "lower-case hex; null when the exemplar has none"),
      optional(105, "span_id", Types.StringType.get(), "lower-case hex; null when the exemplar has none"),
      optional(106, "filtered_attributes", stringMap(107, 108), "attributes the aggregation dropped"),
      optional(109, "filtered_attribute_types", stringMap(110, 111)));

  public static final Types.StructType QUANTILE = Types.StructType.of(
      optional(121, "quantile", Types.DoubleType.get()),
      optional(122, "value", Types.DoubleType.get()));

  private static final List<Types.NestedField> HEAD = List.of(
      required(1, "timestamp", Types.TimestampType.withZone(), "point time (time_unix_nano, microseconds)"),
      optional(2, "start_timestamp", Types.TimestampType.withZone(), "start_time_unix_nano; null when 0"),
      optional(3, "service_name", Types.StringType.get(), "resource attribute service.name"),
      optional(4, "metric_name", Types.StringType.get()),
      optional(5, "metric_description", Types.StringType.get()),
      optional(6, "metric_unit", Types.StringType.get()),
      optional(7, "attributes", stringMap(8, 9), "point attributes, values as text"),
      optional(10, "attribute_types", stringMap(11, 12), "OTLP type of each non-string point attribute"));

  private static final List<Types.NestedField> TAIL = List.of(
      optional(13, "flags", Types.LongType.get(), "OTLP data point flags (1: no recorded value)"),
      optional(14, "exemplars", Types.ListType.ofRequired(15, EXEMPLAR)),
      optional(16, "metric_metadata", stringMap(17, 18), "Metric.metadata, values as text"),
      optional(19, "metric_metadata_types", stringMap(20, 21)),
      optional(22, "resource_attributes", stringMap(23, 24), "resource attributes, values as text"),
      optional(25, "resource_attribute_types", stringMap(26, 27)),
      optional(28, "resource_dropped_attributes_count", Types.IntegerType.get()),
      optional(29, "resource_schema_url", Types.StringType.get()),
      optional(30, "scope_name", Types.StringType.get(), "instrumentation scope (meter) name"),
      optional(31, "scope_version", Types.StringType.get()),
      optional(32, "scope_attributes", stringMap(33, 34)),
      optional(35, "scope_attribute_types", stringMap(36, 37)),
      optional(38, "scope_dropped_attributes_count", Types.IntegerType.get()),
      optional(39, "scope_schema_url", Types.StringType.get()));

  private static final Types.NestedField VALUE =
      optional(50, "value", Types.DoubleType.get(), "the value (an as_int converted); null when the point has none");
  private static final Types.NestedField VALUE_INT =
      optional(51, "value_int", Types.LongType.get(), "the exact as_int value; null for as_double");
  private static final Types.NestedField TEMPORALITY = optional(52, "aggregation_temporality",
      Types.IntegerType.get(), "OTLP AggregationTemporality: 0 unspecified, 1 delta, 2 cumulative");
  private static final Types.NestedField MONOTONIC = optional(53, "is_monotonic", Types.BooleanType.get());
  private static final Types.NestedField COUNT = optional(54, "count", Types.LongType.get());
  private static final Types.NestedField SUM =
      optional(55, "sum", Types.DoubleType.get(), "null when the histogram point has none");
  private static final Types.NestedField MIN = optional(56, "min", Types.DoubleType.get(), "null when absent");
  private static final Types.NestedField MAX = optional(57, "max", Types.DoubleType.get(), "null when absent");

  /** The columns of each kind's own, in table order ({@link MetricView#GAUGE} ...). */
  private static final List<List<Types.NestedField>> KIND = List.of(
      List.of(VALUE, VALUE_INT),
      List.of(VALUE, VALUE_INT, TEMPORALITY, MONOTONIC),
      List.of(COUNT, SUM, MIN, MAX,
          optional(58, "bucket_counts", Types.ListType.ofRequired(59, Types.LongType.get())),
          optional(60, "explicit_bounds", Types.ListType.ofRequired(61, Types.DoubleType.get())),
          TEMPORALITY),
      List.of(COUNT, SUM, MIN, MAX,
          optional(62, "scale", Types.IntegerType.get()),
          optional(63, "zero_count", Types.LongType.get()),
          optional(64, "zero_threshold", Types.DoubleType.get()),
          optional(65, "positive_offset", Types.IntegerType.get()),
          optional(66, "positive_bucket_counts", Types.ListType.ofRequired(67, Types.LongType.get())),
          optional(68, "negative_offset", Types.IntegerType.get()),
          optional(69, "negative_bucket_counts", Types.ListType.ofRequired(70, Types.LongType.get())),
          TEMPORALITY),
      List.of(COUNT, optional(55, "sum", Types.DoubleType.get()),
          optional(71, "quantile_values", Types.ListType.ofRequired(72, QUANTILE))));

  /** The schema of kind {@code kind}'s table. */
  public static Schema schema(int kind) {
    List<Types.NestedField> fields = new ArrayList<>(HEAD);
    fields.addAll(KIND.get(kind));
    fields.addAll(TAIL);
    return new Schema(fields);
  }
}
