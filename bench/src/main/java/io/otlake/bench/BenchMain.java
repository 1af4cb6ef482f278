package io.otlake.bench;

import io.otlake.local.LocalInfra;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code bench/run [--quick] [--only NAME,...] [--data lean|rich|both]}: runs the benchmarks (NAME: gateway,
 * gateway-logs, gateway-metrics: the gateway per signal; writer (spans, per --data), writer-logs, writer-metrics (the
 * demo mix, then each point kind alone): the writer per signal with bytes at rest; overload, memory, freshness, heap,
 * jmh) on real parts started
 * here (a Kafka broker and S3Proxy as their own processes), merges its figures into bench/results.json (figures it
 * did not measure keep their earlier values, and {@code provenance} says which run made each) and writes
 * BENCHMARKS.md from it. {@code bench/run --report} only rewrites BENCHMARKS.md (after an edit of bench/ANALYSIS.md).
 */
public final class BenchMain {
  private static final String ALL = "gateway,gateway-logs,gateway-metrics,overload,writer,writer-logs,writer-metrics,"
      + "memory,freshness,heap,compaction,commits,jmh";

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    boolean quickFlag = false;
    String onlyFlag = ALL;
    String dataFlag = "both";
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--report")) {
        // BENCHMARKS.md again from results.json and bench/ANALYSIS.md, nothing measured
        Path home = Path.of(System.getProperty("otlake.home", "."));
        Results stored = Results.parse(Files.readString(home.resolve("bench").resolve("results.json"),
            StandardCharsets.UTF_8));
        Files.writeString(home.resolve("BENCHMARKS.md"), Report.markdown(stored, home), StandardCharsets.UTF_8);
        System.exit(0);
      } else if (args[i].equals("--quick")) {
        quickFlag = true;
      } else if (args[i].equals("--only") && i + 1 < args.length) {
        onlyFlag = args[++i];
      } else if (args[i].equals("--data") && i + 1 < args.length
          && java.util.Set.of("lean", "rich", "both").contains(args[i + 1])) {
        dataFlag = args[++i];
      } else {
        System.err.println("usage: bench/run [--quick] [--only " + ALL + "] [--data lean|rich|both] | --report");
        System.exit(2);
      }
    }
    List<BenchData> dataSets = switch (dataFlag) {
      case "lean" -> List.of(BenchData.LEAN);
      case "rich" -> List.of(BenchData.RICH);
      default -> List.of(BenchData.LEAN, BenchData.RICH);
    };
    final boolean quick = quickFlag;
    final String only = onlyFlag;
    Path home = Path.of(System.getProperty("otlake.home", "."));
    Path out = home.resolve("bench").resolve("out");
    Files.createDirectories(out);
    Path lake = Files.createTempDirectory(out, "lake-");
    Results results = new Results();
    Map<String, Object> run = results.section("run");
    run.put("date", Instant.now().toString());
    run.put("mode", quick ? "quick" : "full");
    run.put("command", "bench/run" + (quick ? " --quick" : "") + (only.equals(ALL) ? "" : " --only " + only)
        + (dataFlag.equals("both") ? "" : " --data " + dataFlag));
    run.put("cpus", Runtime.getRuntime().availableProcessors());
    run.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
    run.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    run.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    long started = System.nanoTime();
    List<String> chosen = java.util.Arrays.asList(only.split(","));
    for (String name : chosen) {
      if (!java.util.Arrays.asList(ALL.split(",")).contains(name)) {
        System.err.println("bench/run: no benchmark " + name + "; --only takes " + ALL);
        System.exit(2);
      }
    }
    if (chosen.contains("gateway") || chosen.contains("gateway-logs") || chosen.contains("gateway-metrics")) {
      // its own broker: the gateway benchmark leaves gigabytes in Kafka, and the writer measured ~20% slower on a
      // broker still flushing them
      Path gatewayLake = Files.createTempDirectory(out, "lake-gateway-");
      try (LocalInfra infra = LocalInfra.start(gatewayLake, 0, 0, 4)) {
        for (GatewayBench.Load load : GatewayBench.loads()) {
          if (chosen.contains(load.benchName())) {
            step("gateway vs a plain Kafka producer, " + load.unit().contract().signal().headerValue(),
                () -> GatewayBench.run(infra, quick, load, results));
          }
        }
      }
      deleteQuietly(gatewayLake);
    }
    if (chosen.contains("overload")) {
      Path overloadLake = Files.createTempDirectory(out, "lake-overload-");
      try (LocalInfra infra = LocalInfra.start(overloadLake, 0, 0, 4)) {
        step("gateway under 10x overload", () -> OverloadBench.run(infra, quick, results));
      }
      deleteQuietly(overloadLake);
    }
    try (LocalInfra infra = LocalInfra.start(lake, 0, 0, 4)) {
      if (chosen.contains("writer")) {
        for (BenchData data : dataSets) {
          step("writer vs Iceberg's generic writer, bytes per span and per column, " + data.label,
              () -> WriterBench.run(infra, quick, data, results));
        }
      }
      if (chosen.contains("writer-logs")) {
        step("writer vs Iceberg's generic writer, bytes per log record and per column, " + BenchData.LOGS.label,
            () -> WriterBench.run(infra, quick, BenchData.LOGS, results));
      }
      if (chosen.contains("writer-metrics")) {
        step("writer vs Iceberg's generic writer, bytes per data point, " + BenchData.METRICS.label,
            () -> WriterBench.run(infra, quick, BenchData.METRICS, results));
        // each kind on its own: fewer points, since the rare kinds (one gauge and one summary point per service and
        // export) take the demo's whole stream to collect
        for (io.opentelemetry.proto.metrics.v1.Metric.DataCase kind : BenchData.KINDS) {
          BenchData one = BenchData.metricKind(kind);
          step("writer vs Iceberg's generic writer, bytes per data point and per column, " + one.label,
              () -> WriterBench.run(infra, quick, one, quick ? 60_000 : 200_000, results));
        }
      }
      if (chosen.contains("memory")) {
        step("writer process with -Xmx512m against -Xmx2g, rich data",
            () -> MemoryBench.run(infra, quick, lake, results));
      }
      if (chosen.contains("freshness")) {
        step("freshness at default settings", () -> FreshnessBench.run(infra, quick, results));
      }
      if (chosen.contains("heap")) {
        step("writer heap with ~1,000 live partitions", () -> HeapBench.run(infra, quick, results));
      }
      if (only.contains("compaction")) {
        for (BenchData data : dataSets) {
          step("compaction against the writer, bytes per span and trace-id lookups, " + data.label,
              () -> CompactionBench.run(infra, quick, data, lake, results));
          step("bytes per span of compacted partitions at the size real traffic gives them, " + data.label, () -> {
            Map<String, Object> m = PartitionBytes.measure(quick ? 600_000 : 2_400_000, data == BenchData.RICH);
            results.section("compacted_at_scale" + data.suffix).putAll(m);
            results.put("bytes_per_span_compacted_at_scale" + data.suffix, m.get("bytes_per_span"));
          });
        }
      }
      if (only.contains("commits")) {
        step("commit and planning time after many commits with maintenance on", () -> CommitsBench.run(infra, quick,
            results));
      }
    }
    if (chosen.contains("jmh")) {
      step("JMH hot paths", () -> jmh(quick, results));
    }
    run.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
    Path resultsFile = home.resolve("bench").resolve("results.json");
    Results all = Files.exists(resultsFile)
        ? Results.merge(Results.parse(Files.readString(resultsFile, StandardCharsets.UTF_8)), results)
        : Results.merge(new Results(), results);
    Files.writeString(resultsFile, all.toJson(), StandardCharsets.UTF_8);
    Files.writeString(home.resolve("BENCHMARKS.md"), Report.markdown(all, home), StandardCharsets.UTF_8);
    System.out.println(results.toJson());
    deleteQuietly(lake);
    if (!FAILED.isEmpty()) {
      System.out.println("failed (their earlier figures kept): " + FAILED);
      System.exit(1);
    }
    System.exit(0);
  }

  interface Step {
    void run() throws Exception;
  }

  /** Names of the steps that failed; their figures keep their earlier values in results.json. */
  private static final List<String> FAILED = new java.util.ArrayList<>();

  /**
   * Runs one benchmark; one that fails (on this shared machine, a broker that expired a fill's batches) is reported
   * and the run goes on, so that the figures of the others are still merged into results.json.
   */
  private static void step(String name, Step step) {
    System.out.println("== " + name);
    long t0 = System.nanoTime();
    try {
      step.run();
      System.out.printf(Locale.ROOT, "   done in %.0f s%n", (System.nanoTime() - t0) / 1e9);
    } catch (Exception | AssertionError e) {
      FAILED.add(name);
      System.out.printf(Locale.ROOT, "   FAILED after %.0f s: %s%n", (System.nanoTime() - t0) / 1e9, e);
      e.printStackTrace(System.out);
    }
  }

  private static void jmh(boolean quick, Results results) throws Exception {
    Options opts = new OptionsBuilder()
        .include(io.otlake.bench.jmh.HotPathBenchmarks.class.getName())
        .forks(1)
        .warmupIterations(quick ? 1 : 3)
        .warmupTime(TimeValue.seconds(quick ? 2 : 3))
        .measurementIterations(quick ? 2 : 5)
        .measurementTime(TimeValue.seconds(quick ? 2 : 3))
        .jvmArgs("-Xmx2g")
        .build();
    Map<String, Object> j = results.section("jmh");
    for (RunResult r : new Runner(opts).run()) {
      String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
      j.put(name + "_requests_per_second", Math.round(r.getPrimaryResult().getScore()));
      double error = r.getPrimaryResult().getScoreError();
      j.put(name + "_error", Double.isFinite(error) ? Math.round(error) : null);
    }
    j.put("spans_per_request", Bench.spanCount(io.otlake.bench.jmh.HotPathBenchmarks.sample()));
    Object direct = j.get("writerRowsToParquet_requests_per_second");
    Object generic = j.get("genericRowsToParquet_requests_per_second");
    if (direct instanceof Long d && generic instanceof Long g && g > 0) {
      j.put("row_encoding_ratio_direct_to_generic", Results.round((double) d / g, 2));
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover folder under bench/out is harmless
    }
  }
}
