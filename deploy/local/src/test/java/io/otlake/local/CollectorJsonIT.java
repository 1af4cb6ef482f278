package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.otlake.proto.Encoding;
import io.otlake.proto.RecordHeaders;
import io.otlake.proto.json.OtlpJson;
import io.otlake.writer.WriterService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A topic an OpenTelemetry Collector's kafka exporter filled with {@code encoding: otlp_json} (OTLP/JSON values, hex
 * ids, no otlake headers): the writer, told the topic's encoding, commits its spans; a record that says otherwise in
 * an {@code otlake.encoding} header is read as it says; broken JSON goes to the dead-letter topic with the reason.
 */
class CollectorJsonIT {
  @Test
  void otlpJsonRecordsAreWrittenAndBrokenOnesDeadLettered() throws Exception {
    String topic = "json_spans";
    String table = "traces_json";
    byte[] broken = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"spanId\":\"not-hex\"}]}]}]}"
        .getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<byte[], byte[]> producer = TestLake.producer()) {
      producer.send(new ProducerRecord<>(topic, 0, null,
          OtlpJson.traceRequestToJson(Spans.request("json-svc", 0, 1, 3)))).get();
      producer.send(new ProducerRecord<>(topic, 0, null, broken)).get();
      ProducerRecord<byte[], byte[]> proto =
          new ProducerRecord<>(topic, 0, null, Spans.request("json-svc", 1, 1, 3).toByteArray());
      proto.headers().add(RecordHeaders.ENCODING, RecordHeaders.utf8(Encoding.OTLP_PROTO.id()));
      producer.send(proto).get();
      producer.send(new ProducerRecord<>(topic, 0, null,
          OtlpJson.traceRequestToJson(Spans.request("json-svc", 2, 1, 3)))).get();
    }

    Catalog catalog = TestLake.catalog();
    try (WriterService writer = TestLake.writer(topic, table, Map.of("kafka.default-encoding", "otlp_json"))) {
      TestLake.awaitRows(catalog, table, Duration.ofSeconds(90), rows -> rows.size() >= 9);
    }
    List<Record> rows = TestLake.rows(catalog, table);
    assertThat(rows).extracting(r -> r.getField("span_id")).containsExactlyInAnyOrder(
        Spans.spanIdHex(1), Spans.spanIdHex(2), Spans.spanIdHex(3), Spans.spanIdHex(4), Spans.spanIdHex(5),
        Spans.spanIdHex(6), Spans.spanIdHex(7), Spans.spanIdHex(8), Spans.spanIdHex(9));
    Record second = rows.stream().filter(r -> r.getField("span_id").equals(Spans.spanIdHex(2))).findFirst().get();
    assertThat(second.getField("trace_id")).isEqualTo(String.format("%032x", 1));
    assertThat(second.getField("parent_span_id")).isEqualTo(Spans.spanIdHex(1));
    assertThat(second.getField("span_kind")).isEqualTo("INTERNAL");
    assertThat(second.getField("service_name")).isEqualTo("json-svc");
    assertThat(second.getField("attributes")).isEqualTo(Map.of("n", "2"));
    assertThat(second.getField("attribute_types")).isEqualTo(Map.of("n", "int"));

    List<ConsumerRecord<byte[], byte[]>> dead = TestLake.deadLetters(topic, 1);
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).value()).isEqualTo(broken);
    assertThat(TestLake.header(dead.get(0), RecordHeaders.DLQ_REASON))
        .contains("not a valid otlp_json").contains("spans[0]").contains("spanId");
  }
}
