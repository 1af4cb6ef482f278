package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.otlake.gateway.GatewayServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenTelemetry JS SDK at its defaults exports OTLP/HTTP with JSON bodies (the Java SDK has no JSON exporter):
 * {@code src/test/js/export.mjs} sends spans, log records and metrics (counter, up-down counter, histogram,
 * exponential histogram, observable gauge) to the gateway once without compression and once with gzip. The SDK must
 * report no error or warning, and every item must reach its table with its fields as sent. The packages are the
 * pinned ones of {@code src/test/js/package-lock.json}, installed with {@code npm ci} into {@code target/js-sdk}
 * (node and npm must be on the PATH; the npm registry must be reachable the first time).
 */
class JsSdkIT {
  private static final Path JS = Path.of("target", "js-sdk").toAbsolutePath();
  private static final Pattern IDS = Pattern.compile(
      "\\{\"trace_id\":\"([0-9a-f]{32})\",\"root_span_id\":\"([0-9a-f]{16})\",\"child_span_id\":\"([0-9a-f]{16})\"");

  @BeforeAll
  static void installTheSdk() throws Exception {
    Files.createDirectories(JS);
    Path source = Path.of("src", "test", "js");
    byte[] lock = Files.readAllBytes(source.resolve("package-lock.json"));
    Path installed = JS.resolve("node_modules").resolve(".package-lock.json");
    boolean current = Files.exists(JS.resolve("package-lock.json"))
        && java.util.Arrays.equals(lock, Files.readAllBytes(JS.resolve("package-lock.json"))) && Files.exists(installed);
    for (String f : List.of("package.json", "package-lock.json", "export.mjs")) {
      Files.copy(source.resolve(f), JS.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    if (!current) {
      Run npm = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), Map.of(), 300);
      assertThat(npm.exit).as("npm ci in %s failed (node and npm must be installed):%n%s", JS, npm.output)
          .isZero();
    }
  }

