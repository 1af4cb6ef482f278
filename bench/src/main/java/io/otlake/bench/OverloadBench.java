package io.otlake.bench;

import io.otlake.writer.testing.DemoTelemetry;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.otlake.gateway.GatewayServer;
import io.otlake.gateway.config.GatewayConfig;
import io.otlake.gateway.receiver.RawBytes;
import io.otlake.local.LocalInfra;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway under ten times the load it can take: acknowledged spans/s while the excess is refused, as a ratio of
 * the same gateway's rate without overload, measured in the same run. Ten times the concurrent calls (gRPC) or
 * connections (HTTP) of the unloaded run each send again as soon as they have their answer, refusal or not, so the
 * requests offered per second are many times what is acknowledged (reported). Over gRPC once more with admission out
 * of the way and the same budget kept by the Kafka sink alone, which refuses after the scan, validation and split, as
 * before admission existed.
 */
final class OverloadBench {
  private static final int CONCURRENCY = 32;
  private static final int OVERLOAD = 10;
  /** The admission bound of the measured gateway: what a gateway with a 128 MiB heap would have by default. */
  static final String ADMISSION_BYTES = "16MiB";

  private OverloadBench() {}

  static void run(LocalInfra infra, boolean quick, Results results) throws Exception {
    int requests = quick ? 40 : 120;
    long seconds = quick ? 10 : 20;
    DemoTelemetry demo = new DemoTelemetry(11, System.currentTimeMillis() * 1_000_000L - 3_600_000_000_000L, 200, 1);
    List<byte[]> payloads = new ArrayList<>();
    List<Integer> spanCounts = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      ExportTraceServiceRequest r = demo.request(512);
      payloads.add(r.toByteArray());
      spanCounts.add(Bench.spanCount(r));
    }
    double meanBytes = payloads.stream().mapToInt(p -> p.length).average().orElse(0);

