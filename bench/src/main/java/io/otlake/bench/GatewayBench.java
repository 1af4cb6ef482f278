package io.otlake.bench;

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
import io.otlake.gateway.kafka.KafkaSink;
import io.otlake.gateway.receiver.RawBytes;
import io.otlake.local.LocalInfra;
import io.otlake.proto.OtlpRecord;
import io.otlake.proto.TraceSplitter;
import io.otlake.proto.wire.ScannedTraces;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Acknowledged spans per second through the gateway over OTLP/gRPC, driven by pre-serialized requests on many
 * concurrent calls, against the ceiling of a plain KafkaProducer sending the same records with the same settings
 * to the same broker.
 */
final class GatewayBench {
  private static final int CONCURRENCY = 32;
  private static final long WARMUP_SECONDS = 15;

  private GatewayBench() {}

  static void run(LocalInfra infra, boolean quick, Results results) throws Exception {
    int requests = quick ? 40 : 120;
    int spansPerRequest = 512;
    long seconds = quick ? 12 : 40;
    DemoTelemetry demo = new DemoTelemetry(7, System.currentTimeMillis() * 1_000_000L - 3_600_000_000_000L, 200, 1);
    List<byte[]> payloads = new ArrayList<>();
    List<Integer> spanCounts = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      ExportTraceServiceRequest r = demo.request(spansPerRequest);
      payloads.add(r.toByteArray());
      spanCounts.add(Bench.spanCount(r));
    }

    Map<String, String> settings = new HashMap<>();
    settings.put("kafka.bootstrap.servers", infra.bootstrapServers());
    settings.put("kafka.topic.traces", "bench_gateway");
    settings.put("grpc.host", "127.0.0.1");
    settings.put("grpc.port", "0");
    settings.put("metrics.port", "-1");
    GatewayConfig config = GatewayConfig.load(null, Map.of(), settings);

    double ceiling = ceiling(config, payloads, spanCounts, seconds);
    double gateway;
    try (GatewayServer server = GatewayServer.start(config)) {
      gateway = drive(server.grpcPort(), payloads, spanCounts, seconds);
    }
    Map<String, Object> s = results.section("gateway");
    s.put("spans_per_second", Math.round(gateway));
    s.put("ceiling_kafka_producer_spans_per_second", Math.round(ceiling));
    s.put("concurrent_calls", CONCURRENCY);
    double meanSpans = spanCounts.stream().mapToInt(Integer::intValue).average().orElse(0);
    s.put("spans_per_request", Results.round(meanSpans, 1));
    s.put("measured_seconds", seconds);
    results.put("gateway_ratio", Results.round(gateway / ceiling, 3));
  }

  /** The same records as the gateway would produce, from a plain producer with the gateway's settings. */
  private static double ceiling(GatewayConfig config, List<byte[]> payloads, List<Integer> spanCounts, long seconds)
      throws Exception {
    TraceSplitter splitter = new TraceSplitter(config.maxRecordBytes());
    List<List<OtlpRecord>> split = new ArrayList<>();
    for (byte[] p : payloads) {
      split.add(splitter.split(ScannedTraces.scan(p)));
    }
    Map<String, Object> props = KafkaSink.producerProperties(config);
    AtomicLong acked = new AtomicLong();
    Semaphore inFlight = new Semaphore(CONCURRENCY);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      Window w = new Window(seconds);
      int i = 0;
      while (!w.over()) {
        List<OtlpRecord> records = split.get(i % split.size());
        int spans = spanCounts.get(i % split.size());
        i++;
        inFlight.acquire();
        AtomicLong pending = new AtomicLong(records.size());
        for (OtlpRecord r : records) {
          producer.send(new ProducerRecord<>("bench_ceiling", r.key(), r.value()), (m, e) -> {
            if (pending.decrementAndGet() == 0) {
              if (e == null) {
                w.count(acked, spans);
              }
              inFlight.release();
            }
          });
        }
      }
      producer.flush();
      return w.rate(acked);
    }
  }

  private static double drive(int port, List<byte[]> payloads, List<Integer> spanCounts, long seconds)
      throws Exception {
    MethodDescriptor<byte[], byte[]> export = TraceServiceGrpc.getExportMethod().toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE)
        .build();
    List<ManagedChannel> channels = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor()
          .maxInboundMessageSize(16 << 20).build());
    }
    AtomicLong acked = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    Semaphore inFlight = new Semaphore(CONCURRENCY);
    Window w = new Window(seconds);
    int i = 0;
    while (!w.over()) {
      byte[] payload = payloads.get(i % payloads.size());
      int spans = spanCounts.get(i % payloads.size());
      ManagedChannel ch = channels.get(i % channels.size());
      i++;
      inFlight.acquire();
      ClientCalls.asyncUnaryCall(ch.newCall(export, CallOptions.DEFAULT), payload, new StreamObserver<>() {
        @Override
        public void onNext(byte[] value) {
          w.count(acked, spans);
        }

        @Override
        public void onError(Throwable t) {
          failed.incrementAndGet();
          inFlight.release();
        }

        @Override
        public void onCompleted() {
          inFlight.release();
        }
      });
    }
    inFlight.acquire(CONCURRENCY);
    channels.forEach(ManagedChannel::shutdownNow);
    if (failed.get() > 0) {
      System.out.println("  gateway: " + failed.get() + " calls failed (retryable answers under load)");
    }
    return w.rate(acked);
  }

  /** A measuring window after a warm-up: counts only what completes inside it. */
  static final class Window {
    final long warmupEnd;
    final long end;

    Window(long seconds) {
      long now = System.nanoTime();
      // long enough for C2 to finish compiling the path: measured, it took a third of both cores for ~10 s
      warmupEnd = now + WARMUP_SECONDS * 1_000_000_000L;
      end = warmupEnd + seconds * 1_000_000_000L;
    }

    boolean over() {
      return System.nanoTime() >= end;
    }

    void count(AtomicLong counter, int n) {
      long now = System.nanoTime();
      if (now >= warmupEnd && now < end) {
        counter.addAndGet(n);
      }
    }

    double rate(AtomicLong counter) {
      return counter.get() / ((end - warmupEnd) / 1e9);
    }
  }
}
