package io.otlake.writer.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.Random;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.junit.jupiter.api.Test;

/** {@link Rle} output decodes with parquet-mr's own decoder to the values encoded. */
class RleTest {
  @Test
  void decodesToTheSameValuesForEveryWidthAndRunShape() throws Exception {
    Random random = new Random(42);
    for (int width = 1; width <= 24; width++) {
      for (int shape = 0; shape < 4; shape++) {
        int n = 1 + random.nextInt(3000);
        int[] values = new int[n];
        int max = width == 32 ? Integer.MAX_VALUE : (1 << width) - 1;
        for (int i = 0; i < n; ) {
          int run = shape == 0 ? 1 : shape == 1 ? 1 + random.nextInt(20) : shape == 2 ? 8 + random.nextInt(100) : 7;
          int v = random.nextInt(max + 1);
          for (int k = 0; k < run && i < n; k++) {
            values[i++] = shape == 0 ? random.nextInt(max + 1) : v;
          }
        }
        Bytes out = new Bytes(16);
        Rle.encode(values, n, width, out);
        RunLengthBitPackingHybridDecoder decoder =
            new RunLengthBitPackingHybridDecoder(width, new ByteArrayInputStream(out.toByteArray()));
        for (int i = 0; i < n; i++) {
          assertThat(decoder.readInt()).as("width %d shape %d value %d of %d", width, shape, i, n)
              .isEqualTo(values[i]);
        }
      }
    }
  }

  @Test
  void bitWidthIsTheBitsOfTheLargestValue() {
    assertThat(Rle.bitWidth(0)).isZero();
    assertThat(Rle.bitWidth(1)).isEqualTo(1);
    assertThat(Rle.bitWidth(2)).isEqualTo(2);
    assertThat(Rle.bitWidth(255)).isEqualTo(8);
    assertThat(Rle.bitWidth(256)).isEqualTo(9);
  }
}
