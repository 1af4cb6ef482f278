package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.otlake.gateway.GatewayServer;
import io.otlake.writer.WriterService;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;

/**
 * Faults under load from the real OpenTelemetry Java SDK exporter at its defaults (OTLP/gRPC, 10 s timeout, retries),
 * then the table compared with what the SDK was told was exported: every acknowledged span exactly once, and nothing
 * that no client sent. The short form (CI) pauses the Kafka broker for 30 s (SIGSTOP, then SIGCONT): attempts time
 * out, the gateway answers UNAVAILABLE within its 4 s budget, Kafka may store some of them anyway, and the SDK
 * retries. The long form ({@code -Dotlake.chaos.long=true}) repeats it three times and also pauses the S3 server for
 * 60 s.
 */
class ChaosIT {
  private static final boolean LONG = Boolean.getBoolean("otlake.chaos.long");

  /** Remembers which spans the SDK was told were exported. */
  private static final class Recording implements SpanExporter {
    private final SpanExporter delegate;
    final Set<String> acked = ConcurrentHashMap.newKeySet();
    final Set<String> offered = ConcurrentHashMap.newKeySet();

    Recording(SpanExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      List<String> ids = new ArrayList<>();
      spans.forEach(s -> ids.add(s.getSpanId()));
      offered.addAll(ids);
      CompletableResultCode result = delegate.export(spans);
      result.whenComplete(() -> {
        if (result.isSuccess()) {
          acked.addAll(ids);
        }
      });
      return result;
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }
  }

  @Test
  void acknowledgedSpansAreStoredExactlyOnceThroughBrokerAndStoragePauses() throws Exception {
    String topic = "chaos_spans";
    String name = "traces_chaos";
    Catalog catalog = TestLake.catalog();
    Set<String> emitted = ConcurrentHashMap.newKeySet();
    // the gateway at its default Kafka budget: the point is how it answers a client whose attempt is failing
    try (GatewayServer gateway = TestLake.gateway(topic, Map.of("kafka.delivery-timeout", "4s"));
        WriterService writer = TestLake.writer(topic, name, Map.of())) {
      Recording exporter = new Recording(OtlpGrpcSpanExporter.builder()
          .setEndpoint("http://127.0.0.1:" + gateway.grpcPort()).build());
      SdkTracerProvider provider = SdkTracerProvider.builder()
          .setResource(Resource.getDefault().toBuilder().put("service.name", "chaos").build())
          .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
          .build();
      Tracer tracer = provider.get("chaos");
      Load load = new Load(tracer, emitted);
      Thread loadThread = new Thread(load, "chaos-load");
      loadThread.start();
      try {
        int rounds = LONG ? 3 : 1;
        // steady flow first: the topic exists, the writer commits
        TestLake.awaitRows(catalog, name, Duration.ofSeconds(60), rows -> rows.size() > 200);
        for (int round = 0; round < rounds; round++) {
          ChildJvm.sleep(3000);
          pause(TestLake.infra().kafkaPid(), Duration.ofSeconds(30));
          if (LONG) {
            ChildJvm.sleep(8000);
            pause(TestLake.infra().s3Pid(), Duration.ofSeconds(60));
          }
        }
        ChildJvm.sleep(8000);
      } finally {
        load.stop();
        loadThread.join(30_000);
        provider.forceFlush().join(60, TimeUnit.SECONDS);
        provider.shutdown().join(60, TimeUnit.SECONDS);
      }
      assertThat(exporter.acked).as("spans the SDK was told were exported").isNotEmpty();
      TestLake.awaitRows(catalog, name, Duration.ofSeconds(180), rows -> {
        Set<String> ids = new HashSet<>();
        rows.forEach(r -> ids.add((String) r.getField("span_id")));
        return ids.containsAll(exporter.acked);
      });
      ChildJvm.sleep(3000); // a late duplicate commit would show here
      List<String> ids = new ArrayList<>();
      TestLake.rows(catalog, name).forEach(r -> ids.add((String) r.getField("span_id")));
      assertThat(ids).as("no span stored twice").doesNotHaveDuplicates();
      assertThat(Set.copyOf(ids)).as("every acknowledged span stored").containsAll(exporter.acked);
      assertThat(emitted).as("nothing stored that no client sent").containsAll(ids);
      double dropped = writer.meterRegistry().find("otlake.writer.duplicates.dropped").tag("signal", "traces").counter().count();
      System.out.printf("chaos: %d spans emitted, %d offered to the gateway, %d acknowledged, %d stored,"
          + " %.0f duplicates dropped by the writer%n", emitted.size(), exporter.offered.size(), exporter.acked.size(),
          ids.size(), dropped);
    }
  }

  /** Spans at about 200 per second, in traces of four. */
  private static final class Load implements Runnable {
    private final Tracer tracer;
    private final Set<String> emitted;
    private volatile boolean running = true;

    Load(Tracer tracer, Set<String> emitted) {
      this.tracer = tracer;
      this.emitted = emitted;
    }

    @Override
    public void run() {
      while (running) {
        Span root = tracer.spanBuilder("request").startSpan();
        emitted.add(root.getSpanContext().getSpanId());
        try (var scope = root.makeCurrent()) {
          for (int i = 0; i < 3; i++) {
            Span child = tracer.spanBuilder("step-" + i).startSpan();
            emitted.add(child.getSpanContext().getSpanId());
            child.end();
          }
        } finally {
          root.end();
        }
        ChildJvm.sleep(20);
      }
    }

    void stop() {
      running = false;
    }
  }

  /** SIGSTOP, wait, SIGCONT: the process is frozen as by a long GC pause or a stalled disk. */
  private static void pause(long pid, Duration d) throws IOException, InterruptedException {
    signal("-STOP", pid);
    try {
      Thread.sleep(d.toMillis());
    } finally {
      signal("-CONT", pid);
    }
  }

  private static void signal(String sig, long pid) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("kill", sig, Long.toString(pid)).inheritIO().start();
    assertThat(p.waitFor()).as("kill %s %d", sig, pid).isZero();
  }
}
