package io.otlake.bench;

import io.otlake.local.LocalInfra;
import io.otlake.writer.table.Catalogs;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The writer's throughput with a small heap: the writer as its own process ({@code io.otlake.writer.Main}, as
 * {@code ./otlake writer} starts it), with {@code -Xmx512m} and with {@code -Xmx2g} (the launcher's default),
 * alternating on the same pre-filled topic of rich spans, each into a fresh table. Its steady rate is read from its
 * Prometheus endpoint (decoded rows, from a third of them to the last), its CPU and peak RSS from the OS.
 */
final class MemoryBench {
  private MemoryBench() {}

  /** One writer process's run. */
  record ProcessRun(double spansPerSecond, double cpuMicrosPerSpan, long peakRssMib, int exitCode, boolean finished) {}

  static void run(LocalInfra infra, boolean quick, Path workDir, Results results) throws Exception {
    int spans = quick ? 150_000 : 600_000;
    String topic = "bench_memory";
    List<byte[]> requests = new ArrayList<>();
    int total = 0;
    for (byte[] r : BenchData.RICH.requests(spans)) {
      requests.add(r);
      total += BenchData.RICH.itemCount(r);
    }
    Bench.fillBytes(infra, topic, requests);
    requests = null;
    Catalog catalog = Catalogs.build(LocalInfra.CATALOG_NAME, infra.catalogProperties());
    String[] heaps = {"2g", "512m"};
    int rounds = quick ? 1 : 2;
    Map<String, List<ProcessRun>> runs = new TreeMap<>();
    int n = 0;
    for (int round = 0; round < rounds; round++) {
      for (String heap : heaps) {
        ProcessRun r = writerProcess(infra, catalog, topic, "bench_memory_" + n++, heap, total, workDir);
        runs.computeIfAbsent(heap, k -> new ArrayList<>()).add(r);
        System.out.printf(java.util.Locale.ROOT, "   -Xmx%s: %.0f spans/s, %.2f CPU us/span, peak RSS %d MiB%n",
            heap, r.spansPerSecond(), r.cpuMicrosPerSpan(), r.peakRssMib());
      }
    }
    Map<String, Object> m = results.section("memory");
    m.put("spans", total);
    for (String heap : heaps) {
      List<ProcessRun> rs = runs.get(heap);
      m.put("xmx" + heap + "_spans_per_second_runs",
          rs.stream().map(r -> Math.round(r.spansPerSecond())).toList().toString());
      m.put("xmx" + heap + "_cpu_us_per_span_runs",
          rs.stream().map(r -> Results.round(r.cpuMicrosPerSpan(), 2)).toList().toString());
      m.put("xmx" + heap + "_peak_rss_mib_runs", rs.stream().map(ProcessRun::peakRssMib).toList().toString());
      m.put("xmx" + heap + "_runs_not_finished", rs.stream().filter(r -> !r.finished()).count());
    }
    double small = best(runs.get("512m"));
    double large = best(runs.get("2g"));
    m.put("note", "the writer as its own process on rich spans, -Xmx2g and -Xmx512m alternating; rate and CPU from"
        + " the first third of the rows decoded to the last row decoded (from its metrics endpoint; the process's"
        + " start-up and first compilations left out); the ratio compares each heap's best finished run (0 when none"
        + " finished)");
    results.put("writer_heap_512m_to_2g_ratio", Results.round(small / large, 3));
  }

  /** The best rate of the runs that finished (0 when none did: the ratio then says the heap was not enough). */
  private static double best(List<ProcessRun> runs) {
    return runs.stream().filter(ProcessRun::finished).mapToDouble(ProcessRun::spansPerSecond).max().orElse(0);
  }

  private static ProcessRun writerProcess(LocalInfra infra, Catalog catalog, String topic, String table, String heap,
      int total, Path workDir) throws Exception {
    Map<Integer, Long> end = Bench.endOffsets(infra, topic);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Map<String, String> settings = new HashMap<>(infra.writerOverrides());
    settings.put("kafka.topic.traces", topic);
    settings.put("kafka.group-id", Bench.groupOf(table));
    settings.put("table.traces", table);
    settings.put("metrics.host", "127.0.0.1");
    settings.put("metrics.port", Integer.toString(port));
    settings.put("maintenance.enabled", "false");
    StringBuilder yaml = new StringBuilder();
    new TreeMap<>(settings).forEach((k, v) ->
        yaml.append(k).append(": \"").append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n"));
    Path config = workDir.resolve(table + ".yaml");
    Files.writeString(config, yaml.toString(), StandardCharsets.UTF_8);
    Path log = workDir.resolve(table + ".log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
        "io.otlake.writer.Main", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Table t = null;
    long t0 = 0;
    long cpu0 = 0;
    double first = 0;
    double last = -1;
    long lastChange = 0;
    long lastChangeCpu = 0;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    try {
      while (System.nanoTime() < deadline && p.isAlive()) {
        double decoded = decoded(http, port);
        long now = System.nanoTime();
        // the window starts once a third of the rows are decoded: a fresh JVM first compiles its code, and that
        // start-up is the same whatever the heap
        if (decoded >= total / 3.0 && t0 == 0) {
          t0 = now;
          cpu0 = cpuNanos(p);
          first = decoded;
        }
        if (decoded > last) {
          last = decoded;
          lastChange = now;
          lastChangeCpu = cpuNanos(p);
        }
        if (decoded >= total) {
          if (t == null) {
            t = catalog.loadTable(TableIdentifier.of("otel", table));
          }
          if (Bench.storedOffsets(t, topic, Bench.groupOf(table)).equals(end)) {
            break;
          }
        }
        Bench.sleep(50);
      }
      long rss = peakRssKib(p) >> 10;
      int exit = p.isAlive() ? 0 : p.exitValue();
      boolean finished = p.isAlive() && last >= total;
      if (!finished) {
        // a run that did not finish says why: the end of its log (the lake's folder is deleted afterwards)
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        System.out.printf(java.util.Locale.ROOT, "   -Xmx%s did not finish (%s, %.0f of %d rows decoded); its log ends:%n",
            heap, p.isAlive() ? "still running" : "exit code " + exit, Math.max(last, 0), total);
        lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> System.out.println("     " + l));
      }
      double rows = last - first;
      return new ProcessRun(rows / ((lastChange - t0) / 1e9), (lastChangeCpu - cpu0) / 1e3 / rows, rss, exit,
          finished);
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /** The writer's decoded-rows counter from its Prometheus endpoint; 0 until it answers. */
  private static double decoded(HttpClient http, int port) {
    try {
      String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
      double sum = 0;
      for (String line : body.split("\n")) {
        if (line.startsWith("otlake_writer_rows_decoded_total")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    } catch (IOException e) {
      // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private static long cpuNanos(Process p) {
    return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  private static long peakRssKib(Process p) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not on Linux, or gone
    }
    return -1;
  }
}
