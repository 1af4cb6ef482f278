package io.otlake.writer.testing;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.otlake.proto.Hex;
import io.otlake.writer.decode.AttributeText;
import io.otlake.writer.signals.metrics.MetricSchemas;
import io.otlake.writer.signals.metrics.MetricTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjIntConsumer;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;

/**
 * Turns an OTLP metrics export request, decoded by protobuf, into the Iceberg generic {@link Record}s the five metric
 * tables ({@link MetricTable#ALL}) should hold for it, one per data point, built from the messages independently
 * of the writer's wire reading: the oracle of the equivalence tests and of integration tests comparing stored rows
 * with what an SDK sent.
 */
public final class MetricRows {
  /** Table indexes, in {@link MetricTable#ALL}'s order. */
  public static final int GAUGE = 0;
  public static final int SUM = 1;
  public static final int HISTOGRAM = 2;
  public static final int EXPONENTIAL_HISTOGRAM = 3;
  public static final int SUMMARY = 4;

  private final GenericRecord[] templates = new GenericRecord[MetricTable.ALL.size()];
  private final GenericRecord exemplarTemplate = GenericRecord.create(MetricSchemas.EXEMPLAR);
  private final GenericRecord quantileTemplate = GenericRecord.create(MetricSchemas.QUANTILE);

  public MetricRows() {
    for (int i = 0; i < templates.length; i++) {
      templates[i] = GenericRecord.create(MetricTable.ALL.get(i).schema());
    }
  }

  /** The expected rows of every table, by table index. */
  public List<List<Record>> rows(ExportMetricsServiceRequest request) {
    List<List<Record>> out = new ArrayList<>();
    for (int i = 0; i < templates.length; i++) {
      out.add(new ArrayList<>());
    }
    decode(request, (row, table) -> out.get(table).add(row));
    return out;
  }

