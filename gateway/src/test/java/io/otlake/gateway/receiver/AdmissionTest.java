package io.otlake.gateway.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.rpc.RetryInfo;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.otlake.proto.OtlpRecord;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bound on request bytes in flight, as logic and as the gRPC transport applies it before the scan. */
class AdmissionTest {
  private static final long NOW = 1_800_000_000_000_000_000L;

  @Test
  void admitsUnderTheBoundRefusesPastItAndGivesBytesBackOnce() {
    Admission a = new Admission(1000);
    Admission.Permit p1 = a.tryAcquire(600);
    assertThat(p1).isNotNull();
    assertThat(a.tryAcquire(401)).as("600 + 401 passes 1000").isNull();
    Admission.Permit p2 = a.tryAcquire(400);
    assertThat(p2).isNotNull();
    assertThat(a.inFlightBytes()).isEqualTo(1000);
    assertThat(a.tryAcquire(1)).isNull();
    p1.close();
    p1.close(); // a second release gives nothing back twice
    assertThat(a.inFlightBytes()).isEqualTo(400);
    assertThat(p2.grow(600)).isTrue();
    assertThat(p2.grow(1)).as("alone in flight, a request may grow past the bound").isTrue();
    p2.close();
    assertThat(a.inFlightBytes()).isZero();
  }

  @Test
  void aGrowingRequestIsRefusedWhenOthersFillTheBound() {
    Admission a = new Admission(1000);
    Admission.Permit other = a.tryAcquire(700);
    Admission.Permit mine = a.tryAcquire(200);
    assertThat(mine.grow(100)).isTrue();
    assertThat(mine.grow(1)).isFalse();
    assertThat(mine.bytes()).isEqualTo(300);
    other.close();
    mine.close();
    assertThat(a.inFlightBytes()).isZero();
  }

  @Test
  void aRequestLargerThanTheBoundIsAdmittedAloneSoThatItCanNeverStarve() {
    Admission a = new Admission(1000);
    Admission.Permit big = a.tryAcquire(5000);
    assertThat(big).isNotNull();
    assertThat(a.tryAcquire(1)).isNull();
    big.close();
    assertThat(a.tryAcquire(1)).isNotNull();
    assertThatThrownBy(() -> new Admission(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void grpcPastTheBoundGetsResourceExhaustedWithRetryInfoAndTheRequestIsNeverScanned() throws Exception {
    List<OtlpRecord> stored = new CopyOnWriteArrayList<>();
    RecordSink sink = (signal, records, at) -> {
      stored.addAll(records);
      return CompletableFuture.completedFuture(null);
    };
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Admission admission = new Admission(1 << 20);
    ReceiverMetrics metrics = new ReceiverMetrics(registry);
    SignalReceiver traces = TestReceivers.of(io.otlake.gateway.signals.traces.Traces.UNIT, sink, NOW,
        new Intake(admission, metrics), 1 << 20);
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor()
        .addStreamTracerFactory(new GrpcAnswers(metrics, io.otlake.proto.ops.ThrottledLog.warnings(
            org.slf4j.LoggerFactory.getLogger(AdmissionTest.class), java.time.Duration.ofSeconds(10))))
        .addService(traces.service(4 << 20, "grpc.max-request-bytes")).build().start();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    MethodDescriptor<byte[], byte[]> export = TraceServiceGrpc.getExportMethod()
        .toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE).build();
    try {
      byte[] good = request().toByteArray();
      byte[] garbage = {0x0a, 0x05, 1}; // not a valid request: a scan would answer INVALID_ARGUMENT
      Admission.Permit held = admission.tryAcquire(admission.maxBytes()); // someone else's requests fill the bound

      StatusRuntimeException refused = call(channel, export, garbage);
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(refused.getStatus().getDescription()).contains("admission.max-in-flight-bytes");
      com.google.rpc.Status details = StatusProto.fromThrowable(refused);
      assertThat(details).isNotNull();
      RetryInfo retry = details.getDetails(0).unpack(RetryInfo.class);
      assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(Outcomes.RETRY_AFTER_SECONDS);
      assertThat(call(channel, export, good).getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(stored).isEmpty();
      // nothing was scanned: a scan would have answered the garbage INVALID_ARGUMENT, as it does below once the
      // bound has room, and the good request was not stored
      assertThat(registry.get("otlake.gateway.refused.bytes").tag("transport", "grpc")
          .tag("reason", Intake.IN_FLIGHT_BYTES).counter().count()).isEqualTo(garbage.length + good.length);
      // the tracer counts as the stream closes, which may come just after the client saw the answer
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (registry.get("otlake.gateway.requests").tag("transport", "grpc").tag("code", "RESOURCE_EXHAUSTED")
          .counter().count() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(registry.get("otlake.gateway.requests").tag("transport", "grpc").tag("code", "RESOURCE_EXHAUSTED")
          .counter().count()).isEqualTo(2);

      held.close();
      assertThat(call(channel, export, garbage).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(call(channel, export, good)).isNull();
      assertThat(stored).hasSize(1);
      assertThat(admission.inFlightBytes()).as("every permit was given back with its answer").isZero();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** The call's failure, or null when it succeeded. */
  private static StatusRuntimeException call(ManagedChannel channel, MethodDescriptor<byte[], byte[]> export,
      byte[] body) {
    try {
      ClientCalls.blockingUnaryCall(channel, export, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
          body);
      return null;
    } catch (StatusRuntimeException e) {
      return e;
    }
  }

  private static ExportTraceServiceRequest request() {
    byte[] trace = new byte[16];
    trace[0] = 1;
    byte[] span = new byte[8];
    span[7] = 1;
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(
        ScopeSpans.newBuilder().addSpans(Span.newBuilder().setTraceId(ByteString.copyFrom(trace))
            .setSpanId(ByteString.copyFrom(span)).setName("op").setStartTimeUnixNano(NOW - 1_000_000)
            .setEndTimeUnixNano(NOW)))).build();
  }
}
