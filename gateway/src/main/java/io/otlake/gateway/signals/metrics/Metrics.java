package io.otlake.gateway.signals.metrics;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.otlake.gateway.signals.SignalUnit;
import io.otlake.proto.SignalContract;
import io.otlake.proto.json.OtlpJson;
import io.otlake.proto.signals.MetricContract;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedRequest;
import java.util.function.LongSupplier;

/** Metrics: {@code MetricsService/Export}, {@code POST /v1/metrics}; data points checked by {@link PointCheck}. */
public final class Metrics implements SignalUnit {
  public static final Metrics UNIT = new Metrics();
  private static final ExportMetricsServiceResponse OK = ExportMetricsServiceResponse.getDefaultInstance();

  private Metrics() {}

  @Override
  public SignalContract contract() {
    return MetricContract.INSTANCE;
  }

  @Override
  public MethodDescriptor<?, ?> exportMethod() {
    return MetricsServiceGrpc.getExportMethod();
  }

  @Override
  public String httpPath() {
    return "/v1/metrics";
  }

  @Override
  public Message response(long rejected, String message) {
    return rejected == 0 ? OK : ExportMetricsServiceResponse.newBuilder().setPartialSuccess(
        ExportMetricsPartialSuccess.newBuilder().setRejectedDataPoints(rejected).setErrorMessage(message)).build();
  }

  @Override
  public byte[] jsonToProto(byte[] json) throws MalformedRequestException {
    return OtlpJson.metricsRequestToProto(json);
  }

  @Override
  public ItemCheck check(LongSupplier nowNanos) {
    return new PointCheck(nowNanos);
  }

  @Override
  public long partitionTimeNanos(ScannedRequest r, int point) {
    return r.fixed64(MetricContract.TIME, point);
  }
}
