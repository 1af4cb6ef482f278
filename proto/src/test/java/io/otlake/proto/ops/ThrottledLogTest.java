package io.otlake.proto.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThrottledLogTest {
  private final List<String> lines = new ArrayList<>();
  private long now = 1_000;
  private final ThrottledLog log = new ThrottledLog(lines::add, Duration.ofSeconds(10), () -> now);

  @Test
  void writesOneLinePerKindPerIntervalAndCountsTheRest() {
    for (int i = 0; i < 100; i++) {
      log.log("too-large", "message " + i + " too large");
    }
    log.log("unimplemented", "no such method");
    assertThat(lines).containsExactly("message 0 too large", "no such method");

    now += Duration.ofSeconds(9).toNanos();
    log.log("too-large", "still too large");
    assertThat(lines).hasSize(2);

    now += Duration.ofSeconds(1).toNanos();
    log.log("too-large", "too large again");
    log.log("unimplemented", "no such method again");
    assertThat(lines).containsExactly("message 0 too large", "no such method",
        "too large again (100 more like it not logged since the last such line)", "no such method again");

    now += Duration.ofSeconds(10).toNanos();
    log.log("too-large", "once more");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("once more");
  }
}
