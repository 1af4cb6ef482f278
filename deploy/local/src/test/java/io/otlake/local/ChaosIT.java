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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;

/**
 * Faults of every part under load from the real OpenTelemetry Java SDK exporter at its defaults (OTLP/gRPC, 10 s
 * timeout, retries, batch span processor), then the table compared with what the SDK was told was exported: every
 * acknowledged span exactly once, and nothing that no client sent. The gateway and two writer replicas (one consumer
 * group) run as their own JVMs, configured by YAML files as an operator would; Kafka, the S3 server and the REST
 * catalog are the suite's own ({@link ChaosLake}), so that they can be paused, killed and cut.
 *
 * <p>For every fault: the services that depend on the broken part say so on {@code /readyz} (503) during the outage,
 * those that do not stay ready (the gateway through S3 and catalog outages), and after it every service is ready
 * again and spans acknowledged after the outage reach the table, with no process restarted: the services stalled,
 * retried and recovered by themselves.
 *
 * <p>The short form (CI, about 4-5 minutes on 2 cores): Kafka paused 30 s (SIGSTOP, then SIGCONT), Kafka killed
 * (SIGKILL) and restarted after 10 s on the same data and port, the catalog unreachable for 20 s (shorter than the
 * issue's 60 s, to fit CI's budget; S3 faults only in the long form). The long form ({@code
 * -Dotlake.chaos.long=true}, 15-25 minutes) has the full durations and every scenario: Kafka paused 30 s
 * twice, killed and down 30 s twice, the S3 server paused 60 s and killed and down 20 s, the catalog unreachable 60 s
 * twice.
 */
class ChaosIT {
  private static final boolean LONG = Boolean.getBoolean("otlake.chaos.long");
  private static final String TOPIC = "chaos_spans";
  private static final String TABLE = "traces_chaos";
  private static final int WRITERS = 2;
  private static final Duration RECOVERY = Duration.ofSeconds(120);
  private static final String COMMITTED_ROWS = "otlake_writer_rows_committed_total";
  private static final String TRACES = "signal=\"traces\"";

