package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import io.otlake.gateway.GatewayServer;
import io.otlake.local.rest.RestCatalogServer;
import io.otlake.writer.WriterService;
import io.otlake.writer.table.Catalogs;
import io.otlake.writer.testing.DemoLogs;
import io.otlake.writer.testing.DemoMetrics;
import io.otlake.writer.testing.DemoTelemetry;
import io.otlake.writer.testing.LogRows;
import io.otlake.writer.testing.MetricRows;
import io.otlake.writer.testing.SpanRows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The lake the engine tests read, written once per test JVM: demo traces, logs and metrics (the writer test-jar's
 * data sets) and {@link EdgeTelemetry}'s cases, sent through the gateway over OTLP/HTTP and committed by the writer
 * into every table it creates (otel.traces, otel.logs, the five otel.metrics_*), in two rounds, so each table has
 * two snapshots for time travel. Holds the rows each table must hold (the writer test-jar's oracles, built from the
 * protobuf requests independently of the writer), and serves the lake's catalog over the REST protocol.
 */
final class EngineLake {
  static final String NAMESPACE = "otel";
  /** Tables in the order of {@link MetricRows}' indexes after traces and logs. */
  static final List<String> METRIC_TABLES = List.of("metrics_gauge", "metrics_sum", "metrics_histogram",
      "metrics_exponential_histogram", "metrics_summary");
  private static EngineLake lake;

  /** Expected rows per table after both rounds, and after the first one. */
  final Map<String, List<Record>> expected = new LinkedHashMap<>();
  final Map<String, List<Record>> firstRound = new LinkedHashMap<>();
  /** The snapshot each table had after the first round. */
  final Map<String, Snapshot> firstSnapshot = new LinkedHashMap<>();
  /** The data files the writer wrote, per table (both rounds). */
  final Map<String, List<DataFile>> files = new LinkedHashMap<>();
  final ExportTraceServiceRequest edgeTraces;
  /** A demo trace that has logs (the edge logs). */
  final String traceId;
  final RestCatalogServer rest;
  final Catalog catalog;

