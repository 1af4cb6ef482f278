package io.otlake.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.otlake.proto.Signal;
import io.otlake.writer.config.WriterConfig;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

/** The consumer's fetch bound follows the heap unless the operator sets it under {@code kafka.consumer.}. */
class ConsumerPropertiesTest {
  private static final Map<String, String> CATALOG = Map.of("iceberg.catalog.type", "hadoop",
      "iceberg.catalog.warehouse", "/tmp/otlake-test-warehouse");

  @Test
  void aFetchBringsAt128thOfTheHeapWithinKafkasLimits() {
    assertThat(WriterService.fetchMaxBytes(512L << 20)).isEqualTo(4 << 20);
    assertThat(WriterService.fetchMaxBytes(2L << 30)).isEqualTo(16 << 20);
    assertThat(WriterService.fetchMaxBytes(64L << 20)).isEqualTo(1 << 20);
    assertThat(WriterService.fetchMaxBytes(64L << 30)).isEqualTo(50 << 20);

    Map<String, Object> p = WriterService.consumerProperties(WriterConfig.load(null, Map.of(), CATALOG),
        Signal.TRACES);
    int fetch = WriterService.fetchMaxBytes(Runtime.getRuntime().maxMemory());
    assertThat(p.get(ConsumerConfig.FETCH_MAX_BYTES_CONFIG)).isEqualTo(fetch);
    assertThat(p.get(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG)).isEqualTo(Math.min(8 << 20, fetch));
  }

  @Test
  void theOperatorsSettingsWin() {
    Map<String, String> o = new java.util.HashMap<>(CATALOG);
    o.put("kafka.consumer.fetch.max.bytes", "99999999");
    o.put("kafka.consumer.max.partition.fetch.bytes", "12345");
    Map<String, Object> p = WriterService.consumerProperties(WriterConfig.load(null, Map.of(), o), Signal.TRACES);
    assertThat(p.get(ConsumerConfig.FETCH_MAX_BYTES_CONFIG)).isEqualTo("99999999");
    assertThat(p.get(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG)).isEqualTo("12345");
  }
}
