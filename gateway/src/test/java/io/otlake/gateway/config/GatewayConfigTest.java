package io.otlake.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otlake.proto.Signal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every signal's topic: the Collector kafka exporter's names by default, each its own key. */
class GatewayConfigTest {
  @Test
  void recordsArePerPartitionByDefaultPerKeyOnRequestAndAnythingElseIsRefusedByName() {
    assertThat(GatewayConfig.load(null, Map.of(), Map.of()).recordPerKey()).isFalse();
    assertThat(GatewayConfig.load(null, Map.of(), Map.of("kafka.records", "per-key")).recordPerKey()).isTrue();
    assertThatThrownBy(() -> GatewayConfig.load(null, Map.of(), Map.of("kafka.records", "per-trace")))
        .hasMessageContaining("kafka.records").hasMessageContaining("per-partition or per-key");
  }

  @Test
  void topicsDefaultToTheCollectorsNamesAndAreSetPerSignal() {
    GatewayConfig defaults = GatewayConfig.load(null, Map.of(), Map.of());
    assertThat(defaults.topics()).containsExactlyInAnyOrderEntriesOf(Map.of(
        Signal.TRACES, "otlp_spans", Signal.LOGS, "otlp_logs", Signal.METRICS, "otlp_metrics"));
    GatewayConfig renamed = GatewayConfig.load(null, Map.of(), Map.of("kafka.topic.logs", "app_logs"));
    assertThat(renamed.topics()).containsEntry(Signal.LOGS, "app_logs").containsEntry(Signal.METRICS, "otlp_metrics");
    assertThatThrownBy(() -> GatewayConfig.load(null, Map.of(), Map.of("kafka.topic.metrics", "")))
        .hasMessageContaining("kafka.topic.metrics");
  }
}
