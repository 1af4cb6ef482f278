package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.otlake.proto.RecordHeaders;
import io.otlake.writer.WriterService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.catalog.Catalog;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A record the writer cannot decode goes to the dead-letter topic with its reason, and the partition keeps moving:
 * valid records before and after it (written here as a Collector would, without otlake headers) are committed.
 */
class DeadLetterIT {
  @Test
  void undecodableRecordsAreDeadLetteredAndDoNotBlockThePartition() throws Exception {
    String topic = "dlq_spans";
    String table = "traces_dlq";
    byte[] garbage = "this is not protobuf \u00ff\u00fe".getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<byte[], byte[]> producer = TestLake.producer()) {
      // one partition for all, so the bad record sits between the good ones
      producer.send(new ProducerRecord<>(topic, 0, null, Spans.request("dlq", 0, 1, 3).toByteArray())).get();
      producer.send(new ProducerRecord<>(topic, 0, "bad".getBytes(StandardCharsets.UTF_8), garbage)).get();
      ProducerRecord<byte[], byte[]> futureFormat =
          new ProducerRecord<>(topic, 0, null, Spans.request("dlq", 1, 1, 3).toByteArray());
      futureFormat.headers().add(RecordHeaders.FORMAT_VERSION, RecordHeaders.utf8("99"));
      producer.send(futureFormat).get();
      producer.send(new ProducerRecord<>(topic, 0, null, Spans.request("dlq", 2, 1, 3).toByteArray())).get();
    }

    Catalog catalog = TestLake.catalog();
    try (WriterService writer = TestLake.writer(topic, table, Map.of())) {
      TestLake.awaitRows(catalog, table, Duration.ofSeconds(90), rows -> rows.size() >= 6);
    }
    assertThat(TestLake.rows(catalog, table)).extracting(r -> r.getField("span_id"))
        .containsExactlyInAnyOrder(Spans.spanIdHex(1), Spans.spanIdHex(2), Spans.spanIdHex(3),
            Spans.spanIdHex(7), Spans.spanIdHex(8), Spans.spanIdHex(9));

    List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>(TestLake.deadLetters(topic, 2));
    assertThat(dead).hasSize(2);
    dead.sort(java.util.Comparator.comparing(r -> header(r, RecordHeaders.DLQ_SOURCE)));
    assertThat(dead.get(0).value()).isEqualTo(garbage);
    assertThat(header(dead.get(0), RecordHeaders.DLQ_REASON)).contains("not a valid otlp_proto");
    assertThat(header(dead.get(0), RecordHeaders.DLQ_SOURCE)).isEqualTo(topic + "/0/1");
    assertThat(header(dead.get(1), RecordHeaders.DLQ_REASON)).contains("unknown otlake format version '99'");
    assertThat(header(dead.get(1), RecordHeaders.DLQ_SOURCE)).isEqualTo(topic + "/0/2");
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return TestLake.header(r, name);
  }
}
