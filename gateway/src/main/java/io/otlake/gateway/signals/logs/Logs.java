package io.otlake.gateway.signals.logs;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.otlake.gateway.signals.Checks;
import io.otlake.gateway.signals.SignalUnit;
import io.otlake.proto.SignalContract;
import io.otlake.proto.json.OtlpJson;
import io.otlake.proto.signals.LogContract;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedRequest;
import java.util.function.LongSupplier;

/**
 * Logs: {@code LogsService/Export}, {@code POST /v1/logs}. A log record is invalid with a trace_id that is neither
 * empty nor 16 bytes, a span_id neither empty nor 8 bytes, or without any time (time_unix_nano, or else
 * observed_time_unix_nano) within sane bounds.
 */
public final class Logs implements SignalUnit {
  public static final Logs UNIT = new Logs();
  private static final ExportLogsServiceResponse OK = ExportLogsServiceResponse.getDefaultInstance();

  private Logs() {}

  @Override
  public SignalContract contract() {
    return LogContract.INSTANCE;
  }

  @Override
  public MethodDescriptor<?, ?> exportMethod() {
    return LogsServiceGrpc.getExportMethod();
  }

  @Override
  public String httpPath() {
    return "/v1/logs";
  }

  @Override
  public Message response(long rejected, String message) {
    return rejected == 0 ? OK : ExportLogsServiceResponse.newBuilder().setPartialSuccess(
        ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(rejected).setErrorMessage(message)).build();
  }

  @Override
  public byte[] jsonToProto(byte[] json) throws MalformedRequestException {
    return OtlpJson.logsRequestToProto(json);
  }

  @Override
  public ItemCheck check(LongSupplier nowNanos) {
    return (r, record) -> problem(r, record, nowNanos.getAsLong());
  }

  static String problem(ScannedRequest r, int record, long now) {
    String problem = Checks.optionalId("trace_id", r.lenLength(LogContract.TRACE_ID, record), 16);
    if (problem == null) {
      problem = Checks.optionalId("span_id", r.lenLength(LogContract.SPAN_ID, record), 8);
    }
    if (problem == null) {
      long time = r.fixed64(LogContract.TIME, record);
      problem = time != 0 ? Checks.time("time_unix_nano", time, now)
          : Checks.time("observed_time_unix_nano", r.fixed64(LogContract.OBSERVED_TIME, record), now);
      if (problem != null && time == 0 && r.fixed64(LogContract.OBSERVED_TIME, record) == 0) {
        problem = "time_unix_nano and observed_time_unix_nano are both missing";
      }
    }
    return problem;
  }

  @Override
  public long partitionTimeNanos(ScannedRequest r, int record) {
    return LogContract.time(r, record);
  }
}