  @Test
  void spansLogsAndMetricsFromTheJsSdkOverHttpJsonReachEveryTableWithTheirFields() throws Exception {
    String prefix = "it_js";
    Map<String, String> topics = Map.of("kafka.topic.traces", prefix + "_spans", "kafka.topic.logs", prefix + "_logs",
        "kafka.topic.metrics", prefix + "_metrics");
    Map<String, String> tables = new HashMap<>(Map.of("table.traces", prefix + "_traces", "table.logs",
        prefix + "_logs"));
    for (String kind : List.of("gauge", "sum", "histogram", "exponential-histogram", "summary")) {
      tables.put("table.metrics-" + kind, prefix + "_metrics_" + kind.replace('-', '_'));
    }
    Map<String, String> writerSettings = new HashMap<>(topics);
    writerSettings.putAll(tables);
    writerSettings.put("signals", "traces,logs,metrics");
    List<String[]> ids = new ArrayList<>();
    try (GatewayServer gateway = TestLake.gateway(prefix + "_spans", topics);
        io.otlake.writer.WriterService writer = TestLake.writer(prefix + "_spans", prefix + "_traces",
            writerSettings)) {
      for (String compression : List.of("none", "gzip")) {
        Run node = run(List.of("node", "export.mjs"), Map.of("OTLAKE_URL", "http://127.0.0.1:" + gateway.httpPort(),
            "OTLAKE_SERVICE", "js-" + compression, "OTLAKE_COMPRESSION", compression), 120);
        assertThat(node.exit).as("node export.mjs (%s):%n%s", compression, node.output).isZero();
        Matcher m = IDS.matcher(node.output);
        assertThat(m.find()).as(node.output).isTrue();
        assertThat(node.output.strip()).as("the SDK's output has nothing but the ids line").isEqualTo(m.group()
            + ",\"compression\":\"" + compression + "\"}");
        ids.add(new String[] {compression, m.group(1), m.group(2), m.group(3)});
      }
      Catalog catalog = TestLake.catalog();
      Duration wait = Duration.ofSeconds(60);
      List<Record> spans = TestLake.awaitRows(catalog, prefix + "_traces", wait, rows -> rows.size() >= 4);
      List<Record> logs = TestLake.awaitRows(catalog, prefix + "_logs", wait, rows -> rows.size() >= 8);
      List<Record> sums = TestLake.awaitRows(catalog, prefix + "_metrics_sum", wait, rows -> rows.size() >= 4);
      List<Record> histograms = TestLake.awaitRows(catalog, prefix + "_metrics_histogram", wait,
          rows -> rows.size() >= 2);
      List<Record> exponential = TestLake.awaitRows(catalog, prefix + "_metrics_exponential_histogram", wait,
          rows -> rows.size() >= 2);
      List<Record> gauges = TestLake.awaitRows(catalog, prefix + "_metrics_gauge", wait, rows -> rows.size() >= 2);
      assertThat(spans).hasSize(4);
      assertThat(logs).hasSize(8);
      assertThat(sums).hasSize(4);
      assertThat(histograms).hasSize(2);
      assertThat(exponential).hasSize(2);
      assertThat(gauges).hasSize(2);

      for (String[] run : ids) {
        String service = "js-" + run[0];
        String traceId = run[1];
        Record root = only(spans, "span_id", run[2]);
        Record child = only(spans, "span_id", run[3]);
        assertThat(root.getField("service_name")).isEqualTo(service);
        assertThat(root.getField("trace_id")).isEqualTo(traceId);
        assertThat(child.getField("trace_id")).isEqualTo(traceId);
        assertThat(root.getField("operation_name")).isEqualTo("GET /cart");
        assertThat(root.getField("span_kind")).isEqualTo("SERVER");
        assertThat(root.getField("status_code")).isEqualTo(1);
        assertThat(root.getField("parent_span_id")).isIn(null, "");
        assertThat(root.getField("attributes")).isEqualTo(Map.of("http.request.method", "GET",
            "http.response.status_code", "200", "app.ratio", "0.25", "app.cached", "true"));
        assertThat(root.getField("attribute_types")).isEqualTo(Map.of("http.response.status_code", "int",
            "app.ratio", "double", "app.cached", "bool"));
        assertThat(stringMap(root.getField("resource_attributes"))).containsEntry("service.name", service)
            .containsEntry("service.version", "1.2.3").containsEntry("telemetry.sdk.language", "nodejs");
        assertThat(root.getField("scope_name")).isEqualTo("otlake.js.it");
        assertThat(root.getField("scope_version")).isEqualTo("0.1.0");
        assertThat(child.getField("parent_span_id")).isEqualTo(run[2]);
        assertThat(child.getField("span_kind")).isEqualTo("CLIENT");
        assertThat(child.getField("status_code")).isEqualTo(2);
        assertThat(child.getField("status_message")).isEqualTo("connection reset");
        List<?> events = (List<?>) child.getField("events");
        assertThat(events).hasSize(1);
        Record event = (Record) events.get(0);
        assertThat(event.getField("name")).isEqualTo("retry");
        assertThat(event.getField("attributes")).isEqualTo(Map.of("retry.count", "2"));
        assertThat((Double) child.getField("duration_ms")).isGreaterThanOrEqualTo(0.0);

        List<Record> own = logs.stream().filter(r -> service.equals(r.getField("service_name"))).toList();
        assertThat(own).hasSize(4);
        Record plain = only(own, "body", "a plain line");
        assertThat(plain.getField("severity_text")).isEqualTo("INFO");
        assertThat(plain.getField("severity_number")).isEqualTo(9);
        assertThat(plain.getField("trace_id")).isIn(null, "");
        assertThat(plain.getField("attributes")).isEqualTo(Map.of("n", "1"));
        Record traced = only(own, "body", "in a trace");
        assertThat(traced.getField("trace_id")).isEqualTo(traceId);
        assertThat(traced.getField("span_id")).isEqualTo(run[2]);
        assertThat(traced.getField("severity_number")).isEqualTo(13);
        Record event2 = own.stream().filter(r -> "checkout.retry".equals(r.getField("event_name"))).findFirst()
            .orElseThrow(() -> new AssertionError("no checkout.retry log in " + own));
        assertThat(event2.getField("body_type")).isEqualTo("kvlist");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree((String) event2.getField("body")))
            .isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"user\":\"ann\",\"tries\":3}"));
        assertThat(event2.getField("severity_number")).isEqualTo(17);
        // no body: the SDK sends "body":{} (an AnyValue with no value), stored as null like a record without a body
        Record viewed = only(own, "event_name", "cart.viewed");
        assertThat(viewed.getField("body")).isNull();
        assertThat(viewed.getField("body_type")).isNull();
        assertThat(viewed.getField("attributes")).isEqualTo(Map.of("cart.id", "c1"));

