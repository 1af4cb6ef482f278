package io.otlake.writer.signals.logs;

import io.otlake.proto.json.OtlpJson;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.writer.signals.TableUnit;
import io.otlake.writer.signals.WriterSignal;
import java.util.List;

/** Logs on the writer side: topic {@code kafka.topic.logs} (default {@code otlp_logs}) into the {@code logs} table. */
public final class LogsSignal implements WriterSignal<LogView> {
  public static final LogsSignal INSTANCE = new LogsSignal();

  private LogsSignal() {}

  @Override
  public io.otlake.proto.SignalContract contract() {
    return io.otlake.proto.signals.LogContract.INSTANCE;
  }

  @Override
  public List<TableUnit<LogView>> tables() {
    return List.of(LogTable.INSTANCE);
  }

  @Override
  public LogView newView() {
    return new LogView();
  }

  @Override
  public byte[] jsonToProto(byte[] json) throws MalformedRequestException {
    return OtlpJson.logsRequestToProto(json);
  }
}
