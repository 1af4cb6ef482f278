package io.otlake.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** BENCHMARKS.md: the run's figures, then the hand-written analysis kept in bench/ANALYSIS.md. */
final class Report {
  /** The metric point kinds as their tables and result keys name them. */
  static final java.util.List<String> KINDS = BenchData.KINDS.stream()
      .map(k -> k.name().toLowerCase(java.util.Locale.ROOT)).toList();

  private Report() {}

  @SuppressWarnings("unchecked")
  static String markdown(Results results, Path home) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("# Benchmarks\n\n");
    sb.append("Last updated by `").append(((Map<String, Object>) results.root.get("run")).get("command"))
        .append("`; the raw figures are in `bench/results.json`. Ratios compare otlake with a peer measured in the ")
        .append("same run on the same machine, so they hold up better than absolute numbers on a shared machine. ")
        .append("A partial run (`--only`, `--data`) replaces only the figures it measured; `provenance` at the end ")
        .append("names the run behind each.\n\n");
    sb.append("Run one part with `bench/run --quick --only NAME[,NAME...]`: `gateway`, `gateway-logs`, ")
        .append("`gateway-metrics` (the gateway per signal against the producer ceiling), `writer` (spans; ")
        .append("`--data lean|rich|both`), `writer-logs`, `writer-metrics` (the demo mix of the five kinds, then each ")
        .append("kind alone; the writer per signal against Iceberg's generic writer, with bytes at rest), `overload`, ")
        .append("`memory`, `freshness`, `heap`, `jmh`. Without `--only` every part runs.\n\n");
    sb.append("| headline | value | target |\n|---|---|---|\n");
    row(sb, results, "gateway_ratio", "acknowledged spans/s through the gateway (OTLP/gRPC) / Kafka producer ceiling", ">= 0.8");
    row(sb, results, "gateway_http_ratio", "the same over OTLP/HTTP with protobuf bodies", ">= 0.8");
    row(sb, results, "gateway_overload_ratio",
        "acknowledged spans/s over OTLP/gRPC under 10x offered load / the same gateway unloaded", "near 1");
    row(sb, results, "gateway_http_overload_ratio", "the same over OTLP/HTTP (10x the connections)", "near 1");
    row(sb, results, "writer_ratio", "committed spans/s / Iceberg generic writer rows/s", ">= 2.5");
    row(sb, results, "bytes_per_span", "data file bytes per span at rest", "<= 30");
    row(sb, results, "writer_ratio_rich", "the same on rich (OpenTelemetry-demo-shaped) spans", ">= 3");
    row(sb, results, "bytes_per_span_rich", "data file bytes per rich span at rest, streaming files", "<= 68");
    sub(sb, results, "writer_rich", "cpu_us_per_span_steady",
        "writer CPU per rich span in the run's steady window, OTLP protobuf records (µs)", "");
    sub(sb, results, "writer_rich", "cpu_us_per_span_steady_without_jit",
        "the same less the JIT compiler threads' CPU: a writer that has compiled its code (µs)", "<= 10");
    sub(sb, results, "writer_rich", "json_cpu_us_per_span_steady",
        "writer CPU per rich span in the run's steady window, OTLP/JSON records (µs)", "");
    sub(sb, results, "writer_rich", "json_cpu_us_per_span_steady_without_jit",
        "the same less the JIT compiler threads' CPU (µs)", "<= 15");
    row(sb, results, "gateway_logs_ratio", "acknowledged log records/s through the gateway (OTLP/gRPC) / Kafka producer"
        + " ceiling, demo logs", ">= 0.8");
    row(sb, results, "gateway_logs_http_ratio", "the same over OTLP/HTTP with protobuf bodies", ">= 0.8");
    row(sb, results, "gateway_metrics_ratio", "acknowledged data points/s through the gateway (OTLP/gRPC) / Kafka"
        + " producer ceiling, demo metrics", ">= 0.8");
    row(sb, results, "gateway_metrics_http_ratio", "the same over OTLP/HTTP with protobuf bodies", ">= 0.8");
    row(sb, results, "writer_ratio_logs", "committed log records/s / Iceberg generic writer rows/s, demo logs",
        ">= 2.5");
    row(sb, results, "writer_ratio_metrics", "committed data points/s / Iceberg generic writer rows/s, demo mix of the"
        + " five kinds", ">= 2.5");
    for (String kind : KINDS) {
      row(sb, results, "writer_ratio_metrics_" + kind, "the same, " + kind.replace('_', ' ') + " points only",
          ">= 2.5");
    }
    row(sb, results, "bytes_per_log_record", "data file bytes per log record at rest", "");
    sub(sb, results, "bytes_logs", "otlp_protobuf_zstd_bytes_per_log_record",
        "OTLP protobuf + zstd of the same log records, per record", "");
    row(sb, results, "bytes_per_data_point", "data file bytes per data point at rest, demo mix", "");
    sub(sb, results, "bytes_metrics", "otlp_protobuf_zstd_bytes_per_data_point",
        "OTLP protobuf + zstd of the same points, per point", "");
    for (String kind : KINDS) {
      row(sb, results, "bytes_per_data_point_" + kind, "data file bytes per " + kind.replace('_', ' ')
          + " point at rest", "");
      sub(sb, results, "bytes_metrics_" + kind, "otlp_protobuf_zstd_bytes_per_data_point",
          "OTLP protobuf + zstd of the same " + kind.replace('_', ' ') + " points, per point", "");
    }
    row(sb, results, "writer_heap_512m_to_2g_ratio", "writer spans/s with -Xmx512m / with -Xmx2g, rich spans",
        "near 1");
    row(sb, results, "freshness_p99_s", "acknowledgement to visible in the table, p99 (s)", "<= 10");
    row(sb, results, "writer_heap_mib_1000_partitions", "writer heap with ~1,000 open partitions (MiB)", "");
    row(sb, results, "compaction_to_writer_rows_per_core_rich",
        "compaction rows per CPU-second / the writer's, rich spans", "");
    sub(sb, results, "compaction_rich", "ratio_without_jit",
        "the same less the JIT compiler threads' CPU on both sides", ">= 1");
    row(sb, results, "bytes_per_span_compacted_rich", "data file bytes per rich span after compaction, the"
        + " compaction bench's small partitions (4k-17k spans each)", "");
    row(sb, results, "bytes_per_span_compacted_at_scale_rich", "data file bytes per rich span after compaction,"
        + " partitions of ~17k (quick) or ~67k (full run) spans on average (`PartitionBytes`)", "<= 55");
    // the run says how many commits it made (a quick run makes fewer than the 10,000 the target speaks of)
    Object made = results.root.get("commits") instanceof Map<?, ?> c ? c.get("commits") : null;
    String after = made instanceof Number n ? String.format(java.util.Locale.ROOT, "%,d", n.longValue()) : "N";
    row(sb, results, "commit_time_ratio_end_to_100", "commit time after " + after + " commits / after 100,"
        + " maintenance on (target at 10,000)", "<= 1.2");
    row(sb, results, "plan_time_ratio_end_to_100", "planning time after " + after + " commits / after 100"
        + " (target at 10,000)", "<= 1.2");
    for (Map.Entry<String, Object> e : results.root.entrySet()) {
      if (e.getValue() instanceof Map<?, ?> m) {
        sb.append("\n## ").append(e.getKey()).append("\n\n| figure | value |\n|---|---|\n");
        for (Map.Entry<?, ?> f : m.entrySet()) {
          sb.append("| ").append(f.getKey()).append(" | ").append(f.getValue()).append(" |\n");
        }
      }
    }
    Path analysis = home.resolve("bench").resolve("ANALYSIS.md");
    if (Files.exists(analysis)) {
      sb.append("\n").append(Files.readString(analysis, StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  @SuppressWarnings("unchecked")
  private static void sub(StringBuilder sb, Results results, String section, String key, String what,
      String target) {
    Object s = results.root.get(section);
    Object v = s instanceof Map<?, ?> m ? ((Map<String, Object>) m).get(key) : null;
    sb.append("| ").append(what).append(" (`").append(section).append('.').append(key).append("`) | ").append(v)
        .append(" | ").append(target).append(" |\n");
  }

  private static void row(StringBuilder sb, Results results, String key, String what, String target) {
    sb.append("| ").append(what).append(" (`").append(key).append("`) | ").append(results.root.get(key))
        .append(" | ").append(target).append(" |\n");
  }
}
