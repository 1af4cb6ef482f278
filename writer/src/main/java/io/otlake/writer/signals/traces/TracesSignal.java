package io.otlake.writer.signals.traces;

import io.otlake.proto.json.OtlpJson;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.writer.parquet.RowWriter;
import io.otlake.writer.signals.PartitionSource;
import io.otlake.writer.signals.RowMapper;
import io.otlake.writer.signals.TableUnit;
import io.otlake.writer.signals.WriterSignal;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;

/** Traces: spans ({@link SpanView}) into one table, {@code traces} ({@link TraceTable}, rows by {@link SpanColumns}). */
public final class TracesSignal implements WriterSignal<SpanView> {
  public static final TracesSignal INSTANCE = new TracesSignal();

  private static final TableUnit<SpanView> TABLE = new TableUnit<>() {
    @Override
    public String defaultName() {
      return TraceTable.DEFAULT_NAME;
    }

    @Override
    public Schema schema() {
      return TraceTable.SCHEMA;
    }

    @Override
    public PartitionSpec spec() {
      return TraceTable.SPEC;
    }

    @Override
    public SortOrder sortOrder() {
      return TraceTable.SORT_ORDER;
    }

    @Override
    public Map<String, String> properties(long targetFileSizeBytes) {
      return TraceTable.properties(targetFileSizeBytes);
    }

    /** Every top-level scalar column, as {@link SpanColumns} writes it. */
    @Override
    public PartitionSource<SpanView> partitionSource(String column) {
      return switch (column) {
        case "trace_id" -> s -> PartitionSource.text(s.traceId());
        case "span_id" -> s -> PartitionSource.text(s.spanId());
        case "parent_span_id" -> s -> PartitionSource.text(s.parentSpanId());
        case "operation_name" -> s -> PartitionSource.text(s.name());
        case "span_kind" -> s -> PartitionSource.text(s.kind());
        case "duration_ms" -> SpanView::durationMillis;
        case "status_code" -> SpanView::statusCode;
        case "status_message" -> s -> PartitionSource.text(s.statusMessage());
        case "end_timestamp" -> SpanView::endMicros;
        case "trace_state" -> s -> PartitionSource.text(s.traceState());
        case "flags" -> SpanView::flags;
        case "dropped_attributes_count" -> SpanView::droppedAttributes;
        case "resource_dropped_attributes_count" -> v -> v.resource().droppedAttributes();
        case "resource_schema_url" -> s -> PartitionSource.text(s.resource().schemaUrl());
        case "scope_name" -> s -> PartitionSource.text(s.scope().name());
        case "scope_version" -> s -> PartitionSource.text(s.scope().version());
        case "scope_schema_url" -> s -> PartitionSource.text(s.scope().schemaUrl());
        case "dropped_events_count" -> SpanView::droppedEvents;
        case "dropped_links_count" -> SpanView::droppedLinks;
        default -> TableUnit.super.partitionSource(column);
      };
    }

    @Override
    public RowMapper<SpanView> mapper(RowWriter row) {
      return new SpanColumns(row);
    }
  };

  private TracesSignal() {}

  @Override
  public io.otlake.proto.SignalContract contract() {
    return io.otlake.proto.signals.TraceContract.INSTANCE;
  }

  @Override
  public List<TableUnit<SpanView>> tables() {
    return List.of(TABLE);
  }

  @Override
  public SpanView newView() {
    return new SpanView();
  }

  @Override
  public byte[] jsonToProto(byte[] json) throws MalformedRequestException {
    return OtlpJson.traceRequestToProto(json);
  }
}
