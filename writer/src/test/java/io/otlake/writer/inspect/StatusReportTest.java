package io.otlake.writer.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.otlake.writer.inspect.TableStatus.PartitionFiles;
import io.otlake.writer.inspect.TableStatus.PartitionLag;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Status rendering as pure logic: the same numbers as text and as JSON. */
class StatusReportTest {
  private static final long NOW = 1_780_000_000_000L;

  private static List<TableStatus> lake() {
    TableStatus traces = new TableStatus("otel.traces", true, 4, 1234, 6, 3 << 20,
        List.of(new PartitionFiles("timestamp_day=2026-05-28/service_name=a", 3, 700, 2 << 20),
            new PartitionFiles("timestamp_day=2026-05-28/service_name=b", 2, 500, 1 << 19),
            new PartitionFiles("timestamp_day=2026-05-28/service_name=c", 1, 34, 1 << 19)),
        NOW - 125_000, "append",
        new TableStatus.Kafka("otlp_spans", "otlake-writer", "FOUND", "table property x",
            List.of(new PartitionLag(0, 10L, 0, 15, 5L), new PartitionLag(1, null, 0, 3, null)), 5,
            "otlp_spans_dlq", 2));
    return List.of(traces, TableStatus.missing("otel.logs"));
  }

  @Test
  void textShowsEveryNumber() {
    String text = StatusReport.text(lake(), NOW);
    assertThat(text).contains("otel.traces\n")
        .contains("  snapshots     4\n")
        .contains("  rows          1,234\n")
        .contains("  data files    6 (3.0 MiB)\n")
        .contains("  partitions    3; files per partition min 1, median 2, max 3\n")
        .contains("2 min ago, append)")
        .contains("lag           5 records")
        .contains("  dead letters  2 in otlp_spans_dlq\n")
        .contains("otel.logs: no table yet\n");
    assertThat(text).containsPattern("\\s+0\\s+10\\s+0\\s+15\\s+5\n");
    assertThat(text).containsPattern("\\s+1\\s+-\\s+0\\s+3\\s+-\n");
  }

  @Test
  void jsonHoldsTheSameNumbers() throws Exception {
    JsonNode root = new ObjectMapper().readTree(StatusReport.json(lake(), NOW));
    JsonNode t = root.get("tables").get(0);
    assertThat(t.get("table").asText()).isEqualTo("otel.traces");
    assertThat(t.get("rows").asLong()).isEqualTo(1234);
    assertThat(t.get("data_files").asLong()).isEqualTo(6);
    assertThat(t.get("bytes").asLong()).isEqualTo(3 << 20);
    assertThat(t.at("/files_per_partition/median").asInt()).isEqualTo(2);
    assertThat(t.at("/files_per_partition/largest/0/files").asInt()).isEqualTo(3);
    assertThat(t.at("/last_commit/age_seconds").asLong()).isEqualTo(125);
    assertThat(t.at("/kafka/lag").asLong()).isEqualTo(5);
    assertThat(t.at("/kafka/partitions/1/lag").isNull()).isTrue();
    assertThat(t.at("/kafka/dead_letters/records").asLong()).isEqualTo(2);
    assertThat(root.get("tables").get(1).get("exists").asBoolean()).isFalse();
  }
}