  /** Decodes every data point of {@code request}, handing each row with its table's index to {@code out}. */
  public int decode(ExportMetricsServiceRequest request, ObjIntConsumer<Record> out) {
    int rows = 0;
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          switch (m.getDataCase()) {
            case GAUGE -> {
              for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
                Record row = common(GAUGE, rm, sm, m, p.getStartTimeUnixNano(), p.getTimeUnixNano(),
                    p.getAttributesList(), p.getFlags(), p.getExemplarsList());
                number(row, p);
                out.accept(row, GAUGE);
                rows++;
              }
            }
            case SUM -> {
              for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                Record row = common(SUM, rm, sm, m, p.getStartTimeUnixNano(), p.getTimeUnixNano(),
                    p.getAttributesList(), p.getFlags(), p.getExemplarsList());
                number(row, p);
                row.setField("aggregation_temporality", m.getSum().getAggregationTemporalityValue());
                row.setField("is_monotonic", m.getSum().getIsMonotonic());
                out.accept(row, SUM);
                rows++;
              }
            }
            case HISTOGRAM -> {
              for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
                Record row = common(HISTOGRAM, rm, sm, m, p.getStartTimeUnixNano(), p.getTimeUnixNano(),
                    p.getAttributesList(), p.getFlags(), p.getExemplarsList());
                row.setField("count", p.getCount());
                row.setField("sum", p.hasSum() ? p.getSum() : null);
                row.setField("min", p.hasMin() ? p.getMin() : null);
                row.setField("max", p.hasMax() ? p.getMax() : null);
                row.setField("bucket_counts", new ArrayList<>(p.getBucketCountsList()));
                row.setField("explicit_bounds", new ArrayList<>(p.getExplicitBoundsList()));
                row.setField("aggregation_temporality", m.getHistogram().getAggregationTemporalityValue());
                out.accept(row, HISTOGRAM);
                rows++;
              }
            }
            case EXPONENTIAL_HISTOGRAM -> {
              for (ExponentialHistogramDataPoint p : m.getExponentialHistogram().getDataPointsList()) {
                Record row = common(EXPONENTIAL_HISTOGRAM, rm, sm, m, p.getStartTimeUnixNano(),
                    p.getTimeUnixNano(), p.getAttributesList(), p.getFlags(), p.getExemplarsList());
                row.setField("count", p.getCount());
                row.setField("sum", p.hasSum() ? p.getSum() : null);
                row.setField("min", p.hasMin() ? p.getMin() : null);
                row.setField("max", p.hasMax() ? p.getMax() : null);
                row.setField("scale", p.getScale());
                row.setField("zero_count", p.getZeroCount());
                row.setField("zero_threshold", p.getZeroThreshold());
                row.setField("positive_offset", p.getPositive().getOffset());
                row.setField("positive_bucket_counts", new ArrayList<>(p.getPositive().getBucketCountsList()));
                row.setField("negative_offset", p.getNegative().getOffset());
                row.setField("negative_bucket_counts", new ArrayList<>(p.getNegative().getBucketCountsList()));
                row.setField("aggregation_temporality",
                    m.getExponentialHistogram().getAggregationTemporalityValue());
                out.accept(row, EXPONENTIAL_HISTOGRAM);
                rows++;
              }
            }
            case SUMMARY -> {
              for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
                Record row = common(SUMMARY, rm, sm, m, p.getStartTimeUnixNano(), p.getTimeUnixNano(),
                    p.getAttributesList(), p.getFlags(), List.of());
                row.setField("count", p.getCount());
                row.setField("sum", p.getSum());
                List<Record> quantiles = new ArrayList<>();
                for (SummaryDataPoint.ValueAtQuantile q : p.getQuantileValuesList()) {
                  Record r = quantileTemplate.copy();
                  r.setField("quantile", q.getQuantile());
                  r.setField("value", q.getValue());
                  quantiles.add(r);
                }
                row.setField("quantile_values", quantiles);
                out.accept(row, SUMMARY);
                rows++;
              }
            }
            default -> { } // a metric without data has no points
          }
        }
      }
    }
    return rows;
  }

  private Record common(int table, ResourceMetrics rm, ScopeMetrics sm, Metric m, long start, long time,
      List<KeyValue> pointAttributes, int flags, List<Exemplar> exemplars) {
    Resource resource = rm.getResource();
    InstrumentationScope scope = sm.getScope();
    Record row = templates[table].copy();
    Map<String, String> resourceAttributes = new HashMap<>();
    Map<String, String> resourceTypes = new HashMap<>();
    AttributeText.put(resource.getAttributesList(), resourceAttributes, resourceTypes);
    row.setField("timestamp", SpanRows.time(time));
    row.setField("start_timestamp", start == 0 ? null : SpanRows.time(start));
    row.setField("service_name", resourceAttributes.get("service.name"));
    row.setField("metric_name", m.getName());
    row.setField("metric_description", emptyToNull(m.getDescription()));
    row.setField("metric_unit", emptyToNull(m.getUnit()));
    putMaps(row, "attributes", "attribute_types", pointAttributes);
    row.setField("flags", Integer.toUnsignedLong(flags));
    row.setField("exemplars", exemplars(exemplars));
    putMaps(row, "metric_metadata", "metric_metadata_types", m.getMetadataList());
    row.setField("resource_attributes", resourceAttributes);
    row.setField("resource_attribute_types", resourceTypes);
    row.setField("resource_dropped_attributes_count", resource.getDroppedAttributesCount());
    row.setField("resource_schema_url", emptyToNull(rm.getSchemaUrl()));
    row.setField("scope_name", emptyToNull(scope.getName()));
    row.setField("scope_version", emptyToNull(scope.getVersion()));
    putMaps(row, "scope_attributes", "scope_attribute_types", scope.getAttributesList());
    row.setField("scope_dropped_attributes_count", scope.getDroppedAttributesCount());
    row.setField("scope_schema_url", emptyToNull(sm.getSchemaUrl()));
    return row;
  }

  private static void number(Record row, NumberDataPoint p) {
    switch (p.getValueCase()) {
      case AS_DOUBLE -> {
        row.setField("value", p.getAsDouble());
        row.setField("value_int", null);
      }
      case AS_INT -> {
        row.setField("value", (double) p.getAsInt());
        row.setField("value_int", p.getAsInt());
      }
      default -> {
        row.setField("value", null);
        row.setField("value_int", null);
      }
    }
  }

  private List<Record> exemplars(List<Exemplar> exemplars) {
    List<Record> out = new ArrayList<>(exemplars.size());
    for (Exemplar e : exemplars) {
      Record r = exemplarTemplate.copy();
      r.setField("timestamp", e.getTimeUnixNano() == 0 ? null : SpanRows.time(e.getTimeUnixNano()));
      switch (e.getValueCase()) {
        case AS_DOUBLE -> r.setField("value", e.getAsDouble());
        case AS_INT -> {
          r.setField("value", (double) e.getAsInt());
          r.setField("value_int", e.getAsInt());
        }
        default -> { }
      }
      r.setField("trace_id", e.getTraceId().isEmpty() ? null : Hex.encode(e.getTraceId()));
      r.setField("span_id", e.getSpanId().isEmpty() ? null : Hex.encode(e.getSpanId()));
      putMaps(r, "filtered_attributes", "filtered_attribute_types", e.getFilteredAttributesList());
      out.add(r);
    }
    return out;
  }

  private static void putMaps(Record row, String values, String types, List<KeyValue> attributes) {
    Map<String, String> v = new HashMap<>();
    Map<String, String> t = new HashMap<>();
    AttributeText.put(attributes, v, t);
    row.setField(values, v);
    row.setField(types, t);
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }
}
