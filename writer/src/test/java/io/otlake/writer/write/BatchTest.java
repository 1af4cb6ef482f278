package io.otlake.writer.write;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchTest {
  private static final long INTERVAL = 10_000;
  private static final long MAX = 1 << 20;

  @Test
  void freshRecordsCommitSoThatTheyAreVisibleWithinTheInterval() {
    Batch b = new Batch(100_000);
    assertThat(b.due(100_000, INTERVAL, MAX, 500)).as("empty").isFalse();
    b.consumed(0, 5, 100, 99_900); // produced 100 ms before the batch began
    assertThat(b.due(109_000, INTERVAL, MAX, 500)).isFalse();
    assertThat(b.due(109_400, INTERVAL, MAX, 500)).as("10 s after production minus the commit time").isTrue();
    assertThat(b.next()).containsEntry(0, 6L);
  }

  @Test
  void aBacklogOfOldRecordsStillMakesLargeBatches() {
    Batch b = new Batch(100_000);
    b.consumed(1, 0, 100, 1_000); // produced long ago
    assertThat(b.due(100_200, INTERVAL, MAX, 500)).isFalse();
    assertThat(b.due(105_000, INTERVAL, MAX, 500)).as("half an interval").isTrue();
  }

  @Test
  void sizeAndIntervalAlwaysTrigger() {
    Batch b = new Batch(100_000);
    b.consumed(0, 0, 100, -1); // no timestamp: the batch start counts
    assertThat(b.due(109_000, INTERVAL, MAX, 0)).isFalse();
    assertThat(b.due(110_000, INTERVAL, MAX, 0)).isTrue();
    b.consumed(0, 1, (int) MAX, -1);
    assertThat(b.due(100_001, INTERVAL, MAX, 0)).isTrue();
  }
}