        Record counter = only(ofService(sums, service), "metric_name", "js.requests");
        // the JS API's instruments are of doubles unless told otherwise (valueType): as_double on the wire
        assertThat(counter.getField("value")).isEqualTo(5.0);
        assertThat(counter.getField("value_int")).isNull();
        assertThat(counter.getField("is_monotonic")).isEqualTo(true);
        assertThat(counter.getField("metric_unit")).isEqualTo("{request}");
        assertThat(counter.getField("metric_description")).isEqualTo("requests served");
        assertThat(counter.getField("attributes")).isEqualTo(Map.of("route", "/cart"));
        Record upDown = only(ofService(sums, service), "metric_name", "js.queue.depth");
        assertThat(upDown.getField("value")).isEqualTo(-2.0);
        assertThat(upDown.getField("is_monotonic")).isEqualTo(false);
        Record latency = only(ofService(histograms, service), "metric_name", "js.latency");
        assertThat(latency.getField("count")).isEqualTo(4L);
        assertThat(latency.getField("sum")).isEqualTo(272.0);
        assertThat(latency.getField("min")).isEqualTo(3.0);
        assertThat(latency.getField("max")).isEqualTo(250.0);
        List<?> buckets = (List<?>) latency.getField("bucket_counts");
        assertThat(buckets.stream().mapToLong(b -> (Long) b).sum()).isEqualTo(4L);
        assertThat((List<?>) latency.getField("explicit_bounds")).hasSize(buckets.size() - 1);
        Record size = only(ofService(exponential, service), "metric_name", "js.payload.size");
        assertThat(size.getField("count")).isEqualTo(3L);
        assertThat(size.getField("sum")).isEqualTo(1110.0);
        assertThat(((List<?>) size.getField("positive_bucket_counts")).stream().mapToLong(b -> (Long) b).sum()
            + (Long) size.getField("zero_count")).isEqualTo(3L);
        Record gauge = only(ofService(gauges, service), "metric_name", "js.temperature");
        assertThat(gauge.getField("value")).isEqualTo(21.5);
        assertThat(gauge.getField("metric_unit")).isEqualTo("Cel");
        assertThat(gauge.getField("attributes")).isEqualTo(Map.of("room", "a"));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> stringMap(Object map) {
    return (Map<String, String>) map;
  }

  private static List<Record> ofService(List<Record> rows, String service) {
    return rows.stream().filter(r -> service.equals(r.getField("service_name"))).toList();
  }

  private static Record only(List<Record> rows, String column, Object value) {
    List<Record> found = rows.stream().filter(r -> value.equals(r.getField(column))).toList();
    assertThat(found).as("rows with %s = %s in %s", column, value, rows).hasSize(1);
    return found.get(0);
  }

  private record Run(int exit, String output) {}

  /** Runs {@code command} in {@link #JS}, stdout and stderr together into a log beside it, within {@code seconds}. */
  private static Run run(List<String> command, Map<String, String> env, int seconds) throws IOException,
      InterruptedException {
    Path log = JS.resolve(command.get(0) + ".log");
    ProcessBuilder b = new ProcessBuilder(command).directory(JS.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    b.environment().putAll(env);
    Process p;
    try {
      p = b.start();
    } catch (IOException e) {
      throw new AssertionError(command.get(0) + " cannot be started (JsSdkIT needs node and npm on the PATH): " + e,
          e);
    }
    p.getOutputStream().close();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(command + " did not end within " + seconds + " s:\n" + Files.readString(log));
    }
    return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
