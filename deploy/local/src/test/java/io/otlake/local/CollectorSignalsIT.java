package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.otlake.proto.json.OtlpJson;
import io.otlake.writer.WriterService;
import io.otlake.writer.testing.DemoLogs;
import io.otlake.writer.testing.DemoMetrics;
import io.otlake.writer.testing.LogRows;
import io.otlake.writer.testing.MetricRows;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Logs and metrics topics an OpenTelemetry Collector's kafka exporter filled, as it writes them (its
 * {@code pdata_marshaler}: one record per batch, the value the whole batch as {@code LogsData} / {@code MetricsData}
 * protobuf, wire-identical to {@code Export*ServiceRequest}, or its OTLP/JSON with hex ids, integer enums and 64-bit
 * integers as strings; no key unless {@code partition_*_by_resource_attributes}, which sets a hash of the resource's
 * attributes; no headers unless {@code include_metadata_keys}, which copies client metadata; never otlake's headers).
 * The writer, told the topic's encoding ({@code kafka.default-encoding}), stores every item of every record in its
 * table, every field as the Collector sent it (rows compared whole with the ones built from the protobuf messages).
 */
class CollectorSignalsIT {
  private static final long NOW = System.currentTimeMillis() * 1_000_000L;

  @Test
  void otlpProtoRecordsOfLogsAndMetrics() throws Exception {
    collectorTopics("otlp_proto", r -> r.toByteArray());
  }

  @Test
  void otlpJsonRecordsOfLogsAndMetrics() throws Exception {
    collectorTopics("otlp_json", OtlpJson::requestToJson);
  }

  private static void collectorTopics(String encoding, Function<com.google.protobuf.Message, byte[]> value)
      throws Exception {
    String name = "collector_" + encoding;
    DemoLogs demoLogs = new DemoLogs(11, NOW - 3_600_000_000_000L);
    List<ExportLogsServiceRequest> logs = List.of(demoLogs.request(120), demoLogs.request(80));
    DemoMetrics demoMetrics = new DemoMetrics(13, NOW - 3_600_000_000_000L);
    List<ExportMetricsServiceRequest> metrics = List.of(demoMetrics.request(150), demoMetrics.request(150));
    try (KafkaProducer<byte[], byte[]> producer = TestLake.producer()) {
      for (int i = 0; i < 2; i++) {
        producer.send(collectorRecord(name + "_logs", i, value.apply(logs.get(i)))).get();
        producer.send(collectorRecord(name + "_metrics", i, value.apply(metrics.get(i)))).get();
      }
    }

    List<Object> wantLogs = new ArrayList<>();
    List<List<Object>> wantMetrics = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      wantMetrics.add(new ArrayList<>());
    }
    for (int i = 0; i < 2; i++) {
      wantLogs.addAll(SignalsEndToEndIT.normalized(new LogRows().rows(logs.get(i))));
      List<List<Record>> kinds = new MetricRows().rows(metrics.get(i));
      for (int k = 0; k < 5; k++) {
        wantMetrics.get(k).addAll(SignalsEndToEndIT.normalized(kinds.get(k)));
      }
    }
    assertThat(wantLogs).hasSize(200);
    assertThat(wantMetrics).allSatisfy(rows -> assertThat(rows).isNotEmpty());
    // an item identical in every byte to one before it (the demo data has a point so) is one item sent twice, to the
    // writer as to a reader: it is stored once, and counted as a duplicate
    int logDuplicates = wantLogs.size() - new java.util.HashSet<>(wantLogs).size();
    int pointDuplicates = 0;
    for (List<Object> rows : wantMetrics) {
      List<Object> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(rows));
      pointDuplicates += rows.size() - distinct.size();
      rows.clear();
      rows.addAll(distinct);
    }

    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("signals", "logs,metrics");
    settings.put("kafka.default-encoding", encoding);
    settings.put("kafka.topic.logs", name + "_logs");
    settings.put("kafka.topic.metrics", name + "_metrics");
    settings.put("kafka.group-id", "group-" + name);
    settings.put("table.logs", name + "_logs");
    List<String> metricTables = new ArrayList<>();
    for (String kind : new String[] {"gauge", "sum", "histogram", "exponential-histogram", "summary"}) {
      String table = name + "_metrics_" + kind.replace('-', '_');
      settings.put("table.metrics-" + kind, table);
      metricTables.add(table);
    }
    try (WriterService writer = TestLake.writer(name + "_unused_spans", name + "_unused", settings)) {
      TestLake.awaitRows(TestLake.catalog(), name + "_logs", Duration.ofSeconds(90),
          rows -> rows.size() >= wantLogs.size());
      for (int k = 0; k < 5; k++) {
        int count = wantMetrics.get(k).size();
        TestLake.awaitRows(TestLake.catalog(), metricTables.get(k), Duration.ofSeconds(90),
            rows -> rows.size() >= count);
      }
      ChildJvm.sleep(2000); // nothing more arrives
      assertThat(SignalsEndToEndIT.normalized(TestLake.rows(TestLake.catalog(), name + "_logs")))
          .containsExactlyInAnyOrderElementsOf(wantLogs);
      for (int k = 0; k < 5; k++) {
        assertThat(SignalsEndToEndIT.normalized(TestLake.rows(TestLake.catalog(), metricTables.get(k))))
            .as(metricTables.get(k)).containsExactlyInAnyOrderElementsOf(wantMetrics.get(k));
      }
      // nothing was refused; only the identical items were taken for a retry
      assertThat(writer.meterRegistry().find("otlake.writer.records.dead.lettered").counters()).hasSize(2)
          .allSatisfy(c -> assertThat(c.count()).isZero());
      assertThat(writer.meterRegistry().find("otlake.writer.duplicates.dropped").tag("signal", "logs").counter()
          .count()).isEqualTo(logDuplicates);
      assertThat(writer.meterRegistry().find("otlake.writer.duplicates.dropped").tag("signal", "metrics").counter()
          .count()).isEqualTo(pointDuplicates);
    }
  }

  /**
   * Record {@code i} of a batch as the exporter writes it: the first with no key and no headers (the defaults), the
   * second keyed as {@code partition_*_by_resource_attributes} keys it and with a header copied by
   * {@code include_metadata_keys}; neither says what it holds, so the writer goes by the topic's encoding.
   */
  private static ProducerRecord<byte[], byte[]> collectorRecord(String topic, int i, byte[] value) {
    if (i == 0) {
      return new ProducerRecord<>(topic, null, value);
    }
    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic,
        "9f86d081884c7d659a2feaa0c55ad015".getBytes(StandardCharsets.US_ASCII), value);
    r.headers().add("tenant", "acme".getBytes(StandardCharsets.UTF_8));
    return r;
  }
}
