package io.otlake.writer.parquet;

/**
 * Parquet's RLE / bit-packing hybrid encoding (used for repetition and definition levels and for dictionary
 * indices): a run of eight or more equal values becomes one RLE run, anything else is bit-packed in groups of
 * eight values, least significant bit first.
 */
final class Rle {
  private static final int MAX_GROUPS_PER_RUN = 63;

  private Rle() {}

  /** The bits needed to store values 0..{@code max}. */
  static int bitWidth(int max) {
    return 32 - Integer.numberOfLeadingZeros(max);
  }

  /** Appends the encoding of {@code values[0, n)} at {@code bitWidth} bits each. */
  static void encode(int[] values, int n, int bitWidth, Bytes out) {
    int valueBytes = (bitWidth + 7) / 8;
    int i = 0;
    while (i < n) {
      int run = runLength(values, i, n);
      if (run >= 8) {
        out.writeUnsignedVarint(run << 1);
        int v = values[i];
        for (int b = 0; b < valueBytes; b++) {
          out.write(v >>> (8 * b));
        }
        i += run;
        continue;
      }
      int start = i;
      int groups = 0;
      do {
        i += 8;
        groups++;
      } while (i < n && groups < MAX_GROUPS_PER_RUN && runLength(values, i, n) < 8);
      out.writeUnsignedVarint(groups << 1 | 1);
      pack(values, start, Math.min(i, n), groups * 8, bitWidth, out);
    }
  }

  private static int runLength(int[] values, int from, int n) {
    int v = values[from];
    int j = from + 1;
    while (j < n && values[j] == v) {
      j++;
    }
    return j - from;
  }

  /** Packs values[from, to) and zeros up to {@code count} values. */
  private static void pack(int[] values, int from, int to, int count, int bitWidth, Bytes out) {
    if (bitWidth == 1) {
      for (int g = 0; g < count; g += 8) {
        int b = 0;
        for (int k = 0; k < 8; k++) {
          int at = from + g + k;
          b |= (at < to ? values[at] & 1 : 0) << k;
        }
        out.write(b);
      }
      return;
    }
    long acc = 0;
    int bits = 0;
    long mask = bitWidth == 32 ? 0xFFFFFFFFL : (1L << bitWidth) - 1;
    for (int k = 0; k < count; k++) {
      long v = from + k < to ? values[from + k] & mask : 0;
      acc |= v << bits;
      bits += bitWidth;
      while (bits >= 8) {
        out.write((int) acc);
        acc >>>= 8;
        bits -= 8;
      }
    }
  }
}
