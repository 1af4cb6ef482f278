package io.otlake.writer.signals.traces;

import io.otlake.writer.columns.AttrColumns;
import io.otlake.writer.columns.EnvelopeColumns;
import static io.otlake.writer.columns.AttrColumns.string;

import io.otlake.writer.parquet.ColumnsFile;
import io.otlake.writer.parquet.FieldWriter;
import io.otlake.writer.parquet.RowWriter;
import io.otlake.writer.parquet.StringMapCache;

/**
 * The {@code traces} table's rows from {@link SpanView}s: which span field goes to which column, nothing more (the
 * repetition and definition levels come from the schema, see {@link RowWriter}). Strings go from the request's bytes
 * to the columns as byte slices, attribute maps from the wire KeyValues; resource and scope attribute maps go
 * through a {@link StringMapCache}, as they repeat row after row. Columns the file's schema does not have are
 * skipped; columns this class does not know are null.
 */
public final class SpanColumns implements io.otlake.writer.signals.RowMapper<SpanView> {
  private final RowWriter row;
  private final FieldWriter timestamp;
  private final FieldWriter traceId;
  private final FieldWriter spanId;
  private final FieldWriter parentSpanId;
  private final EnvelopeColumns envelope;
  private final FieldWriter operationName;
  private final FieldWriter spanKind;
  private final FieldWriter durationMs;
  private final FieldWriter statusCode;
  private final FieldWriter statusMessage;
  private final AttrColumns.Plain attributes;
  private final EventFields events;
  private final FieldWriter endTimestamp;
  private final FieldWriter traceState;
  private final FieldWriter flags;
  private final AttrColumns.Plain attributeTypes;
  private final FieldWriter droppedAttributes;
  private final FieldWriter droppedEvents;
  private final LinkFields links;
  private final FieldWriter droppedLinks;

  public SpanColumns(ColumnsFile file) {
    this(file.rowWriter());
  }

  public SpanColumns(RowWriter row) {
    this.row = row;
    timestamp = row.fieldIfPresent("timestamp");
    traceId = row.fieldIfPresent("trace_id");
    spanId = row.fieldIfPresent("span_id");
    parentSpanId = row.fieldIfPresent("parent_span_id");
    envelope = new EnvelopeColumns(row);
    operationName = row.fieldIfPresent("operation_name");
    spanKind = row.fieldIfPresent("span_kind");
    durationMs = row.fieldIfPresent("duration_ms");
    statusCode = row.fieldIfPresent("status_code");
    statusMessage = row.fieldIfPresent("status_message");
    attributes = new AttrColumns.Plain(row.fieldIfPresent("attributes"), false);
    events = new EventFields(row.fieldIfPresent("events"));
    endTimestamp = row.fieldIfPresent("end_timestamp");
    traceState = row.fieldIfPresent("trace_state");
    flags = row.fieldIfPresent("flags");
    attributeTypes = new AttrColumns.Plain(row.fieldIfPresent("attribute_types"), true);
    droppedAttributes = row.fieldIfPresent("dropped_attributes_count");
    droppedEvents = row.fieldIfPresent("dropped_events_count");
    links = new LinkFields(row.fieldIfPresent("links"));
    droppedLinks = row.fieldIfPresent("dropped_links_count");
  }

  /** Writes the span the view is on as one row. */
  @Override
  public void write(SpanView s) {
    timestamp.writeLong(s.startMicros());
    string(traceId, s.traceId());
    string(spanId, s.spanId());
    string(parentSpanId, s.parentSpanId());
    envelope.write(s.resource(), s.scope());
    string(operationName, s.name());
    string(spanKind, s.kind());
    durationMs.writeDouble(s.durationMillis());
    statusCode.writeInt(s.statusCode());
    string(statusMessage, s.statusMessage());
    attributes.write(s.attributes());
    events.write(s.events());
    endTimestamp.writeLong(s.endMicros());
    string(traceState, s.traceState());
    flags.writeLong(s.flags());
    attributeTypes.write(s.attributes());
    droppedAttributes.writeInt(s.droppedAttributes());
    droppedEvents.writeInt(s.droppedEvents());
    links.write(s.links());
    droppedLinks.writeInt(s.droppedLinks());
    row.endRow();
  }

  /** The list of event structs. */
  private static final class EventFields {
    private final FieldWriter list;
    private final FieldWriter element;
    private final FieldWriter time;
    private final FieldWriter name;
    private final AttrColumns.Plain attributes;
    private final AttrColumns.Plain attributeTypes;
    private final FieldWriter dropped;

    EventFields(FieldWriter list) {
      this.list = list;
      element = list.element();
      time = element.fieldIfPresent("timestamp");
      name = element.fieldIfPresent("name");
      attributes = new AttrColumns.Plain(element.fieldIfPresent("attributes"), false);
      attributeTypes = new AttrColumns.Plain(element.fieldIfPresent("attribute_types"), true);
      dropped = element.fieldIfPresent("dropped_attributes_count");
    }

    void write(SpanView.Repeated<SpanView.EventView> events) {
      list.beginList();
      for (int i = 0, n = events.count(); i < n; i++) {
        SpanView.EventView e = events.view(i);
        list.nextElement();
        element.beginStruct();
        time.writeLong(e.timeMicros());
        string(name, e.name());
        attributes.write(e.attributes());
        attributeTypes.write(e.attributes());
        dropped.writeInt(e.dropped());
      }
      list.endList();
    }
  }

  /** The list of link structs. */
  private static final class LinkFields {
    private final FieldWriter list;
    private final FieldWriter element;
    private final FieldWriter traceId;
    private final FieldWriter spanId;
    private final FieldWriter traceState;
    private final FieldWriter flags;
    private final AttrColumns.Plain attributes;
    private final AttrColumns.Plain attributeTypes;
    private final FieldWriter dropped;

    LinkFields(FieldWriter list) {
      this.list = list;
      element = list.element();
      traceId = element.fieldIfPresent("trace_id");
      spanId = element.fieldIfPresent("span_id");
      traceState = element.fieldIfPresent("trace_state");
      flags = element.fieldIfPresent("flags");
      attributes = new AttrColumns.Plain(element.fieldIfPresent("attributes"), false);
      attributeTypes = new AttrColumns.Plain(element.fieldIfPresent("attribute_types"), true);
      dropped = element.fieldIfPresent("dropped_attributes_count");
    }

    void write(SpanView.Repeated<SpanView.LinkView> links) {
      list.beginList();
      for (int i = 0, n = links.count(); i < n; i++) {
        SpanView.LinkView l = links.view(i);
        list.nextElement();
        element.beginStruct();
        string(traceId, l.traceId());
        string(spanId, l.spanId());
        string(traceState, l.traceState());
        flags.writeLong(l.flags());
        attributes.write(l.attributes());
        attributeTypes.write(l.attributes());
        dropped.writeInt(l.dropped());
      }
      list.endList();
    }
  }
}
