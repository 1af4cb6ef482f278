package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.otlake.writer.WriterService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Records that fan out to thousands of services (as a Collector may write them, without the gateway's limits) do not
 * make one commit of thousands of files: a batch that reached {@code commit.max-partitions} is committed before the
 * next record, and every span still lands exactly once.
 */
class FanOutIT {
  private static final int RECORDS = 16;
  private static final int SERVICES_PER_RECORD = 25;
  private static final int MAX_PARTITIONS = 80;

  @Test
  void aBatchIsCommittedEarlyBeforeItWritesTooManyPartitions() throws Exception {
    String topic = "fanout_spans";
    String name = "traces_fanout";
    Set<String> sent = new HashSet<>();
    try (KafkaProducer<byte[], byte[]> producer = TestLake.producer()) {
      int n = 0;
      for (int r = 0; r < RECORDS; r++) {
        ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
        for (int s = 0; s < SERVICES_PER_RECORD; s++, n++) {
          request.addAllResourceSpans(Spans.request("svc-" + n, n, 1, 1).getResourceSpansList());
          sent.add(Spans.spanIdHex(n + 1L));
        }
        producer.send(new ProducerRecord<>(topic, 0, null, request.build().toByteArray())).get();
      }
    }
    Catalog catalog = TestLake.catalog();
    try (WriterService writer = TestLake.writer(topic, name,
        Map.of("commit.max-partitions", Integer.toString(MAX_PARTITIONS), "commit.interval", "2s"))) {
      TestLake.awaitRows(catalog, name, Duration.ofSeconds(120), rows -> rows.size() >= sent.size());
      List<String> ids = new ArrayList<>();
      TestLake.rows(catalog, name).forEach(row -> ids.add((String) row.getField("span_id")));
      assertThat(ids).doesNotHaveDuplicates();
      assertThat(Set.copyOf(ids)).isEqualTo(sent);

      Table table = catalog.loadTable(TableIdentifier.of("otel", name));
      int commits = 0;
      for (Snapshot s : table.snapshots()) {
        commits++;
        assertThat(Integer.parseInt(s.summary().get("added-data-files")))
            .as("files in one commit").isLessThanOrEqualTo(MAX_PARTITIONS + SERVICES_PER_RECORD);
      }
      assertThat(commits).isGreaterThanOrEqualTo(RECORDS * SERVICES_PER_RECORD / (MAX_PARTITIONS + SERVICES_PER_RECORD));
      Counter early = writer.meterRegistry().find("otlake.writer.commits.early").tag("signal", "traces").tag("reason", "partitions").counter();
      assertThat(early).isNotNull();
      assertThat(early.count()).isGreaterThanOrEqualTo(3);
    }
  }
}
