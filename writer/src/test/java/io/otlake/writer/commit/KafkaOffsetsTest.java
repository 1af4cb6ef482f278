package io.otlake.writer.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaOffsetsTest {
  @Test
  void formatsSortedAndParsesBack() {
    String text = KafkaOffsets.format(Map.of(3, 77L, 0, 1200L, 1, 0L));
    assertThat(text).isEqualTo("0:1200,1:0,3:77");
    assertThat(KafkaOffsets.parse(text)).containsExactly(Map.entry(0, 1200L), Map.entry(1, 0L), Map.entry(3, 77L));
    assertThat(KafkaOffsets.parse("")).isEmpty();
  }

  @Test
  void refusesMalformedText() {
    assertThatThrownBy(() -> KafkaOffsets.parse("0=12")).hasMessageContaining("malformed");
    assertThatThrownBy(() -> KafkaOffsets.parse("a:1")).hasMessageContaining("malformed");
    assertThatThrownBy(() -> KafkaOffsets.parse("0:-1")).hasMessageContaining("negative");
  }

  @Test
  void keysNameTopicAndGroup() {
    assertThat(KafkaOffsets.key("otlp_spans", "otlake-writer")).isEqualTo("otlake.kafka.offsets.otlp_spans.otlake-writer");
  }

  @Test
  void storedPositionsRoundTripWithAndWithoutTheirSnapshot() {
    StoredPosition p = new StoredPosition(Map.of(1, 5L, 0, 7L), 123L, 9L);
    assertThat(p.format()).isEqualTo("0:7,1:5;snapshot=123;seq=9");
    assertThat(StoredPosition.parse(p.format())).isEqualTo(p);
    assertThat(StoredPosition.parse("0:7")).isEqualTo(new StoredPosition(Map.of(0, 7L), null, null));
    assertThat(StoredPosition.parse("")).isEqualTo(new StoredPosition(Map.of(), null, null));
    assertThatThrownBy(() -> StoredPosition.parse("0:7;snap=1")).hasMessageContaining("unknown part");
    assertThatThrownBy(() -> StoredPosition.parse("0:7;seq=x")).hasMessageContaining("malformed position");
  }
}
