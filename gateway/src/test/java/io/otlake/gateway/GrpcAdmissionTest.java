package io.otlake.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.rpc.RetryInfo;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.otlake.gateway.config.GatewayConfig;
import io.otlake.gateway.receiver.RawBytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real gateway's OTLP/gRPC bounds before the service runs, through a real gRPC client: admission charged as a
 * message arrives (a refused message is not read to its end), and the calls one connection may have open. Kafka is a
 * port where nothing listens, so a valid request waits there holding its admission bytes, which is how these tests
 * fill the bound.
 */
class GrpcAdmissionTest {
  private static final MethodDescriptor<byte[], byte[]> EXPORT =
      TraceServiceGrpc.getExportMethod().toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE).build();
  /** A message much larger than the bound and than anything flow control lets a client send unread. */
  private static final int LARGE = 32 << 20;

  private GatewayServer gateway;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private Relay relay;

  private void start(Map<String, String> extra) throws IOException {
    int nothingListens;
    try (ServerSocket s = new ServerSocket(0)) {
      nothingListens = s.getLocalPort();
    }
    Map<String, String> o = new HashMap<>();
    o.put("kafka.bootstrap.servers", "127.0.0.1:" + nothingListens);
    o.put("kafka.delivery-timeout", "120s");
    o.put("kafka.producer.max.block.ms", "120000"); // a request waits for the missing broker, holding its bytes
    o.put("grpc.host", "127.0.0.1");
    o.put("grpc.port", "0");
    o.put("grpc.max-request-bytes", "64MiB");
    o.put("http.port", "-1");
    o.put("metrics.host", "127.0.0.1");
    o.put("metrics.port", "0");
    o.put("shutdown.grace", "1s");
    o.putAll(extra);
    gateway = GatewayServer.start(GatewayConfig.load(null, Map.of(), o));
  }

  @AfterEach
  void stop() throws IOException {
    channels.forEach(ManagedChannel::shutdownNow);
    if (relay != null) {
      relay.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  private ManagedChannel channel(int port) {
    ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    channels.add(c);
    return c;
  }

  @Test
  void aCallArrivingWhileTheBoundIsFullIsRefusedBeforeItsMessageIsRead() throws Exception {
    start(Map.of("admission.max-in-flight-bytes", "1MiB"));
    byte[] holder = request(1, 1300); // ~1.3 MB: past the bound, admitted alone, then waits for Kafka
    hold(channel(gateway.grpcPort()), holder);
    awaitInFlight(holder.length);

    relay = new Relay(gateway.grpcPort());
    StatusRuntimeException refused = call(channel(relay.port()), new byte[LARGE]);
    assertRetryableOverload(refused);
    assertThat(relay.forwarded()).as("bytes of the %d-byte message the gateway took in", LARGE)
        .isLessThan(LARGE / 4);
    assertThat(inFlight()).as("the refused call holds nothing").isEqualTo(holder.length);
  }

  @Test
  void aCallIsRefusedInTheMiddleOfItsMessageOnceItsBytesWouldPassTheBound() throws Exception {
    start(Map.of("admission.max-in-flight-bytes", "1MiB"));
    byte[] holder = request(2, 400); // ~400 kB of the 1 MiB bound held while it waits for Kafka
    hold(channel(gateway.grpcPort()), holder);
    awaitInFlight(holder.length);

    relay = new Relay(gateway.grpcPort());
    StatusRuntimeException refused = call(channel(relay.port()), new byte[LARGE]);
    assertRetryableOverload(refused);
    assertThat(relay.forwarded()).as("bytes of the %d-byte message the gateway took in", LARGE)
        .isLessThan(LARGE / 4);
    // what it had read was charged, then given back with the refusal
    double refusedBytes = metric("otlake_gateway_refused_bytes_total{reason=\"in_flight_bytes\",transport=\"grpc\"}");
    assertThat(refusedBytes).isGreaterThan(0).isLessThan(LARGE / 4);
    assertThat(inFlight()).as("the refused call holds nothing").isEqualTo(holder.length);
  }

  @Test
  void aConnectionHasAtMostTheConfiguredCallsOpen() throws Exception {
    start(Map.of("admission.max-in-flight-bytes", "64MiB", GatewayConfig.GRPC_MAX_CONCURRENT_CALLS, "2"));
    ManagedChannel one = channel(gateway.grpcPort());
    List<byte[]> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      byte[] r = request(10 + i, 100);
      held.add(r);
      hold(one, r);
    }
    long two = held.get(0).length + held.get(1).length;
    awaitInFlight(two);
    // the other two wait in the client until one of the open calls ends (none does while Kafka is away)
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (System.nanoTime() < deadline) {
      assertThat(inFlight()).as("bytes of the calls open on the connection").isLessThanOrEqualTo(two + 1000);
      Thread.sleep(50);
    }
    // another connection has its own calls
    byte[] other = request(20, 100);
    hold(channel(gateway.grpcPort()), other);
    awaitInFlight(two + other.length);
  }

  private static void assertRetryableOverload(StatusRuntimeException refused) throws Exception {
    assertThat(refused).isNotNull();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(refused.getStatus().getDescription()).contains("admission.max-in-flight-bytes");
    com.google.rpc.Status details = StatusProto.fromThrowable(refused);
    assertThat(details).as("a google.rpc.Status with RetryInfo").isNotNull();
    assertThat(details.getDetails(0).unpack(RetryInfo.class).getRetryDelay().getSeconds()).isPositive();
  }

  /** Starts a call whose answer does not come while Kafka is away. */
  private static void hold(ManagedChannel channel, byte[] body) {
    ClientCalls.asyncUnaryCall(channel.newCall(EXPORT, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS)),
        body, new StreamObserver<>() {
          @Override
          public void onNext(byte[] value) {}

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
  }

  private static StatusRuntimeException call(ManagedChannel channel, byte[] body) {
    try {
      ClientCalls.blockingUnaryCall(channel, EXPORT, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS),
          body);
      return null;
    } catch (StatusRuntimeException e) {
      return e;
    }
  }

  private void awaitInFlight(long bytes) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (inFlight() < bytes) {
      assertThat(System.nanoTime()).as("in-flight bytes reach %d", bytes).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private long inFlight() throws Exception {
    return (long) metric("otlake_gateway_in_flight_bytes");
  }

  private double metric(String series) throws Exception {
    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + gateway.metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    for (String line : body.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }

  /** A valid traces request of {@code spans} spans of about a kilobyte each. */
  private static byte[] request(int n, int spans) {
    long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int s = 1; s <= spans; s++) {
      byte[] trace = new byte[16];
      trace[0] = (byte) n;
      trace[15] = 1;
      byte[] span = new byte[8];
      span[0] = (byte) (s >> 8);
      span[1] = (byte) s;
      span[7] = 1;
      scope.addSpans(Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(span))
          .setName("op").setStartTimeUnixNano(now - 1000).setEndTimeUnixNano(now)
          .addAttributes(KeyValue.newBuilder().setKey("padding")
              .setValue(AnyValue.newBuilder().setStringValue("x".repeat(1000)))));
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope)).build().toByteArray();
  }

  /** A TCP relay in front of the gateway counting the bytes it forwarded to it: what the gateway took in. */
  private static final class Relay implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicLong forwarded = new AtomicLong();
    private final List<Socket> sockets = new ArrayList<>();

    Relay(int target) throws IOException {
      server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      Thread accept = new Thread(() -> {
        try {
          while (true) {
            Socket client = server.accept();
            Socket upstream = new Socket("127.0.0.1", target);
            synchronized (sockets) {
              sockets.add(client);
              sockets.add(upstream);
            }
            pump(client.getInputStream(), upstream.getOutputStream(), forwarded);
            pump(upstream.getInputStream(), client.getOutputStream(), new AtomicLong());
          }
        } catch (IOException closed) {
          // the test is over
        }
      }, "relay-accept");
      accept.setDaemon(true);
      accept.start();
    }

    int port() {
      return server.getLocalPort();
    }

    long forwarded() {
      return forwarded.get();
    }

    private static void pump(InputStream in, OutputStream out, AtomicLong count) {
      Thread t = new Thread(() -> {
        byte[] buf = new byte[8192];
        try {
          for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
            count.addAndGet(n);
          }
          out.close();
        } catch (IOException closed) {
          // either side went away
        }
      }, "relay-pump");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (sockets) {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }
}