  /** Remembers which spans the SDK was told were exported, and when. */
  private static final class Recording implements SpanExporter {
    private final SpanExporter delegate;
    final Map<String, Long> ackedAt = new ConcurrentHashMap<>();
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
          long now = System.nanoTime();
          ids.forEach(id -> ackedAt.put(id, now));
        }
      });
      return result;
    }

    /** Up to {@code n} spans acknowledged after {@code nanoTime}. */
    List<String> ackedAfter(long nanoTime, int n) {
      List<String> out = new ArrayList<>();
      for (Map.Entry<String, Long> e : ackedAt.entrySet()) {
        if (e.getValue() > nanoTime && out.size() < n) {
          out.add(e.getKey());
        }
      }
      return out;
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

  /** What breaks, for how long, and which services must notice ({@code /readyz} 503) while it is broken. */
  private record Fault(String name, Runnable inject, Duration outage, Runnable heal, boolean gatewayNotices) {}

  @Test
  void acknowledgedSpansAreStoredExactlyOnceThroughOutagesOfKafkaS3AndTheCatalog() throws Exception {
    Set<String> emitted = ConcurrentHashMap.newKeySet();
    try (ChaosLake lake = ChaosLake.create()) {
      List<Fault> faults = faults(lake);
      List<ServiceProcess> writers = new ArrayList<>();
      Map<String, String> gatewaySettings = gatewaySettings(lake);
      ServiceProcess gateway = ServiceProcess.start("gateway", "io.otlake.gateway.Main", lake.dir(), gatewaySettings,
          "256m");
      try {
        for (int i = 1; i <= WRITERS; i++) {
          writers.add(ServiceProcess.start("writer-" + i, "io.otlake.writer.Main", lake.dir(),
              writerSettings(lake), "512m"));
        }
        List<ServiceProcess> services = new ArrayList<>(writers);
        services.add(gateway);
        for (ServiceProcess s : services) {
          assertThat(s.awaitReady(RECOVERY)).as("%s ready at start (see %s)", s.name(), s.log()).isTrue();
        }
        int grpcPort = Integer.parseInt(gatewaySettings.get("grpc.port"));
        Recording exporter = new Recording(OtlpGrpcSpanExporter.builder()
            .setEndpoint("http://127.0.0.1:" + grpcPort).build());
        SdkTracerProvider provider = SdkTracerProvider.builder()
            .setResource(Resource.getDefault().toBuilder().put("service.name", "chaos").build())
            .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
            .build();
        Load load = new Load(provider.get("chaos"), emitted);
        Thread loadThread = new Thread(load, "chaos-load");
        loadThread.start();
        Catalog catalog = lake.jdbcCatalog();
        try {
          // steady flow first: the topic exists, the writers commit
          awaitStored(catalog, () -> exporter.ackedAfter(0, 50), "spans before any fault");
          for (Fault fault : faults) {
            ChildJvm.sleep(3000);
            inflict(fault, gateway, writers);
            long healed = System.nanoTime();
            Map<ServiceProcess, Double> committed = new HashMap<>();
            writers.forEach(w -> committed.put(w, w.counter(COMMITTED_ROWS, TRACES)));
            for (ServiceProcess s : services) {
              assertThat(s.awaitReady(RECOVERY)).as("%s ready again after %s (see %s)", s.name(), fault.name(),
                  s.log()).isTrue();
            }
            awaitStored(catalog, () -> exporter.ackedAfter(healed, 50), "spans acknowledged after " + fault.name());
            // each replica writes again by itself (a loop that died would leave its partitions to the other one)
            for (ServiceProcess w : writers) {
              long deadline = System.nanoTime() + RECOVERY.toNanos();
              while (w.counter(COMMITTED_ROWS, TRACES) <= committed.get(w) && System.nanoTime() < deadline) {
                ChildJvm.sleep(1000);
              }
              assertThat(w.counter(COMMITTED_ROWS, TRACES)).as("rows %s committed after %s (see %s)", w.name(),
                  fault.name(), w.log()).isGreaterThan(committed.get(w));
            }
            System.out.printf("chaos: %s: recovered in %d s%n", fault.name(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - healed));
          }
          ChildJvm.sleep(5000);
        } finally {
          load.stop();
          loadThread.join(30_000);
          provider.forceFlush().join(60, TimeUnit.SECONDS);
          provider.shutdown().join(60, TimeUnit.SECONDS);
        }
        Set<String> acked = Set.copyOf(exporter.ackedAt.keySet());
        assertThat(acked).as("spans the SDK was told were exported").isNotEmpty();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (!Set.copyOf(spanIds(catalog)).containsAll(acked) && System.nanoTime() < deadline) {
          ChildJvm.sleep(1000);
        }
        ChildJvm.sleep(5000); // a late duplicate commit would show here
        List<String> ids = spanIds(catalog);
        Set<String> missing = new HashSet<>(acked);
        missing.removeAll(ids);
        assertThat(missing).as("acknowledged spans missing from the table").isEmpty();
        assertThat(ids).as("no span stored twice").doesNotHaveDuplicates();
        assertThat(emitted).as("nothing stored that no client sent").containsAll(ids);
        double dropped = 0;
        for (ServiceProcess w : writers) {
          assertThat(w.isAlive()).as("%s still the process it started as", w.name()).isTrue();
          dropped += w.counter("otlake_writer_duplicates_dropped_total", TRACES);
        }
        System.out.printf("chaos (%s form): %d spans emitted, %d offered to the gateway, %d acknowledged, %d stored,"
            + " %.0f duplicates dropped by the writers%n", LONG ? "long" : "short", emitted.size(),
            exporter.offered.size(), acked.size(), ids.size(), dropped);
      } finally {
        for (ServiceProcess w : writers) {
          w.close();
        }
        gateway.close();
      }
    }
  }

  private static Map<String, String> gatewaySettings(ChaosLake lake) {
    Map<String, String> o = new HashMap<>();
    o.put("kafka.bootstrap.servers", lake.bootstrapServers());
    o.put("kafka.topic.traces", TOPIC);
    o.put("grpc.host", "127.0.0.1");
    o.put("grpc.port", Integer.toString(LocalInfra.freePort()));
    o.put("http.host", "127.0.0.1");
    o.put("http.port", Integer.toString(LocalInfra.freePort()));
    o.putAll(probes());
    return o;
  }

  private static Map<String, String> writerSettings(ChaosLake lake) {
    Map<String, String> o = new HashMap<>();
    o.put("kafka.bootstrap.servers", lake.bootstrapServers());
    o.put("kafka.topic.traces", TOPIC);
    o.put("kafka.group-id", "chaos-writers");
    o.put("table.traces", TABLE);
    o.put("signals", "traces");
    o.put("commit.interval", "1s");
    o.put("kafka.consumer.session.timeout.ms", "6000");
    o.put("kafka.consumer.heartbeat.interval.ms", "1000");
    o.put("iceberg.catalog-name", LocalInfra.CATALOG_NAME);
    lake.serviceCatalogProperties().forEach((k, v) -> o.put("iceberg.catalog." + k, v));
    o.putAll(probes());
    return o;
  }

  /** The metrics port (free) and readiness checks every second, each given 2 s. */
  private static Map<String, String> probes() {
    return Map.of("metrics.host", "127.0.0.1", "metrics.port", Integer.toString(LocalInfra.freePort()),
        "readiness.interval", "1s", "readiness.timeout", "2s");
  }

  private static List<Fault> faults(ChaosLake lake) {
    Fault kafkaPause = new Fault("Kafka paused 30 s", () -> signal("-STOP", lake.kafkaPid()), Duration.ofSeconds(30),
        () -> signal("-CONT", lake.kafkaPid()), true);
    Duration kafkaDown = Duration.ofSeconds(LONG ? 30 : 10);
    Fault kafkaKill = new Fault("Kafka killed and restarted after " + kafkaDown.toSeconds() + " s", lake::killKafka,
        kafkaDown, lake::startKafka, true);
    Fault s3Pause = new Fault("S3 server paused 60 s", () -> signal("-STOP", lake.s3Pid()), Duration.ofSeconds(60),
        () -> signal("-CONT", lake.s3Pid()), false);
    Duration s3Down = Duration.ofSeconds(LONG ? 20 : 5);
    Fault s3Kill = new Fault("S3 server killed and restarted after " + s3Down.toSeconds() + " s", lake::killS3,
        s3Down, lake::startS3, false);
    Duration catalogDown = Duration.ofSeconds(LONG ? 60 : 20);
    Fault catalogCut = new Fault("catalog unreachable " + catalogDown.toSeconds() + " s", lake::cutCatalog,
        catalogDown, lake::restoreCatalog, false);
    return LONG ? List.of(kafkaPause, kafkaKill, s3Pause, catalogCut, kafkaPause, s3Kill, kafkaKill, catalogCut)
        : List.of(kafkaPause, kafkaKill, catalogCut);
  }

  /**
   * Breaks, checks readiness while broken (every writer, and the gateway if it depends on the part, answers 503;
   * otherwise the gateway stays ready), waits out the outage and heals.
   */
  private static void inflict(Fault fault, ServiceProcess gateway, List<ServiceProcess> writers) {
    long start = System.nanoTime();
    fault.inject().run();
    List<String> unnoticed = new ArrayList<>();
    try {
      List<ServiceProcess> noticing = new ArrayList<>(writers);
      if (fault.gatewayNotices()) {
        noticing.add(gateway);
      }
      for (ServiceProcess s : noticing) {
        Duration left = fault.outage().minusNanos(System.nanoTime() - start);
        if (s.awaitReadyz(left.isNegative() ? Duration.ZERO : left, 503) == null) {
          unnoticed.add(s.name());
        }
      }
      if (!fault.gatewayNotices()) {
        ServiceProcess.HttpAnswer a = gateway.get("/readyz");
        if (a.status() != 200) {
          unnoticed.add("gateway answered " + a.status() + " (" + a.body().trim() + ") though it does not depend on it");
        }
      }
      long left = fault.outage().toNanos() - (System.nanoTime() - start);
      if (left > 0) {
        ChildJvm.sleep(TimeUnit.NANOSECONDS.toMillis(left));
      }
    } finally {
      fault.heal().run();
    }
    assertThat(unnoticed).as("readiness during %s: services that did not answer as expected", fault.name()).isEmpty();
  }

  /** Waits until the spans {@code ids} names (asked again until it names some) are all in the table. */
  private static void awaitStored(Catalog catalog, java.util.function.Supplier<List<String>> ids, String what) {
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    List<String> want = List.of();
    while (System.nanoTime() < deadline) {
      if (want.isEmpty()) {
        want = ids.get();
      }
      if (!want.isEmpty() && catalog.tableExists(TableIdentifier.of("otel", TABLE))
          && Set.copyOf(spanIds(catalog, want)).containsAll(want)) {
        return;
      }
      ChildJvm.sleep(1000);
    }
    assertThat(want).as("%s: some acknowledged", what).isNotEmpty();
    assertThat(spanIds(catalog, want)).as("%s stored within %s", what, RECOVERY).containsAll(want);
  }

  private static List<String> spanIds(Catalog catalog) {
    return spanIds(catalog, null);
  }

  /** The table's span ids (only those in {@code among}, when given). */
  private static List<String> spanIds(Catalog catalog, List<String> among) {
    Table t = catalog.loadTable(TableIdentifier.of("otel", TABLE));
    var read = IcebergGenerics.read(t).select("span_id");
    if (among != null) {
      read = read.where(Expressions.in("span_id", among.toArray()));
    }
    List<String> out = new ArrayList<>();
    try (CloseableIterable<Record> it = read.build()) {
      it.forEach(r -> out.add((String) r.getField("span_id")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
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

  private static void signal(String sig, long pid) {
    try {
      Process p = new ProcessBuilder("kill", sig, Long.toString(pid)).inheritIO().start();
      assertThat(p.waitFor()).as("kill %s %d", sig, pid).isZero();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
