package io.otlake.writer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriterConfigTest {
  private static final Map<String, String> CATALOG = Map.of(
      "iceberg.catalog.type", "jdbc", "iceberg.catalog.warehouse", "s3://b/w", "iceberg.catalog.uri", "jdbc:x");

  @Test
  void aBatchCommitsEarlyAtATenthOfTheHeapByDefault() {
    long heap = Runtime.getRuntime().maxMemory();
    assertThat(WriterConfig.load(null, Map.of(), CATALOG).maxBufferedBytes())
        .isEqualTo(Math.max(1L << 20, Math.min(256L << 20, heap / 10)));
    assertThat(WriterConfig.load(null, Map.of("OTLAKE_WRITER_COMMIT_MAX_BUFFERED_BYTES", "64MiB"), CATALOG)
        .maxBufferedBytes()).isEqualTo(64L << 20);
  }

  @Test
  void defaultsAndPassThrough() {
    WriterConfig c = WriterConfig.load(null, Map.of("OTLAKE_WRITER_COMMIT_INTERVAL", "2s",
        "OTLAKE_WRITER_ICEBERG_CATALOG_S3_PATH__STYLE__ACCESS", "true"), CATALOG);
    assertThat(c.commitInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.tracesTopic()).isEqualTo("otlp_spans");
    assertThat(c.namespace()).isEqualTo("otel");
    assertThat(c.catalogProperties()).containsEntry("type", "jdbc").containsEntry("s3.path-style-access", "true");
  }

  @Test
  void signalsTopicsGroupsAndTables() {
    WriterConfig all = WriterConfig.load(null, Map.of(), CATALOG);
    assertThat(all.signals()).containsExactlyElementsOf(
        io.otlake.writer.signals.WriterSignals.ALL.stream().map(s -> s.signal()).toList());
    assertThat(all.group(io.otlake.proto.Signal.TRACES)).isEqualTo("otlake-writer");
    assertThat(all.group(io.otlake.proto.Signal.LOGS)).isEqualTo("otlake-writer-logs");
    assertThat(all.topic(io.otlake.proto.Signal.METRICS)).isEqualTo("otlp_metrics");
    Map<String, String> renamed = new java.util.HashMap<>(CATALOG);
    renamed.put("table.traces", "spans");
    renamed.put("signals", " traces ");
    WriterConfig c = WriterConfig.load(null, Map.of(), renamed);
    assertThat(c.signals()).containsExactly(io.otlake.proto.Signal.TRACES);
    assertThat(c.ownedTables()).extracting(Object::toString).containsExactly("otel.spans");
    Map<String, String> bad = new java.util.HashMap<>(CATALOG);
    bad.put("signals", "traces,spans");
    assertThatThrownBy(() -> WriterConfig.load(null, Map.of(), bad)).hasMessageContaining("'signals'");
    bad.put("signals", "traces,traces");
    assertThatThrownBy(() -> WriterConfig.load(null, Map.of(), bad)).hasMessageContaining("'signals'");
  }

  @Test
  void refusesWhatTheWriterOwnsAndWhatIsMissing() {
    assertThatThrownBy(() -> WriterConfig.load(null, Map.of(), Map.of()))
        .hasMessageContaining("'iceberg.catalog.type'");
    Map<String, String> withGroup = new java.util.HashMap<>(CATALOG);
    withGroup.put("kafka.consumer.group.id", "x");
    assertThatThrownBy(() -> WriterConfig.load(null, Map.of(), withGroup))
        .hasMessageContaining("'kafka.consumer.group.id'").hasMessageContaining("kafka.group-id");
    Map<String, String> badStart = new java.util.HashMap<>(CATALOG);
    badStart.put("kafka.start-from", "middle");
    assertThatThrownBy(() -> WriterConfig.load(null, Map.of(), badStart))
        .hasMessageContaining("'kafka.start-from'").hasMessageContaining("earliest or latest");
  }
}
