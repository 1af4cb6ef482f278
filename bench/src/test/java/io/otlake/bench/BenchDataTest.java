package io.otlake.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchDataTest {
  @Test
  void theMetricsMixHoldsEveryKindAndEachKindSetOnlyItsOwn() throws Exception {
    int[] mix = new int[BenchData.KINDS.size()];
    for (byte[] r : BenchData.METRICS.requests(5_000)) {
      int[] k = BenchData.pointsByKind(ExportMetricsServiceRequest.parseFrom(r).getResourceMetricsList());
      for (int i = 0; i < k.length; i++) {
        mix[i] += k[i];
      }
    }
    for (int i = 0; i < mix.length; i++) {
      assertThat(mix[i]).as(BenchData.KINDS.get(i).name()).isPositive();
    }
    for (int kind = 0; kind < BenchData.KINDS.size(); kind++) {
      BenchData one = BenchData.metricKind(BenchData.KINDS.get(kind));
      int total = 0;
      for (byte[] r : one.requests(1_000)) {
        int[] k = BenchData.pointsByKind(ExportMetricsServiceRequest.parseFrom(r).getResourceMetricsList());
        for (int i = 0; i < k.length; i++) {
          if (i != kind) {
            assertThat(k[i]).as(one.label).isZero();
          }
        }
        assertThat(k[kind]).as("points of a request, " + one.label).isGreaterThanOrEqualTo(512);
        total += k[kind];
      }
      assertThat(total).isGreaterThanOrEqualTo(1_000);
    }
  }

  @Test
  void theOracleGivesOneRowPerItemTheWireScanCounts() {
    for (BenchData data : List.of(BenchData.LEAN, BenchData.LOGS, BenchData.METRICS,
        BenchData.metricKind(Metric.DataCase.SUMMARY))) {
      List<byte[]> requests = data.requests(2_000);
      int items = 0;
      int[] rows = new int[data.signal.tables().size()];
      for (byte[] r : requests) {
        items += data.itemCount(r);
        data.decode(r, (row, table) -> rows[table]++);
      }
      assertThat(items).as(data.label).isGreaterThanOrEqualTo(2_000);
      assertThat(java.util.Arrays.stream(rows).sum()).as(data.label).isEqualTo(items);
    }
  }

  @Test
  void theOraclesTableIndexIsThePointsKind() throws Exception {
    BenchData sums = BenchData.metricKind(Metric.DataCase.SUM);
    int[] rows = new int[BenchData.KINDS.size()];
    for (byte[] r : sums.requests(600)) {
      sums.decode(r, (row, table) -> rows[table]++);
    }
    assertThat(rows[1]).isGreaterThanOrEqualTo(600);
    assertThat(rows[0] + rows[2] + rows[3] + rows[4]).isZero();
  }
}
