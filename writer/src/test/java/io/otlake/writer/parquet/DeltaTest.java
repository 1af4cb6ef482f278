package io.otlake.writer.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.column.values.delta.DeltaBinaryPackingValuesReader;
import org.apache.parquet.column.values.deltastrings.DeltaByteArrayReader;
import org.junit.jupiter.api.Test;

/** {@link Delta} output decodes with parquet-mr's own readers to the values encoded, extremes included. */
class DeltaTest {
  @Test
  void binaryPackedLongsRoundTrip() throws Exception {
    Random random = new Random(11);
    long[][] cases = {
        {}, {42}, {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, Long.MAX_VALUE, Long.MIN_VALUE},
        {5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}};
    for (long[] c : cases) {
      assertThat(decodeLongs(c)).isEqualTo(c);
    }
    for (int n = 0; n < 300; n++) {
      int len = random.nextInt(700);
      long[] v = new long[len];
      long base = random.nextLong();
      int shape = n % 4;
      for (int i = 0; i < len; i++) {
        v[i] = switch (shape) {
          case 0 -> base + i * 1000L + random.nextInt(1000); // timestamps
          case 1 -> random.nextLong(); // noise
          case 2 -> random.nextInt(3); // small codes
          default -> base - random.nextInt(1 << random.nextInt(31)); // mixed widths
        };
      }
      assertThat(decodeLongs(v)).as("shape %d, %d values", shape, len).isEqualTo(v);
    }
  }

  private static long[] decodeLongs(long[] values) throws Exception {
    Bytes out = new Bytes(16);
    Delta.binaryPacked(values.clone(), values.length, out);
    DeltaBinaryPackingValuesReader reader = new DeltaBinaryPackingValuesReader();
    reader.initFromPage(values.length, ByteBufferInputStream.wrap(java.nio.ByteBuffer.wrap(out.toByteArray())));
    long[] back = new long[values.length];
    for (int i = 0; i < back.length; i++) {
      back[i] = reader.readLong();
    }
    return back;
  }

  @Test
  void byteArraysRoundTrip() throws Exception {
    Random random = new Random(12);
    for (int n = 0; n < 200; n++) {
      int len = random.nextInt(400);
      String[] v = new String[len];
      String prefix = "";
      for (int i = 0; i < len; i++) {
        // ids, repeats, shared prefixes, empty strings, multi-byte text
        switch (random.nextInt(5)) {
          case 0 -> v[i] = Long.toHexString(random.nextLong());
          case 1 -> v[i] = i > 0 ? v[i - 1] : "";
          case 2 -> v[i] = prefix + random.nextInt(100);
          case 3 -> v[i] = "";
          default -> v[i] = "größe-" + random.nextInt(10) + "-€";
        }
        if (random.nextInt(10) == 0) {
          prefix = "/api/v1/" + random.nextInt(5) + "/";
        }
      }
      Bytes plain = new Bytes(16);
      for (String s : v) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        plain.writePlainBinary(b, 0, b.length);
      }
      Bytes out = new Bytes(16);
      Delta.byteArray(plain, len, new long[len], new long[len], out);
      DeltaByteArrayReader reader = new DeltaByteArrayReader();
      reader.initFromPage(len, ByteBufferInputStream.wrap(java.nio.ByteBuffer.wrap(out.toByteArray())));
      for (int i = 0; i < len; i++) {
        assertThat(reader.readBytes().toStringUsingUTF8()).as("value %d of %d", i, len).isEqualTo(v[i]);
      }
    }
  }
}
