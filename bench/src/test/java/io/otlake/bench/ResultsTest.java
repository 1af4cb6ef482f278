package io.otlake.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResultsTest {
  @Test
  void numbersKeepTheirMagnitude() {
    Results r = new Results();
    r.put("a", 1689.6);
    r.put("b", 0.436);
    r.put("c", 44.10);
    r.put("d", 1000.0);
    r.put("e", Double.NaN);
    r.section("s").put("n", 12L);
    assertThat(r.toJson()).contains("\"a\": 1690", "\"b\": 0.436", "\"c\": 44.1", "\"d\": 1000", "\"e\": null",
        "\"n\": 12");
  }
}
