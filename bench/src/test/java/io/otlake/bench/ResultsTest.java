package io.otlake.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResultsTest {
  @Test
  void numbersKeepTheirMagnitude() {
    Results r = new Results();
    r.put("a", 1689.6);
    r.put("b", 0.436);
    r.put("c", 44.10);
    r.put("d", 1000.0);
    r.put("e", Double.NaN);
    r.section("s").put("n", 12L);
    assertThat(r.toJson()).contains("\"a\": 1690", "\"b\": 0.436", "\"c\": 44.1", "\"d\": 1000", "\"e\": null",
        "\"n\": 12");
  }

  @Test
  void aPartialRunReplacesOnlyWhatItMeasured() throws Exception {
    Results earlier = new Results();
    earlier.section("run").put("date", "d1");
    earlier.section("run").put("command", "bench/run");
    earlier.put("writer_ratio", 2.51);
    earlier.section("writer").put("spans", 600_463L);
    earlier.put("bytes_per_span", 40.5);
    Results latest = new Results();
    latest.section("run").put("date", "d2");
    latest.section("run").put("command", "bench/run --data rich");
    latest.put("writer_ratio_rich", 3.1);
    latest.section("writer").put("spans", 150_000L);

    Results merged = Results.merge(Results.parse(earlier.toJson()), latest);
    Results again = Results.parse(merged.toJson());

    assertThat(again.root.get("writer_ratio")).isEqualTo(2.51);
    assertThat(again.root.get("bytes_per_span")).isEqualTo(40.5);
    assertThat(again.root.get("writer_ratio_rich")).isEqualTo(3.1);
    assertThat(again.section("writer")).containsEntry("spans", 150_000);
    assertThat(again.section("run")).containsEntry("date", "d2");
    assertThat(again.section("provenance"))
        .containsEntry("writer_ratio", "d1 bench/run")
        .containsEntry("writer", "d2 bench/run --data rich")
        .containsEntry("writer_ratio_rich", "d2 bench/run --data rich");
    // a third run keeps the provenance of figures it did not touch
    Results third = new Results();
    third.section("run").put("date", "d3");
    third.section("run").put("command", "bench/run --only jmh");
    third.section("jmh").put("x", 1L);
    Results merged3 = Results.merge(again, third);
    assertThat(merged3.section("provenance")).containsEntry("writer", "d2 bench/run --data rich")
        .containsEntry("writer_ratio", "d1 bench/run").containsEntry("jmh", "d3 bench/run --only jmh");
  }

  @Test
  void logsAndMetricsFiguresReachTheReportBesideTheTracesOnes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path home)
      throws Exception {
    Results earlier = new Results();
    earlier.section("run").put("date", "d1");
    earlier.section("run").put("command", "bench/run --only writer");
    earlier.put("writer_ratio", 2.51);
    Results latest = new Results();
    latest.section("run").put("date", "d2");
    latest.section("run").put("command", "bench/run --quick --only writer-logs,writer-metrics");
    latest.put("writer_ratio_logs", 2.75);
    latest.put("writer_ratio_metrics", 3.1);
    latest.put("writer_ratio_metrics_exponential_histogram", 1.9);
    latest.put("bytes_per_data_point_summary", 6.4);
    latest.section("bytes_logs").put("otlp_protobuf_zstd_bytes_per_log_record", 41.2);
    latest.section("bytes_metrics_gauge").put("otlp_protobuf_zstd_bytes_per_data_point", 12.5);

    Results merged = Results.parse(Results.merge(Results.parse(earlier.toJson()), latest).toJson());
    String md = Report.markdown(merged, home);

    assertThat(md).contains("(`writer_ratio`) | 2.51 |", "(`writer_ratio_logs`) | 2.75 | >= 2.5",
        "(`writer_ratio_metrics`) | 3.1 | >= 2.5", "(`writer_ratio_metrics_exponential_histogram`) | 1.9 |",
        "(`bytes_per_data_point_summary`) | 6.4 |",
        "(`bytes_logs.otlp_protobuf_zstd_bytes_per_log_record`) | 41.2 |",
        "(`bytes_metrics_gauge.otlp_protobuf_zstd_bytes_per_data_point`) | 12.5 |",
        "--only NAME", "`writer-metrics`");
    // a figure no run measured is shown as such, not as a number
    assertThat(md).contains("(`gateway_logs_ratio`) | null |");
    assertThat(merged.section("provenance")).containsEntry("writer_ratio", "d1 bench/run --only writer")
        .containsEntry("writer_ratio_metrics_exponential_histogram",
            "d2 bench/run --quick --only writer-logs,writer-metrics");
  }
}
