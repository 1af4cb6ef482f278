package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.google.rpc.RetryInfo;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.Span;
import io.otlake.gateway.GatewayServer;
import io.otlake.gateway.receiver.RawBytes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/** The gateway's answers per the OTLP spec's Failures and Throttling sections, on a real broker or none. */
class GatewayFailuresIT {

  @Test
  void invalidItemsAreRejectedOneByOneAndUnreadableRequestsGetInvalidArgument() throws Exception {
    String topic = "invalid_spans";
    try (GatewayServer gateway = TestLake.gateway(topic, Map.of())) {
      ManagedChannel channel = channel(gateway);
      try {
        ExportTraceServiceRequest good = Spans.request("svc", 0, 1, 2);
        Span bad = good.getResourceSpans(0).getScopeSpans(0).getSpans(1).toBuilder()
            .setSpanId(ByteString.copyFrom(new byte[4])).build();
        ExportTraceServiceRequest request = good.toBuilder()
            .setResourceSpans(0, good.getResourceSpans(0).toBuilder().setScopeSpans(0,
                good.getResourceSpans(0).getScopeSpans(0).toBuilder().setSpans(1, bad)))
            .build();
        // the bad span is rejected in partial_success, the good one of the same request stored
        ExportTracePartialSuccess partial = TraceServiceGrpc.newBlockingStub(channel).export(request)
            .getPartialSuccess();
        assertThat(partial.getRejectedSpans()).isEqualTo(1);
        assertThat(partial.getErrorMessage()).contains("spans[1]").contains("span_id must be 8 bytes, got 4");
        assertThat(endOffsets(topic)).isEqualTo(1);
        // bytes that are not an ExportTraceServiceRequest at all
        MethodDescriptor<byte[], byte[]> raw = TraceServiceGrpc.getExportMethod().toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE).build();
        StatusRuntimeException garbage = catchThrowableOfType(StatusRuntimeException.class,
            () -> ClientCalls.blockingUnaryCall(channel, raw, CallOptions.DEFAULT, new byte[] {0x0a, 0x05, 0x01}));
        assertThat(garbage.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(garbage.getStatus().getDescription()).startsWith("not a valid ExportTraceServiceRequest");
        assertThat(endOffsets(topic)).isEqualTo(1);
        // and the gateway serves on
        TraceServiceGrpc.newBlockingStub(channel).export(good);
        assertThat(endOffsets(topic)).isEqualTo(2);
        // the same over OTLP/HTTP: 200 with partial_success, and 400 with a google.rpc.Status for garbage
        HttpResponse<byte[]> http = postProtobuf(gateway, request.toByteArray());
        assertThat(http.statusCode()).isEqualTo(200);
        assertThat(ExportTraceServiceResponse.parseFrom(http.body()).getPartialSuccess().getErrorMessage())
            .contains("spans[1]").contains("span_id must be 8 bytes, got 4");
        assertThat(endOffsets(topic)).isEqualTo(3);
        HttpResponse<byte[]> unreadable = postProtobuf(gateway, new byte[] {0x0a, 0x05, 0x01});
        assertThat(unreadable.statusCode()).isEqualTo(400);
        assertThat(com.google.rpc.Status.parseFrom(unreadable.body()).getMessage())
            .startsWith("not a valid ExportTraceServiceRequest");
        assertThat(postProtobuf(gateway, good.toByteArray()).statusCode()).isEqualTo(200);
        assertThat(endOffsets(topic)).isEqualTo(4);
        // Prometheus sees every answer by transport and code
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + gateway.metricsPort() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics)
            .contains("otlake_gateway_requests_total{code=\"INVALID_ARGUMENT\",transport=\"grpc\"} 1.0")
            .contains("otlake_gateway_requests_total{code=\"OK\",transport=\"grpc\"} 2.0")
            .contains("otlake_gateway_requests_total{code=\"400\",transport=\"http\"} 1.0")
            .contains("otlake_gateway_requests_total{code=\"200\",transport=\"http\"} 2.0");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void kafkaUnreachableGivesUnavailableAndOverloadGivesResourceExhaustedWithRetryInfo() throws Exception {
    int nothingListens = LocalInfra.freePort();
    try (GatewayServer gateway = TestLake.gateway("unreachable_spans", Map.of(
        "kafka.bootstrap.servers", "127.0.0.1:" + nothingListens,
        "kafka.max-in-flight-bytes", "1MiB",
        "kafka.producer.max.block.ms", "3000"))) {
      ManagedChannel channel = channel(gateway);
      try {
        // ~700 KB: alone it fits the 1 MiB in-flight budget, two at once do not
        ExportTraceServiceRequest bigger = withPadding(Spans.request("svc", 0, 20, 100), 700_000);
        assertThat(bigger.getSerializedSize()).isBetween(600_000, 1_000_000);
        CompletableFuture<StatusRuntimeException> first = CompletableFuture.supplyAsync(() ->
            catchThrowableOfType(StatusRuntimeException.class,
                () -> TraceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).export(bigger)));
        ChildJvm.sleep(1000); // the first now waits for Kafka's metadata, holding its bytes
        StatusRuntimeException second = catchThrowableOfType(StatusRuntimeException.class,
            () -> TraceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).export(bigger));
        assertThat(second.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        com.google.rpc.Status details = StatusProto.fromThrowable(second);
        assertThat(details).isNotNull();
        assertThat(details.getDetailsList()).anySatisfy(any -> {
          assertThat(any.is(RetryInfo.class)).isTrue();
          assertThat(any.unpack(RetryInfo.class).getRetryDelay().getSeconds()).isPositive();
        });

        StatusRuntimeException firstError = first.get(60, TimeUnit.SECONDS);
        assertThat(firstError.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(firstError.getStatus().getDescription()).contains("Kafka");

        // over OTLP/HTTP the same failure is a 503, which OTLP/HTTP clients retry
        HttpResponse<byte[]> http = postProtobuf(gateway, Spans.request("svc", 1, 1, 2).toByteArray());
        assertThat(http.statusCode()).isEqualTo(503);
        assertThat(com.google.rpc.Status.parseFrom(http.body()).getMessage()).contains("Kafka");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static ExportTraceServiceRequest withPadding(ExportTraceServiceRequest r, int bytes) {
    Span first = r.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    Span padded = first.toBuilder().setName("x".repeat(Math.max(0, bytes - r.getSerializedSize()))).build();
    return r.toBuilder().setResourceSpans(0, r.getResourceSpans(0).toBuilder().setScopeSpans(0,
        r.getResourceSpans(0).getScopeSpans(0).toBuilder().setSpans(0, padded))).build();
  }

  private static HttpResponse<byte[]> postProtobuf(GatewayServer gateway, byte[] body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.httpPort() + "/v1/traces"))
            .header("Content-Type", "application/x-protobuf")
            .timeout(java.time.Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static ManagedChannel channel(GatewayServer gateway) {
    return NettyChannelBuilder.forAddress("127.0.0.1", gateway.grpcPort()).usePlaintext().build();
  }

  private static long endOffsets(String topic) {
    try (KafkaConsumer<byte[], byte[]> c = TestLake.consumer()) {
      var partitions = c.partitionsFor(topic).stream()
          .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
      return c.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