    Map<String, Object> s = results.section("gateway_overload");
    Rate unloaded;
    Rate overloaded;
    Rate withoutAdmission;
    Rate http;
    Rate httpUnloaded;
    try (GatewayServer server = GatewayServer.start(config(infra, "bench_overload", ADMISSION_BYTES))) {
      unloaded = print("gRPC unloaded", grpc(server.grpcPort(), payloads, spanCounts,
          new GatewayBench.Window(seconds, 15), CONCURRENCY));
      overloaded = print("gRPC overloaded", grpc(server.grpcPort(), payloads, spanCounts,
          new GatewayBench.Window(seconds, 5), OVERLOAD * CONCURRENCY));
      httpUnloaded = print("HTTP unloaded", http(server.httpPort(), payloads, spanCounts,
          new GatewayBench.Window(seconds, 5), CONCURRENCY));
      http = print("HTTP overloaded", http(server.httpPort(), payloads, spanCounts,
          new GatewayBench.Window(seconds, 5), OVERLOAD * CONCURRENCY));
    }
    // the same 16 MiB budget, kept by the Kafka sink only: refused after the scan, validation and split, as before
    try (GatewayServer server = GatewayServer.start(config(infra, "bench_overload", "1024GiB"))) {
      grpc(server.grpcPort(), payloads, spanCounts, new GatewayBench.Window(2, 5), CONCURRENCY); // its own warm-up
      withoutAdmission = print("gRPC overloaded without admission", grpc(server.grpcPort(), payloads, spanCounts,
          new GatewayBench.Window(seconds, 3), OVERLOAD * CONCURRENCY));
    }
    s.put("admission_max_in_flight_bytes", ADMISSION_BYTES);
    s.put("request_bytes_mean", Math.round(meanBytes));
    s.put("spans_per_request", Results.round(spanCounts.stream().mapToInt(Integer::intValue).average().orElse(0), 1));
    s.put("grpc_unloaded_spans_per_second", Math.round(unloaded.spansPerSecond()));
    s.put("grpc_overloaded_spans_per_second", Math.round(overloaded.spansPerSecond()));
    s.put("grpc_offered_load_ratio", Results.round(overloaded.offeredPerSecond() / unloaded.requestsPerSecond(), 2));
    s.put("grpc_refused_requests_per_second", Math.round(overloaded.refusedPerSecond()));
    s.put("grpc_without_admission_spans_per_second", Math.round(withoutAdmission.spansPerSecond()));
    s.put("grpc_without_admission_offered_load_ratio",
        Results.round(withoutAdmission.offeredPerSecond() / unloaded.requestsPerSecond(), 2));
    s.put("grpc_without_admission_ratio", Results.round(withoutAdmission.spansPerSecond()
        / unloaded.spansPerSecond(), 3));
    s.put("http_unloaded_spans_per_second", Math.round(httpUnloaded.spansPerSecond()));
    s.put("http_overloaded_spans_per_second", Math.round(http.spansPerSecond()));
    s.put("http_overloaded_connections", OVERLOAD * CONCURRENCY);
    s.put("http_refused_requests_per_second", Math.round(http.refusedPerSecond()));
    s.put("http_offered_load_ratio", Results.round(http.offeredPerSecond() / httpUnloaded.requestsPerSecond(), 2));
    s.put("grpc_overloaded_calls", OVERLOAD * CONCURRENCY);
    s.put("note", OVERLOAD + "x the concurrent calls (gRPC) or connections (HTTP) of the unloaded run, each sending"
        + " again at once after a refusal (no back-off: harsher than OTLP clients, which wait for the retry delay);"
        + " the without-admission gateway has the same 16 MiB budget kept only by its Kafka sink, after the scan;"
        + " the load generator shares the machine with the gateway and the broker, so refusals cost it CPU too");
    results.put("gateway_overload_ratio", Results.round(overloaded.spansPerSecond() / unloaded.spansPerSecond(), 3));
    results.put("gateway_http_overload_ratio",
        Results.round(http.spansPerSecond() / httpUnloaded.spansPerSecond(), 3));
  }

  private static Rate print(String what, Rate r) {
    System.out.printf(java.util.Locale.ROOT, "   %s: %.0f spans/s acknowledged, %.0f requests/s offered, %.0f refused%n",
        what, r.spansPerSecond(), r.offeredPerSecond(), r.refusedPerSecond());
    return r;
  }

  private static GatewayConfig config(LocalInfra infra, String topic, String admission) {
    Map<String, String> settings = new HashMap<>();
    settings.put("kafka.bootstrap.servers", infra.bootstrapServers());
    settings.put("kafka.topic.traces", topic);
    settings.put("grpc.host", "127.0.0.1");
    settings.put("grpc.port", "0");
    settings.put("http.host", "127.0.0.1");
    settings.put("http.port", "0");
    settings.put("http.max-request-bytes", "16MiB");
    settings.put("metrics.port", "-1");
    settings.put("admission.max-in-flight-bytes", admission);
    settings.put("kafka.max-in-flight-bytes", ADMISSION_BYTES);
    return GatewayConfig.load(null, Map.of(), settings);
  }

  /** Inside the measuring window: spans acknowledged, requests acknowledged, offered and refused, per second. */
  record Rate(double spansPerSecond, double requestsPerSecond, double offeredPerSecond, double refusedPerSecond) {}

  /** OTLP/gRPC: {@code concurrency} calls in flight, each followed by the next as soon as it is answered, OK or not. */
  private static Rate grpc(int port, List<byte[]> payloads, List<Integer> spanCounts, GatewayBench.Window w,
      int concurrency) throws Exception {
    MethodDescriptor<byte[], byte[]> export = TraceServiceGrpc.getExportMethod()
        .toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE).build();
    List<ManagedChannel> channels = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor()
          .maxInboundMessageSize(16 << 20).build());
    }
    AtomicLong spans = new AtomicLong();
    AtomicLong acked = new AtomicLong();
    AtomicLong offered = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    Semaphore outstanding = new Semaphore(concurrency);
    w.start();
    for (long i = 0; !w.over(); i++) {
      int k = (int) (i % payloads.size());
      outstanding.acquire();
      w.count(offered, 1);
      ClientCalls.asyncUnaryCall(channels.get(k % channels.size()).newCall(export, CallOptions.DEFAULT),
          payloads.get(k), new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
              w.count(spans, spanCounts.get(k));
              w.count(acked, 1);
            }

            @Override
            public void onError(Throwable t) {
              w.count(refused, 1);
              outstanding.release();
            }

            @Override
            public void onCompleted() {
              outstanding.release();
            }
          });
    }
    outstanding.acquire(concurrency);
    channels.forEach(ManagedChannel::shutdownNow);
    return new Rate(w.rate(spans), w.rate(acked), w.rate(offered), w.rate(refused));
  }

  /** OTLP/HTTP with protobuf bodies: {@code connections} keep-alive connections, each sending again once answered. */
  private static Rate http(int port, List<byte[]> payloads, List<Integer> spanCounts, GatewayBench.Window w,
      int connections) throws Exception {
    List<byte[]> wire = new ArrayList<>();
    for (byte[] p : payloads) {
      byte[] head = ("POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1:" + port
          + "\r\nContent-Type: application/x-protobuf\r\nContent-Length: " + p.length + "\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      byte[] all = java.util.Arrays.copyOf(head, head.length + p.length);
      System.arraycopy(p, 0, all, head.length, p.length);
      wire.add(all);
    }
    AtomicLong spans = new AtomicLong();
    AtomicLong acked = new AtomicLong();
    AtomicLong offered = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    w.start();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      int first = c;
      Thread t = new Thread(() -> {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
          socket.setTcpNoDelay(true);
          java.io.OutputStream out = socket.getOutputStream();
          java.io.InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 4096);
          for (int i = first; !w.over(); i += connections) {
            w.count(offered, 1);
            out.write(wire.get(i % wire.size()));
            out.flush();
            if (GatewayBench.readStatus(in) == 200) {
              w.count(spans, spanCounts.get(i % wire.size()));
              w.count(acked, 1);
            } else {
              w.count(refused, 1);
            }
          }
        } catch (java.io.IOException e) {
          System.out.println("  overload over HTTP: a connection failed: " + e);
        }
      }, "bench-overload-http-" + c);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    return new Rate(w.rate(spans), w.rate(acked), w.rate(offered), w.rate(refused));
  }
}
