package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.otlake.gateway.GatewayServer;
import io.otlake.writer.WriterService;
import io.otlake.writer.source.PartitionPoller;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;

/**
 * One metrics record feeds several tables, each with its own position: a writer process killed right after its
 * commit to the gauge table and before the sum and histogram tables' commits leaves the tables at different offsets;
 * the next writer re-reads the records for the tables behind, and every point ends up in its table exactly once.
 */
class MetricsTablesCrashIT {
  private static final int REQUESTS = 40;
  private static final String[] KINDS = {"gauge", "sum", "histogram"};

  @Test
  void aCrashBetweenTwoTablesCommitsLosesAndDoublesNothing() throws Exception {
    String topic = "crash_metrics";
    Map<String, String> settings = new HashMap<>(Map.of(
        "signals", "metrics",
        "kafka.topic.metrics", topic,
        "kafka.group-id", "crash-metrics"));
    for (String kind : KINDS) {
      settings.put("table.metrics-" + kind, "crash_" + kind);
    }
    Catalog catalog = TestLake.catalog();
    try (GatewayServer gateway = TestLake.gateway("crash_unused_spans", Map.of("kafka.topic.metrics", topic))) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.grpcPort()).usePlaintext().build();
      try {
        MetricsServiceGrpc.MetricsServiceBlockingStub stub = MetricsServiceGrpc.newBlockingStub(channel);
        for (int n = 0; n < REQUESTS; n++) {
          stub.withDeadlineAfter(30, TimeUnit.SECONDS).export(request(n));
        }
      } finally {
        channel.shutdownNow();
      }
    }
    Process crashing = writerProcess(TestLake.writerSettings("crash_unused_spans", "crash_unused", settings),
        "crash_gauge");
    assertThat(crashing.waitFor(120, TimeUnit.SECONDS)).as("the writer halted after its gauge commit").isTrue();
    assertThat(crashing.exitValue()).isEqualTo(PartitionPoller.HALT_STATUS);
    assertThat(TestLake.rows(catalog, "crash_gauge")).isNotEmpty();
    assertThat(TestLake.rows(catalog, "crash_sum")).as("the crash came before the sum table's commit").isEmpty();

    try (WriterService writer = TestLake.writer("crash_unused_spans", "crash_unused", settings)) {
      for (String kind : KINDS) {
        TestLake.awaitRows(catalog, "crash_" + kind, Duration.ofSeconds(90), rows -> rows.size() >= REQUESTS);
      }
      ChildJvm.sleep(3000); // a late duplicate would show up here
      for (String kind : KINDS) {
        List<String> seen = new ArrayList<>();
        for (Record r : TestLake.rows(catalog, "crash_" + kind)) {
          @SuppressWarnings("unchecked")
          Map<String, String> attributes = (Map<String, String>) r.getField("attributes");
          seen.add(attributes.get("n"));
        }
        List<String> expected = new ArrayList<>();
        for (int n = 0; n < REQUESTS; n++) {
          expected.add(Integer.toString(n));
        }
        assertThat(seen).as(kind).containsExactlyInAnyOrderElementsOf(expected);
      }
    }
  }

  /** One gauge, one sum and one histogram point, each with attribute n. */
  private static ExportMetricsServiceRequest request(int n) {
    long now = System.currentTimeMillis() * 1_000_000L;
    List<KeyValue> attrs = List.of(KeyValue.newBuilder().setKey("n")
        .setValue(AnyValue.newBuilder().setIntValue(n)).build());
    Metric gauge = Metric.newBuilder().setName("queue.depth").setGauge(Gauge.newBuilder().addDataPoints(
        NumberDataPoint.newBuilder().setTimeUnixNano(now).setAsInt(n).addAllAttributes(attrs))).build();
    Metric sum = Metric.newBuilder().setName("requests").setSum(Sum.newBuilder().setIsMonotonic(true)
        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE).addDataPoints(
            NumberDataPoint.newBuilder().setStartTimeUnixNano(now - 1_000_000_000L).setTimeUnixNano(now)
                .setAsDouble(n * 1.5).addAllAttributes(attrs))).build();
    Metric histogram = Metric.newBuilder().setName("latency").setUnit("ms").setHistogram(Histogram.newBuilder()
        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA).addDataPoints(
            HistogramDataPoint.newBuilder().setTimeUnixNano(now).setCount(3).setSum(12.5).addBucketCounts(1)
                .addBucketCounts(2).addExplicitBounds(5.0).addAllAttributes(attrs))).build();
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
            .setValue(AnyValue.newBuilder().setStringValue("crash-" + (n % 3)))))
        .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(gauge).addMetrics(sum).addMetrics(histogram)))
        .build();
  }

  private static Process writerProcess(Map<String, String> settings, String haltAfter) throws IOException {
    Path dir = TestLake.infra().dataDir().resolve("crash-metrics");
    Path config = TestLake.writeConfig("crash-metrics/writer.yaml", settings);
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-D" + PartitionPoller.HALT_PROPERTY + "=" + haltAfter,
        "-cp", System.getProperty("java.class.path"), "io.otlake.writer.Main", "--config", config.toString());
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("writer.log").toFile())).start();
  }
}
