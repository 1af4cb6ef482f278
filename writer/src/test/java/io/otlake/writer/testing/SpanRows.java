package io.otlake.writer.testing;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.otlake.proto.Hex;
import io.otlake.writer.decode.AttributeText;
import io.otlake.writer.signals.traces.TraceTable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;

/**
 * Turns an OTLP trace export request into Iceberg generic {@link Record}s of the {@link TraceTable} schema, one per
 * span: the input of the benchmark's peer (Iceberg's generic writer). The writer itself writes from the wire bytes.
 */
public final class SpanRows {
  private static final String SERVICE_NAME = "service.name";
  private static final String[] KINDS = {"UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};

  private final GenericRecord spanTemplate = GenericRecord.create(TraceTable.SCHEMA);
  private final GenericRecord eventTemplate = GenericRecord.create(TraceTable.EVENT);
  private final GenericRecord linkTemplate = GenericRecord.create(TraceTable.LINK);

  /** Decodes every span of {@code request} and hands each row to {@code out}; returns the number of rows. */
  public int decode(ExportTraceServiceRequest request, Consumer<Record> out) {
    int rows = 0;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      Resource resource = rs.getResource();
      Map<String, String> resourceAttributes = new HashMap<>();
      Map<String, String> resourceTypes = new HashMap<>();
      AttributeText.put(resource.getAttributesList(), resourceAttributes, resourceTypes);
      String serviceName = serviceName(resource.getAttributesList());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        InstrumentationScope scope = ss.getScope();
        Map<String, String> scopeAttributes = new HashMap<>();
        Map<String, String> scopeTypes = new HashMap<>();
        AttributeText.put(scope.getAttributesList(), scopeAttributes, scopeTypes);
        for (Span span : ss.getSpansList()) {
          Record row = spanTemplate.copy();
          row.setField("timestamp", time(span.getStartTimeUnixNano()));
          row.setField("trace_id", Hex.encode(span.getTraceId()));
          row.setField("span_id", Hex.encode(span.getSpanId()));
          row.setField("parent_span_id", span.getParentSpanId().isEmpty() ? null : Hex.encode(span.getParentSpanId()));
          row.setField("service_name", serviceName);
          row.setField("operation_name", span.getName());
          int kind = span.getKindValue();
          row.setField("span_kind", kind >= 0 && kind < KINDS.length ? KINDS[kind] : Integer.toString(kind));
          row.setField("duration_ms", (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1e6);
          row.setField("status_code", span.getStatus().getCodeValue());
          row.setField("status_message", emptyToNull(span.getStatus().getMessage()));
          Map<String, String> attributes = new HashMap<>();
          Map<String, String> types = new HashMap<>();
          AttributeText.put(span.getAttributesList(), attributes, types);
          row.setField("attributes", attributes);
          row.setField("resource_attributes", resourceAttributes);
          row.setField("events", events(span.getEventsList()));
          row.setField("end_timestamp", time(span.getEndTimeUnixNano()));
          row.setField("trace_state", emptyToNull(span.getTraceState()));
          row.setField("flags", Integer.toUnsignedLong(span.getFlags()));
          row.setField("attribute_types", types);
          row.setField("dropped_attributes_count", span.getDroppedAttributesCount());
          row.setField("resource_attribute_types", resourceTypes);
          row.setField("resource_dropped_attributes_count", resource.getDroppedAttributesCount());
          row.setField("resource_schema_url", emptyToNull(rs.getSchemaUrl()));
          row.setField("scope_name", emptyToNull(scope.getName()));
          row.setField("scope_version", emptyToNull(scope.getVersion()));
          row.setField("scope_attributes", scopeAttributes);
          row.setField("scope_attribute_types", scopeTypes);
          row.setField("scope_schema_url", emptyToNull(ss.getSchemaUrl()));
          row.setField("dropped_events_count", span.getDroppedEventsCount());
          row.setField("links", links(span.getLinksList()));
          row.setField("dropped_links_count", span.getDroppedLinksCount());
          out.accept(row);
          rows++;
        }
      }
    }
    return rows;
  }

  private List<Record> events(List<Span.Event> events) {
    List<Record> out = new ArrayList<>(events.size());
    for (Span.Event e : events) {
      Record r = eventTemplate.copy();
      Map<String, String> attributes = new HashMap<>();
      Map<String, String> types = new HashMap<>();
      AttributeText.put(e.getAttributesList(), attributes, types);
      r.setField("timestamp", time(e.getTimeUnixNano()));
      r.setField("name", e.getName());
      r.setField("attributes", attributes);
      r.setField("attribute_types", types);
      r.setField("dropped_attributes_count", e.getDroppedAttributesCount());
      out.add(r);
    }
    return out;
  }

  private List<Record> links(List<Span.Link> links) {
    List<Record> out = new ArrayList<>(links.size());
    for (Span.Link l : links) {
      Record r = linkTemplate.copy();
      Map<String, String> attributes = new HashMap<>();
      Map<String, String> types = new HashMap<>();
      AttributeText.put(l.getAttributesList(), attributes, types);
      r.setField("trace_id", Hex.encode(l.getTraceId()));
      r.setField("span_id", Hex.encode(l.getSpanId()));
      r.setField("trace_state", emptyToNull(l.getTraceState()));
      r.setField("flags", Integer.toUnsignedLong(l.getFlags()));
      r.setField("attributes", attributes);
      r.setField("attribute_types", types);
      r.setField("dropped_attributes_count", l.getDroppedAttributesCount());
      out.add(r);
    }
    return out;
  }

  static String serviceName(List<KeyValue> resourceAttributes) {
    for (KeyValue kv : resourceAttributes) {
      if (SERVICE_NAME.equals(kv.getKey())) {
        return AttributeText.text(kv.getValue());
      }
    }
    return null;
  }

  /** Microsecond precision: Iceberg's timestamptz; the sub-microsecond rest of an OTLP time is dropped. */
  static OffsetDateTime time(long unixNanos) {
    return OffsetDateTime.ofInstant(Instant.ofEpochSecond(0, unixNanos), ZoneOffset.UTC);
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }
}
