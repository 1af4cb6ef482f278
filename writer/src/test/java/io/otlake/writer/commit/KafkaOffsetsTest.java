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
    assertThatThrownBy(() -> KafkaOffsets.parse("a:1")).isInstanceOf(NumberFormatException.class);
  }
}
