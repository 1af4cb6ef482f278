package io.otlake.writer.parquet;

/**
 * Decodes Parquet's RLE / bit-packing hybrid (levels and dictionary ids; {@link Rle} writes it): runs of one value,
 * and groups of eight bit-packed values, least significant bit first.
 */
final class Hybrid {
  private Hybrid() {}

  /** Decodes {@code n} values of {@code width} bits from {@code at} into {@code out[from, from + n)}. */
  static void decodeInts(byte[] b, int at, int width, int[] out, int from, int n) {
    int i = 0;
    int valueBytes = (width + 7) / 8;
    long mask = width == 32 ? 0xFFFFFFFFL : (1L << width) - 1;
    while (i < n) {
      int header = 0;
      int shift = 0;
      int x;
      do {
        x = b[at++];
        header |= (x & 0x7F) << shift;
        shift += 7;
      } while ((x & 0x80) != 0);
      if ((header & 1) == 0) {
        int run = header >>> 1;
        int v = 0;
        for (int k = 0; k < valueBytes; k++) {
          v |= (b[at++] & 0xFF) << (8 * k);
        }
        int stop = Math.min(n, i + run);
        java.util.Arrays.fill(out, from + i, from + stop, v);
        i = stop;
      } else {
        int count = (header >>> 1) * 8;
        int stop = Math.min(n, i + count);
        long acc = 0;
        int bits = 0;
        int p = at;
        for (int k = i; k < stop; k++) {
          while (bits < width) {
            acc |= (b[p++] & 0xFFL) << bits;
            bits += 8;
          }
          out[from + k] = (int) (acc & mask);
          acc >>>= width;
          bits -= width;
        }
        at += (count * width + 7) / 8;
        i = stop;
      }
    }
  }

  /** As {@link #decodeInts}, into bytes (levels). */
  static void decodeBytes(byte[] b, int at, int width, byte[] out, int from, int n) {
    int i = 0;
    int valueBytes = (width + 7) / 8;
    int mask = (1 << width) - 1;
    while (i < n) {
      int header = 0;
      int shift = 0;
      int x;
      do {
        x = b[at++];
        header |= (x & 0x7F) << shift;
        shift += 7;
      } while ((x & 0x80) != 0);
      if ((header & 1) == 0) {
        int run = header >>> 1;
        int v = 0;
        for (int k = 0; k < valueBytes; k++) {
          v |= (b[at++] & 0xFF) << (8 * k);
        }
        int stop = Math.min(n, i + run);
        java.util.Arrays.fill(out, from + i, from + stop, (byte) v);
        i = stop;
      } else {
        int count = (header >>> 1) * 8;
        int stop = Math.min(n, i + count);
        int acc = 0;
        int bits = 0;
        int p = at;
        for (int k = i; k < stop; k++) {
          if (bits < width) {
            acc |= (b[p++] & 0xFF) << bits;
            bits += 8;
          }
          out[from + k] = (byte) (acc & mask);
          acc >>>= width;
          bits -= width;
        }
        at += (count * width + 7) / 8;
        i = stop;
      }
    }
  }
}