  private EngineLake() {
    catalog = TestLake.catalog();
    long start = (System.currentTimeMillis() - 3 * 3_600_000L) * 1_000_000L;
    ExportTraceServiceRequest demoTraces = new DemoTelemetry(12, start, 20, 1).request(300);
    edgeTraces = EdgeTelemetry.traces(start + 60_000_000_000L);
    // the edge logs belong to the first demo trace: a trace lookup and its logs on demo data
    Span first = demoTraces.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    traceId = io.otlake.proto.Hex.encode(first.getTraceId());
    List<ByteString> traceSpans = new ArrayList<>();
    demoTraces.getResourceSpansList().forEach(rs -> rs.getScopeSpansList().forEach(ss -> ss.getSpansList()
        .forEach(s -> {
          if (s.getTraceId().equals(first.getTraceId())) {
            traceSpans.add(s.getSpanId());
          }
        })));
    ExportLogsServiceRequest demoLogs = new DemoLogs(12, start).request(200);
    ExportLogsServiceRequest edgeLogs = EdgeTelemetry.logs(first.getStartTimeUnixNano(), first.getTraceId(),
        traceSpans);
    DemoMetrics metrics = new DemoMetrics(12, start);
    ExportMetricsServiceRequest demoMetrics = metrics.request(300);
    ExportMetricsServiceRequest edgeMetrics = EdgeTelemetry.metrics(start + 60_000_000_000L);
    // round two: an hour later
    long later = start + 3_600_000_000_000L;
    ExportTraceServiceRequest moreTraces = new DemoTelemetry(13, later, 20, 1).request(200);
    ExportLogsServiceRequest moreLogs = new DemoLogs(13, later).request(100);
    ExportMetricsServiceRequest moreMetrics = metrics.request(200);

    String topic = "engines_spans";
    Map<String, String> gatewaySettings = Map.of("kafka.topic.logs", "engines_logs",
        "kafka.topic.metrics", "engines_metrics");
    Map<String, String> writerSettings = new java.util.HashMap<>(gatewaySettings);
    writerSettings.put("signals", "traces,logs,metrics");
    writerSettings.put("maintenance.enabled", "false");
    try (GatewayServer gateway = TestLake.gateway(topic, gatewaySettings)) {
      // the first round is in Kafka before the writer starts, which then reads its new tables' topics from the
      // start
      post(gateway, "/v1/traces", demoTraces);
      post(gateway, "/v1/traces", edgeTraces);
      post(gateway, "/v1/logs", demoLogs);
      post(gateway, "/v1/logs", edgeLogs);
      post(gateway, "/v1/metrics", demoMetrics);
      post(gateway, "/v1/metrics", edgeMetrics);
      addTraces(firstRound, demoTraces, edgeTraces);
      addLogs(firstRound, demoLogs, edgeLogs);
      addMetrics(firstRound, demoMetrics, edgeMetrics);
      try (WriterService writer = TestLake.writer(topic, "traces", writerSettings)) {
        awaitAll(firstRound);
        for (String table : firstRound.keySet()) {
          firstSnapshot.put(table, load(table).currentSnapshot());
        }
        ChildJvm.sleep(1100); // the second round's commits a clear second later (time travel by timestamp)
        post(gateway, "/v1/traces", moreTraces);
        post(gateway, "/v1/logs", moreLogs);
        post(gateway, "/v1/metrics", moreMetrics);
        addTraces(expected, demoTraces, edgeTraces, moreTraces);
        addLogs(expected, demoLogs, edgeLogs, moreLogs);
        addMetrics(expected, demoMetrics, edgeMetrics, moreMetrics);
        awaitAll(expected);
        ChildJvm.sleep(1500); // nothing more arrives: no duplicates
      }
    }
    for (String table : expected.keySet()) {
      assertThat(TestLake.rows(catalog, table)).as(table).hasSameSizeAs(expected.get(table));
      List<DataFile> written = new ArrayList<>();
      try (CloseableIterable<FileScanTask> tasks = load(table).newScan().planFiles()) {
        tasks.forEach(t -> written.add(t.file()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      files.put(table, written);
    }
    rest = RestCatalogServer.start(Catalogs.build(LocalInfra.CATALOG_NAME, TestLake.infra().catalogProperties()),
        TestLake.infra().objectStoreProperties(), "127.0.0.1", 0);
  }

  static synchronized EngineLake get() {
    if (lake == null) {
      lake = new EngineLake();
    }
    return lake;
  }

  String restUri() {
    return "http://127.0.0.1:" + rest.port();
  }

  Table load(String table) {
    return catalog.loadTable(TableIdentifier.of(NAMESPACE, table));
  }

  private void awaitAll(Map<String, List<Record>> want) {
    for (Map.Entry<String, List<Record>> e : want.entrySet()) {
      int n = e.getValue().size();
      assertThat(n).as(e.getKey()).isPositive();
      System.out.printf("waiting for %d rows in %s%n", n, e.getKey());
      try {
        TestLake.awaitRows(catalog, e.getKey(), Duration.ofSeconds(90), rows -> rows.size() >= n);
      } catch (AssertionError failed) {
        List<String> missing = new ArrayList<>(Canonical.rows(e.getValue()));
        Canonical.rows(TestLake.rows(catalog, e.getKey())).forEach(missing::remove);
        missing.forEach(m -> System.out.println("missing in " + e.getKey() + ": " + m));
        throw failed;
      }
    }
  }

  private static void addTraces(Map<String, List<Record>> into, ExportTraceServiceRequest... requests) {
    List<Record> rows = new ArrayList<>();
    for (ExportTraceServiceRequest r : requests) {
      new SpanRows().decode(r, rows::add);
    }
    into.put("traces", distinct(rows));
  }

  private static void addLogs(Map<String, List<Record>> into, ExportLogsServiceRequest... requests) {
    List<Record> rows = new ArrayList<>();
    for (ExportLogsServiceRequest r : requests) {
      rows.addAll(new LogRows().rows(r));
    }
    into.put("logs", distinct(rows));
  }

  private static void addMetrics(Map<String, List<Record>> into, ExportMetricsServiceRequest... requests) {
    for (int k = 0; k < METRIC_TABLES.size(); k++) {
      into.put(METRIC_TABLES.get(k), new ArrayList<>());
    }
    for (ExportMetricsServiceRequest r : requests) {
      List<List<Record>> byKind = new MetricRows().rows(r);
      for (int k = 0; k < METRIC_TABLES.size(); k++) {
        into.get(METRIC_TABLES.get(k)).addAll(byKind.get(k));
      }
    }
    METRIC_TABLES.forEach(t -> into.put(t, distinct(into.get(t))));
  }

  /**
   * The rows without repeats: the writer stores an item identical in every byte to one it read within its dedup
   * window once, as a client's retry (the demo metrics have such points: three series of one route, method and
   * status 200 whose counts may coincide).
   */
  private static List<Record> distinct(List<Record> rows) {
    Map<String, Record> unique = new LinkedHashMap<>();
    rows.forEach(r -> unique.putIfAbsent(Canonical.row(r), r));
    return new ArrayList<>(unique.values());
  }

  /**
   * Sends {@code request} as OTLP/HTTP protobuf, retrying retryable answers as an OTLP client does (a busy machine
   * can stall the broker past the gateway's delivery timeout; the writer drops what a retry stores twice); the
   * gateway must take every item.
   */
  private static void post(GatewayServer gateway, String path, Message request) {
    try {
      HttpResponse<byte[]> answer;
      int attempt = 0;
      do {
        if (attempt > 0) {
          System.out.printf("%s answered %d, retrying%n", path, 503);
          ChildJvm.sleep(1000L * attempt);
        }
        answer = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + path))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray())).build(),
            HttpResponse.BodyHandlers.ofByteArray());
      } while ((answer.statusCode() == 503 || answer.statusCode() == 429) && ++attempt < 8);
      assertThat(answer.statusCode()).as(path).isEqualTo(200);
      assertThat(answer.body()).as(path + ": no partial_success (nothing refused)").isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
