package io.otlake.writer.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link TextBuffer#decimal} against {@link Long#toString(long)} as the oracle. */
class TextBufferTest {
  @Test
  void decimalIsLongToString() {
    TextBuffer t = new TextBuffer();
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 20_000; i++) {
      long v = switch (i % 4) {
        case 0 -> random.nextLong();
        case 1 -> random.nextLong() >> random.nextInt(64);
        case 2 -> random.nextInt(2001) - 1000;
        default -> edge(i / 4);
      };
      t.clear();
      t.add((byte) 'x'); // appends after what the buffer holds
      t.decimal(v);
      assertThat(new String(t.copy(), StandardCharsets.US_ASCII)).isEqualTo("x" + v);
    }
  }

  /** 0, +-1, Long's ends, and each power of ten, one below and one above, with either sign. */
  private static long edge(int k) {
    long[] fixed = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1};
    if (k % 25 < fixed.length) {
      return fixed[k % 25];
    }
    long p = 1;
    for (int e = k % 19; e > 0; e--) {
      p *= 10;
    }
    long v = p + (k % 3) - 1;
    return k % 2 == 0 ? v : -v;
  }
}
