package io.otlake.writer.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DedupTest {
  private static byte[] trace(long hi, long lo) {
    return ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
  }

  private static byte[] span(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  private static boolean seen(Dedup d, int partition, long t, long s, long at) {
    byte[] tr = trace(t, t * 31);
    byte[] sp = span(s);
    return seen(d, partition, tr, 0, 16, sp, 0, 8, at);
  }

  @Test
  void aSpanReadAgainWithinTheWindowIsADuplicateOnlyInItsPartition() {
    Dedup d = new Dedup(Duration.ofMinutes(5), 100_000);
    assertThat(seen(d, 0, 1, 1, 1000)).isFalse();
    assertThat(seen(d, 0, 1, 2, 1000)).isFalse();
    assertThat(seen(d, 0, 2, 1, 1000)).isFalse();
    assertThat(seen(d, 0, 1, 1, 2000)).isTrue();
    assertThat(seen(d, 1, 1, 1, 2000)).isFalse();
    assertThat(d.ids()).isEqualTo(4);
    d.forget(0);
    assertThat(d.ids()).isEqualTo(1);
    assertThat(seen(d, 0, 1, 1, 3000)).isFalse();
  }

  @Test
  void idsOlderThanTheWindowAreForgottenAndYoungerOnesKept() {
    long window = 30_000;
    Dedup d = new Dedup(Duration.ofMillis(window), 100_000);
    seen(d, 0, 1, 1, 0);
    seen(d, 0, 2, 2, window - 1);
    // time moves on past the window, in steps, as records arrive
    for (long t = 0; t <= window + window / 2; t += 1000) {
      seen(d, 0, 100 + t, 1, t);
    }
    assertThat(seen(d, 0, 2, 2, window + window / 2)).as("seen within the window").isTrue();
    for (long t = window + window / 2; t <= 3 * window; t += 1000) {
      seen(d, 0, 100 + t, 1, t);
    }
    assertThat(seen(d, 0, 1, 1, 3 * window)).as("older than the window").isFalse();
    assertThat(d.ids()).isLessThan(3 * window / 1000);
  }

  @Test
  void theMemoryBoundDropsTheOldestIdsFirst() {
    Dedup d = new Dedup(Duration.ofMinutes(5), 1000);
    for (int i = 0; i < 20_000; i++) {
      seen(d, i % 4, i + 1, 7, i * 10L);
    }
    assertThat(d.ids()).isLessThanOrEqualTo(1000);
    assertThat(d.timesShortened()).isPositive();
    assertThat(seen(d, 19_999 % 4, 20_000, 7, 200_000)).as("the newest is kept").isTrue();
    assertThat(seen(d, 0, 1, 7, 200_000)).as("the oldest went first").isFalse();
  }

  @Test
  void idsOfOtherLengthsAreKeptByHashAndZeroIdsNever() {
    Dedup d = new Dedup(Duration.ofMinutes(5), 1000);
    byte[] shortTrace = {1, 2, 3};
    byte[] noSpan = {};
    assertThat(seen(d, 0, shortTrace, 0, 3, noSpan, 0, 0, 1)).isFalse();
    assertThat(seen(d, 0, shortTrace, 0, 3, noSpan, 0, 0, 2)).isTrue();
    assertThat(seen(d, 0, shortTrace, 0, 2, noSpan, 0, 0, 2)).isFalse();
    byte[] zeros = new byte[16];
    byte[] zeroSpan = new byte[8];
    assertThat(seen(d, 0, zeros, 0, 16, zeroSpan, 0, 8, 3)).isFalse();
    assertThat(seen(d, 0, zeros, 0, 16, zeroSpan, 0, 8, 3)).isFalse();
  }

  @Test
  void offDoesNothing() {
    Dedup d = new Dedup(Duration.ZERO, 1000);
    assertThat(d.enabled()).isFalse();
    assertThat(seen(d, 0, 1, 1, 1)).isFalse();
    assertThat(seen(d, 0, 1, 1, 1)).isFalse();
  }

  @Test
  void theIdSetAgreesWithAHashSet() {
    IdSet set = new IdSet(4);
    Set<String> oracle = new HashSet<>();
    Random random = new Random(42);
    for (int i = 0; i < 200_000; i++) {
      long x = random.nextInt(300);
      long y = random.nextInt(300);
      long z = random.nextInt(3);
      boolean added = set.add(x, y, z);
      boolean zero = (x | y | z) == 0;
      assertThat(added).isEqualTo(zero || oracle.add(x + "/" + y + "/" + z));
      long qx = random.nextInt(300);
      long qy = random.nextInt(300);
      long qz = random.nextInt(3);
      if ((qx | qy | qz) != 0) {
        assertThat(set.contains(qx, qy, qz)).isEqualTo(oracle.contains(qx + "/" + qy + "/" + qz));
      }
    }
    assertThat(set.size()).isEqualTo(oracle.size());
  }

  /** A span's ids through the identity the writer gives spans ({@link Dedup#spanIdentity}). */
  private static boolean seen(Dedup d, int partition, byte[] trace, int traceOff, int traceLen, byte[] span,
      int spanOff, int spanLen, long at) {
    byte[] id = new byte[24];
    Dedup.spanIdentity(trace, traceOff, traceLen, span, spanOff, spanLen, id);
    return d.seen(partition, id, at);
  }
}
