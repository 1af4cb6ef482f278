package io.otlake.writer.signals.traces;

import io.otlake.proto.json.OtlpJson;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.writer.parquet.RowWriter;
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
