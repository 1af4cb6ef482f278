package io.otlake.writer.signals.metrics;

import static io.otlake.writer.columns.AttrColumns.string;

import io.otlake.writer.parquet.FieldWriter;
import io.otlake.writer.parquet.RowWriter;
import io.otlake.writer.signals.RowMapper;
import io.otlake.writer.columns.AttrColumns;
import io.otlake.writer.columns.EnvelopeColumns;

/**
 * A metric table's rows from {@link MetricView}s: the columns every kind has, written here, and the kind's own, by
 * {@link KindColumns}. Strings go from the request's bytes as slices; resource and scope attributes
 * through {@link AttrColumns.Cached}. Columns the file's schema does not have are skipped.
 */
final class PointColumns implements RowMapper<MetricView> {
  private final RowWriter row;
  private final KindColumns kind;
  private final FieldWriter timestamp;
  private final FieldWriter startTimestamp;
  private final EnvelopeColumns envelope;
  private final FieldWriter metricName;
  private final FieldWriter metricDescription;
  private final FieldWriter metricUnit;
  private final AttrColumns.Plain attributes;
  private final AttrColumns.Plain attributeTypes;
  private final FieldWriter flags;
  private final ExemplarColumns exemplars;
  private final AttrColumns.Plain metadata;
  private final AttrColumns.Plain metadataTypes;

  PointColumns(RowWriter row) {
    this.row = row;
    this.kind = new KindColumns(row);
    timestamp = row.fieldIfPresent("timestamp");
    startTimestamp = row.fieldIfPresent("start_timestamp");
    envelope = new EnvelopeColumns(row);
    metricName = row.fieldIfPresent("metric_name");
    metricDescription = row.fieldIfPresent("metric_description");
    metricUnit = row.fieldIfPresent("metric_unit");
    attributes = new AttrColumns.Plain(row.fieldIfPresent("attributes"), false);
    attributeTypes = new AttrColumns.Plain(row.fieldIfPresent("attribute_types"), true);
    flags = row.fieldIfPresent("flags");
    exemplars = new ExemplarColumns(row.fieldIfPresent("exemplars"));
    metadata = new AttrColumns.Plain(row.fieldIfPresent("metric_metadata"), false);
    metadataTypes = new AttrColumns.Plain(row.fieldIfPresent("metric_metadata_types"), true);
  }

  @Override
  public void write(MetricView p) {
    timestamp.writeLong(p.timestampMicros());
    if (p.hasStart()) {
      startTimestamp.writeLong(p.startMicros());
    } else {
      startTimestamp.writeNull();
    }
    envelope.write(p.resource(), p.scope());
    string(metricName, p.name());
    string(metricDescription, p.description());
    string(metricUnit, p.unit());
    attributes.write(p.attributes());
    attributeTypes.write(p.attributes());
    kind.write(p);
    flags.writeLong(p.flags());
    exemplars.write(p.exemplars());
    metadata.write(p.metadata());
    metadataTypes.write(p.metadata());
    row.endRow();
  }

  /** A double, or null. */
  static void optionalDouble(FieldWriter f, boolean present, double v) {
    if (present) {
      f.writeDouble(v);
    } else {
      f.writeNull();
    }
  }

  /** A list of longs. */
  static void longs(FieldWriter list, MetricView.Longs values) {
    FieldWriter element = list.element();
    list.beginList();
    for (int i = 0, n = values.size(); i < n; i++) {
      list.nextElement();
      element.writeLong(values.get(i));
    }
    list.endList();
  }

  /** The list of exemplar structs. */
  private static final class ExemplarColumns {
    private final FieldWriter list;
    private final FieldWriter element;
    private final FieldWriter time;
    private final FieldWriter value;
    private final FieldWriter valueInt;
    private final FieldWriter traceId;
    private final FieldWriter spanId;
    private final AttrColumns.Plain attributes;
    private final AttrColumns.Plain attributeTypes;

    ExemplarColumns(FieldWriter list) {
      this.list = list;
      element = list.element();
      time = element.fieldIfPresent("timestamp");
      value = element.fieldIfPresent("value");
      valueInt = element.fieldIfPresent("value_int");
      traceId = element.fieldIfPresent("trace_id");
      spanId = element.fieldIfPresent("span_id");
      attributes = new AttrColumns.Plain(element.fieldIfPresent("filtered_attributes"), false);
      attributeTypes = new AttrColumns.Plain(element.fieldIfPresent("filtered_attribute_types"), true);
    }

    void write(MetricView.Exemplars exemplars) {
      list.beginList();
      for (int i = 0, n = exemplars.count(); i < n; i++) {
        MetricView.Exemplar e = exemplars.get(i);
        list.nextElement();
        element.beginStruct();
        if (e.hasTime()) {
          time.writeLong(e.timeMicros());
        } else {
          time.writeNull();
        }
        KindColumns.value(value, valueInt, e.value());
        string(traceId, e.traceId());
        string(spanId, e.spanId());
        attributes.write(e.filteredAttributes());
        attributeTypes.write(e.filteredAttributes());
      }
      list.endList();
    }
  }
}
