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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
    Map<String, Object> producerProps = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestLake.infra().bootstrapServers(),
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    byte[] garbage = "this is not protobuf \u00ff\u00fe".getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
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

    Map<String, Object> consumerProps = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestLake.infra().bootstrapServers(),
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
      List<TopicPartition> dlq = consumer.partitionsFor(topic + "_dlq").stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(dlq);
      consumer.seekToBeginning(dlq);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (dead.size() < 2 && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(dead::add);
      }
    }
    assertThat(dead).hasSize(2);
    dead.sort(java.util.Comparator.comparing(r -> header(r, RecordHeaders.DLQ_SOURCE)));
    assertThat(dead.get(0).value()).isEqualTo(garbage);
    assertThat(header(dead.get(0), RecordHeaders.DLQ_REASON)).contains("not a valid otlp_proto");
    assertThat(header(dead.get(0), RecordHeaders.DLQ_SOURCE)).isEqualTo(topic + "/0/1");
    assertThat(header(dead.get(1), RecordHeaders.DLQ_REASON)).contains("unknown otlake format version '99'");
    assertThat(header(dead.get(1), RecordHeaders.DLQ_SOURCE)).isEqualTo(topic + "/0/2");
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return RecordHeaders.text(r.headers().lastHeader(name).value());
  }
}
