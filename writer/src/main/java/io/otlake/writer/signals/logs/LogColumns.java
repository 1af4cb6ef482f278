package io.otlake.writer.signals.logs;

import static io.otlake.writer.columns.AttrColumns.string;

import io.otlake.writer.parquet.FieldWriter;
import io.otlake.writer.parquet.RowWriter;
import io.otlake.writer.parquet.StringMapCache;
import io.otlake.writer.signals.RowMapper;
import io.otlake.writer.columns.AttrColumns;
import io.otlake.writer.columns.EnvelopeColumns;

/**
 * The {@code logs} table's rows from {@link LogView}s: which record field goes to which column (levels come from
 * the schema, see {@link RowWriter}). Strings go from the record's bytes to the columns as byte slices; resource and
 * scope attribute maps go through a {@link StringMapCache}, as they repeat row after row. Columns the file's schema
 * does not have are skipped; columns this class does not know are null.
 */
final class LogColumns implements RowMapper<LogView> {
  private final RowWriter row;
  private final FieldWriter timestamp;
  private final FieldWriter observedTimestamp;
  private final FieldWriter timeUnixNano;
  private final FieldWriter traceId;
  private final FieldWriter spanId;
  private final FieldWriter flags;
  private final FieldWriter severityText;
  private final FieldWriter severityNumber;
  private final EnvelopeColumns envelope;
  private final FieldWriter body;
  private final FieldWriter bodyType;
  private final FieldWriter eventName;
  private final AttrColumns.Plain attributes;
  private final AttrColumns.Plain attributeTypes;
  private final FieldWriter droppedAttributes;

  LogColumns(RowWriter row) {
    this.row = row;
    timestamp = row.fieldIfPresent("timestamp");
    observedTimestamp = row.fieldIfPresent("observed_timestamp");
    timeUnixNano = row.fieldIfPresent("time_unix_nano");
    traceId = row.fieldIfPresent("trace_id");
    spanId = row.fieldIfPresent("span_id");
    flags = row.fieldIfPresent("flags");
    severityText = row.fieldIfPresent("severity_text");
    severityNumber = row.fieldIfPresent("severity_number");
    envelope = new EnvelopeColumns(row);
    body = row.fieldIfPresent("body");
    bodyType = row.fieldIfPresent("body_type");
    eventName = row.fieldIfPresent("event_name");
    attributes = new AttrColumns.Plain(row.fieldIfPresent("attributes"), false);
    attributeTypes = new AttrColumns.Plain(row.fieldIfPresent("attribute_types"), true);
    droppedAttributes = row.fieldIfPresent("dropped_attributes_count");
  }

  @Override
  public void write(LogView l) {
    timestamp.writeLong(l.timestampMicros());
    micros(observedTimestamp, l.observedTimeUnixNano());
    if (l.timeUnixNano() == 0) {
      timeUnixNano.writeNull();
    } else {
      timeUnixNano.writeLong(l.timeUnixNano());
    }
    string(traceId, l.traceId());
    string(spanId, l.spanId());
    flags.writeLong(l.flags());
    string(severityText, l.severityText());
    severityNumber.writeInt(l.severityNumber());
    envelope.write(l.resource(), l.scope());
    string(body, l.body());
    string(bodyType, l.bodyType());
    string(eventName, l.eventName());
    attributes.write(l.attributes());
    attributeTypes.write(l.attributes());
    droppedAttributes.writeInt(l.droppedAttributes());
    row.endRow();
  }

  /** A timestamptz from unix nanoseconds (sub-microsecond digits dropped), null when 0 (unset). */
  private static void micros(FieldWriter f, long nanos) {
    if (nanos == 0) {
      f.writeNull();
    } else {
      f.writeLong(Math.floorDiv(nanos, 1000));
    }
  }
}
