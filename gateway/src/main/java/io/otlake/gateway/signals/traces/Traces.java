package io.otlake.gateway.signals.traces;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.otlake.gateway.signals.SignalUnit;
import io.otlake.proto.SignalContract;
import io.otlake.proto.json.OtlpJson;
import io.otlake.proto.signals.TraceContract;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedRequest;
import io.otlake.proto.wire.ScannedTraces;
import java.util.function.LongSupplier;

/** Traces: {@code TraceService/Export}, {@code POST /v1/traces}, checked by {@link SpanCheck}. */
public final class Traces implements SignalUnit {
  public static final Traces UNIT = new Traces();
  private static final ExportTraceServiceResponse OK = ExportTraceServiceResponse.getDefaultInstance();

  private Traces() {}

  @Override
  public SignalContract contract() {
    return TraceContract.INSTANCE;
  }

  @Override
  public MethodDescriptor<?, ?> exportMethod() {
    return TraceServiceGrpc.getExportMethod();
  }

  @Override
  public String httpPath() {
    return "/v1/traces";
  }

  @Override
  public Message response(long rejected, String message) {
    return rejected == 0 ? OK : ExportTraceServiceResponse.newBuilder().setPartialSuccess(
        ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected).setErrorMessage(message)).build();
  }

  @Override
  public byte[] jsonToProto(byte[] json) throws MalformedRequestException {
    return OtlpJson.traceRequestToProto(json);
  }

  @Override
  public ItemCheck check(LongSupplier nowNanos) {
    return new SpanCheck(nowNanos);
  }

  @Override
  public long partitionTimeNanos(ScannedRequest r, int span) {
    return r.fixed64(ScannedTraces.START, span);
  }
}
