package io.otlake.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.CallOptions;
import io.grpc.CompressorRegistry;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.otlake.gateway.config.GatewayConfig;
import io.otlake.gateway.receiver.RawBytes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the real gateway's OTLP/gRPC server answers to messages it cannot take, through a real gRPC client. Nothing
 * here reaches Kafka, so the gateway points at a port where nothing listens.
 */
class GrpcRefusalsTest {
  private static final int LIMIT = 1 << 20;
  private static final MethodDescriptor<byte[], byte[]> EXPORT =
      TraceServiceGrpc.getExportMethod().toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE).build();

  private final List<LogRecord> grpcWarnings = new ArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      if (r.getLoggerName() != null && r.getLoggerName().startsWith("io.grpc") && r.getLevel().intValue() >= Level.WARNING.intValue()) {
        synchronized (grpcWarnings) {
          grpcWarnings.add(r);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private GatewayServer gateway;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    Logger.getLogger("").addHandler(capture);
    int nothingListens;
    try (ServerSocket s = new ServerSocket(0)) {
      nothingListens = s.getLocalPort();
    }
    Map<String, String> o = new HashMap<>();
    o.put("kafka.bootstrap.servers", "127.0.0.1:" + nothingListens);
    o.put("grpc.host", "127.0.0.1");
    o.put("grpc.port", "0");
    o.put("grpc.max-request-bytes", Integer.toString(LIMIT));
    o.put("http.port", "-1");
    o.put("metrics.host", "127.0.0.1");
    o.put("metrics.port", "0");
    gateway = GatewayServer.start(GatewayConfig.load(null, Map.of(), o));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.grpcPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    gateway.close();
    Logger.getLogger("").removeHandler(capture);
  }

  private StatusRuntimeException call(MethodDescriptor<byte[], byte[]> method, String compression, byte[] body) {
    return call(channel, method, compression, body);
  }

  private static StatusRuntimeException call(ManagedChannel channel, MethodDescriptor<byte[], byte[]> method,
      String compression, byte[] body) {
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS);
    if (compression != null) {
      options = options.withCompression(compression);
    }
    CallOptions o = options;
    return catchThrowableOfType(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(channel, method, o, body));
  }

  @Test
  void aGzipBombIsResourceExhaustedNamingTheLimitAndNotRetryable() {
    StatusRuntimeException e = call(EXPORT, "gzip", new byte[100 << 20]); // 100 MB of zeros: ~100 kB gzipped
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription())
        .contains("grpc.max-request-bytes=" + LIMIT).contains("decompressed");
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    assertThat(details == null ? List.of() : details.getDetailsList()).isEmpty(); // no RetryInfo
    // a good-sized compressed message still gets through to validation (zeros are not a request: field 0)
    StatusRuntimeException small = call(EXPORT, "gzip", new byte[1000]);
    assertThat(small.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(grpcWarnings).isEmpty();
  }

  @Test
  void aPlainOversizedMessageIsResourceExhaustedWithoutAStackTraceInTheLog() {
    StatusRuntimeException e = call(EXPORT, null, new byte[2 * LIMIT]);
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).contains(Integer.toString(LIMIT));
    assertThat(grpcWarnings).isEmpty();
  }

  @Test
  void aCorruptCompressedMessageIsInvalidArgument() {
    CompressorRegistry compressors = CompressorRegistry.newEmptyInstance();
    compressors.register(new NotReallyGzip());
    ManagedChannel lying = NettyChannelBuilder.forAddress("127.0.0.1", gateway.grpcPort()).usePlaintext()
        .compressorRegistry(compressors).build();
    StatusRuntimeException e;
    try {
      e = call(lying, EXPORT, "gzip", new byte[1000]);
    } finally {
      lying.shutdownNow();
    }
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).startsWith("request could not be decompressed");
    assertThat(grpcWarnings).isEmpty();
  }

  @Test
  void everyAnswerIsCountedIncludingUnimplementedAndTransportRefusals() throws Exception {
    MethodDescriptor<byte[], byte[]> profiles = EXPORT.toBuilder()
        .setFullMethodName("opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export").build();
    assertThat(call(profiles, null, new byte[10]).getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(call(EXPORT, null, new byte[2 * LIMIT]).getStatus().getCode())
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(call(EXPORT, "gzip", new byte[4 * LIMIT]).getStatus().getCode())
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(call(EXPORT, null, new byte[] {0x0a, 0x05, 0x01}).getStatus().getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    // the tracer counts as the stream closes, which may come just after the client saw the answer
    String metrics = "";
    for (int i = 0; i < 50; i++) {
      metrics = scrape();
      if (metrics.contains("code=\"INVALID_ARGUMENT\",transport=\"grpc\"} 1.0")
          && metrics.contains("code=\"RESOURCE_EXHAUSTED\",transport=\"grpc\"} 2.0")) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(metrics)
        .contains("otlake_gateway_requests_total{code=\"UNIMPLEMENTED\",transport=\"grpc\"} 1.0")
        .contains("otlake_gateway_requests_total{code=\"RESOURCE_EXHAUSTED\",transport=\"grpc\"} 2.0")
        .contains("otlake_gateway_requests_total{code=\"INVALID_ARGUMENT\",transport=\"grpc\"} 1.0");
  }

  @Test
  void logsAndMetricsServicesRefuseAndCountAsTracesDo() throws Exception {
    MethodDescriptor<byte[], byte[]> logs = io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc
        .getExportMethod().toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE).build();
    MethodDescriptor<byte[], byte[]> metrics = io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc
        .getExportMethod().toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE).build();
    StatusRuntimeException badLogs = call(logs, null, new byte[] {0x0a, 0x05, 0x01});
    assertThat(badLogs.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(badLogs.getStatus().getDescription()).startsWith("not a valid ExportLogsServiceRequest");
    StatusRuntimeException badMetrics = call(metrics, null, new byte[] {0x0a, 0x05, 0x01});
    assertThat(badMetrics.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(badMetrics.getStatus().getDescription()).startsWith("not a valid ExportMetricsServiceRequest");
    assertThat(call(logs, "gzip", new byte[4 * LIMIT]).getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(call(metrics, null, new byte[2 * LIMIT]).getStatus().getCode())
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    // a request whose every item fails its checks is understood: OK, each item counted with the reason (nothing to
    // store, so no Kafka is needed)
    long now = System.currentTimeMillis() * 1_000_000L;
    byte[] badLog = io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.newBuilder().addResourceLogs(
        io.opentelemetry.proto.logs.v1.ResourceLogs.newBuilder().addScopeLogs(
            io.opentelemetry.proto.logs.v1.ScopeLogs.newBuilder().addLogRecords(
                io.opentelemetry.proto.logs.v1.LogRecord.newBuilder().setTimeUnixNano(now)
                    .setTraceId(com.google.protobuf.ByteString.copyFrom(new byte[15]))))).build().toByteArray();
    var logsAnswer = io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse.parseFrom(
        ClientCalls.blockingUnaryCall(channel, logs, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS),
            badLog)).getPartialSuccess();
    assertThat(logsAnswer.getRejectedLogRecords()).isEqualTo(1);
    assertThat(logsAnswer.getErrorMessage()).contains("trace_id must be empty or 16 bytes, got 15");
    byte[] badPoint = io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(io.opentelemetry.proto.metrics.v1.ResourceMetrics.newBuilder().addScopeMetrics(
            io.opentelemetry.proto.metrics.v1.ScopeMetrics.newBuilder().addMetrics(
                io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("g").setGauge(
                    io.opentelemetry.proto.metrics.v1.Gauge.newBuilder().addDataPoints(
                        io.opentelemetry.proto.metrics.v1.NumberDataPoint.newBuilder().setAsInt(1))))))
        .build().toByteArray();
    var metricsAnswer = io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse.parseFrom(
        ClientCalls.blockingUnaryCall(channel, metrics, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS),
            badPoint)).getPartialSuccess();
    assertThat(metricsAnswer.getRejectedDataPoints()).isEqualTo(1);
    assertThat(metricsAnswer.getErrorMessage()).contains("time_unix_nano is missing");
    MethodDescriptor<byte[], byte[]> otherMethod = logs.toBuilder()
        .setFullMethodName("opentelemetry.proto.collector.logs.v1.LogsService/Stream").build();
    assertThat(call(otherMethod, null, new byte[3]).getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    String scraped = "";
    for (int i = 0; i < 50; i++) {
      scraped = scrape();
      if (scraped.contains("code=\"INVALID_ARGUMENT\",transport=\"grpc\"} 2.0")
          && scraped.contains("code=\"RESOURCE_EXHAUSTED\",transport=\"grpc\"} 2.0")
          && scraped.contains("code=\"UNIMPLEMENTED\",transport=\"grpc\"} 1.0")
          && scraped.contains("code=\"OK\",transport=\"grpc\"} 2.0")) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(scraped)
        .contains("otlake_gateway_requests_total{code=\"UNIMPLEMENTED\",transport=\"grpc\"} 1.0")
        .contains("otlake_gateway_requests_total{code=\"RESOURCE_EXHAUSTED\",transport=\"grpc\"} 2.0")
        .contains("otlake_gateway_requests_total{code=\"INVALID_ARGUMENT\",transport=\"grpc\"} 2.0")
        .contains("otlake_gateway_requests_total{code=\"OK\",transport=\"grpc\"} 2.0");
  }

  private String scrape() throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + gateway.metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Says "gzip" on the wire but sends the bytes as they are: a corrupt compressed message. */
  private static final class NotReallyGzip implements io.grpc.Compressor {
    @Override
    public String getMessageEncoding() {
      return "gzip";
    }

    @Override
    public OutputStream compress(OutputStream os) {
      return os;
    }
  }
}
