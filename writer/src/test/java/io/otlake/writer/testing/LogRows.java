package io.otlake.writer.testing;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.otlake.proto.Hex;
import io.otlake.writer.decode.AttributeText;
import io.otlake.writer.signals.logs.LogTable;
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
 * Turns an OTLP logs export request into the Iceberg generic {@link Record}s the {@link LogTable} should hold, one
 * per log record, from protobuf messages (independently of the writer, which reads the wire bytes): the equivalence
 * test's and the benchmark's peer input, and what an integration test compares stored rows with.
 */
public final class LogRows {
  private final GenericRecord template = GenericRecord.create(LogTable.SCHEMA);

  /** Every row of {@code request}, in order. */
  public List<Record> rows(ExportLogsServiceRequest request) {
    List<Record> out = new ArrayList<>();
    decode(request, out::add);
    return out;
  }

  /** Decodes every log record of {@code request} and hands each row to {@code out}; returns the number of rows. */
  public int decode(ExportLogsServiceRequest request, Consumer<Record> out) {
    int rows = 0;
    for (ResourceLogs rl : request.getResourceLogsList()) {
      Resource resource = rl.getResource();
      Map<String, String> resourceAttributes = new HashMap<>();
      Map<String, String> resourceTypes = new HashMap<>();
      AttributeText.put(resource.getAttributesList(), resourceAttributes, resourceTypes);
      String serviceName = SpanRows.serviceName(resource.getAttributesList());
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        InstrumentationScope scope = sl.getScope();
        Map<String, String> scopeAttributes = new HashMap<>();
        Map<String, String> scopeTypes = new HashMap<>();
        AttributeText.put(scope.getAttributesList(), scopeAttributes, scopeTypes);
        for (LogRecord lr : sl.getLogRecordsList()) {
          Record row = template.copy();
          long time = lr.getTimeUnixNano();
          long observed = lr.getObservedTimeUnixNano();
          row.setField("timestamp", time(time != 0 ? time : observed));
          row.setField("observed_timestamp", observed == 0 ? null : time(observed));
          row.setField("time_unix_nano", time == 0 ? null : time);
          row.setField("trace_id", lr.getTraceId().isEmpty() ? null : Hex.encode(lr.getTraceId()));
          row.setField("span_id", lr.getSpanId().isEmpty() ? null : Hex.encode(lr.getSpanId()));
          row.setField("flags", Integer.toUnsignedLong(lr.getFlags()));
          row.setField("severity_text", emptyToNull(lr.getSeverityText()));
          row.setField("severity_number", lr.getSeverityNumberValue());
          row.setField("service_name", serviceName);
          if (lr.hasBody() && lr.getBody().getValueCase() != AnyValue.ValueCase.VALUE_NOT_SET) {
            row.setField("body", AttributeText.text(lr.getBody()));
            row.setField("body_type", lr.getBody().hasStringValue() ? null : AttributeText.type(lr.getBody()));
          }
          row.setField("event_name", emptyToNull(lr.getEventName()));
          Map<String, String> attributes = new HashMap<>();
          Map<String, String> types = new HashMap<>();
          AttributeText.put(lr.getAttributesList(), attributes, types);
          row.setField("attributes", attributes);
          row.setField("attribute_types", types);
          row.setField("dropped_attributes_count", lr.getDroppedAttributesCount());
          row.setField("resource_attributes", resourceAttributes);
          row.setField("resource_attribute_types", resourceTypes);
          row.setField("resource_dropped_attributes_count", resource.getDroppedAttributesCount());
          row.setField("resource_schema_url", emptyToNull(rl.getSchemaUrl()));
          row.setField("scope_name", emptyToNull(scope.getName()));
          row.setField("scope_version", emptyToNull(scope.getVersion()));
          row.setField("scope_attributes", scopeAttributes);
          row.setField("scope_attribute_types", scopeTypes);
          row.setField("scope_dropped_attributes_count", scope.getDroppedAttributesCount());
          row.setField("scope_schema_url", emptyToNull(sl.getSchemaUrl()));
          out.accept(row);
          rows++;
        }
      }
    }
    return rows;
  }

  /** Unix nanoseconds as the table's timestamptz (microseconds; the sub-microsecond rest dropped). */
  public static OffsetDateTime time(long unixNanos) {
    return OffsetDateTime.ofInstant(Instant.ofEpochSecond(0, Math.floorDiv(unixNanos, 1000) * 1000), ZoneOffset.UTC);
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }
}
