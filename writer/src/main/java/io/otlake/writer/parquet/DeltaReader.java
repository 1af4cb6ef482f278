package io.otlake.writer.parquet;

/** Decodes DELTA_BINARY_PACKED ({@link Delta} writes it): blocks of deltas above a minimum, in bit-packed miniblocks. */
final class DeltaReader {
  private DeltaReader() {}

  /**
   * Decodes {@code n} values from {@code at} into {@code out[from, from + n)} (the stream must hold at least
   * {@code n}); returns the position after the stream's last miniblock used.
   */
  static int binaryPacked(byte[] b, int at, long[] out, int from, int n) {
    long[] p = {at};
    int block = (int) uvarint(b, p);
    int miniblocks = (int) uvarint(b, p);
    long total = uvarint(b, p);
    long prev = zigzag(uvarint(b, p));
    if (total < n || miniblocks <= 0 || block % miniblocks != 0 || (block / miniblocks) % 8 != 0) {
      throw new IllegalArgumentException("a DELTA_BINARY_PACKED stream of " + total + " values, " + n + " expected");
    }
    int perMini = block / miniblocks;
    int got = 0;
    if (total > 0) {
      if (n > 0) {
        out[from] = prev;
      }
      got = 1;
    }
    int pos = (int) p[0];
    while (got < total) {
      p[0] = pos;
      long min = zigzag(uvarint(b, p));
      pos = (int) p[0];
      int widths = pos;
      pos += miniblocks;
      for (int m = 0; m < miniblocks && got < total; m++) {
        int w = b[widths + m] & 0xFF;
        if (w > 64) {
          throw new IllegalArgumentException("a miniblock of " + w + " bits");
        }
        long mask = w == 64 ? -1L : (1L << w) - 1;
        for (int k = 0; k < perMini; k++) {
          long d;
          if (w == 0) {
            d = 0;
          } else {
            long bit = (long) k * w;
            int byteAt = pos + (int) (bit >>> 3);
            int shift = (int) (bit & 7);
            if (w + shift <= 64 && byteAt + 8 <= b.length) {
              d = (Bytes.readLongLE(b, byteAt) >>> shift) & mask;
            } else {
              d = 0;
              for (int j = 0; j < w; j++) {
                long q = bit + j;
                d |= (long) ((b[pos + (int) (q >>> 3)] >>> (q & 7)) & 1) << j;
              }
            }
          }
          if (got < total) {
            prev += min + d;
            if (got < n) {
              out[from + got] = prev;
            }
            got++;
          }
        }
        pos += perMini * w / 8;
      }
    }
    return pos;
  }

  private static long uvarint(byte[] b, long[] p) {
    int at = (int) p[0];
    long v = 0;
    int shift = 0;
    int x;
    do {
      x = b[at++];
      v |= (long) (x & 0x7F) << shift;
      shift += 7;
    } while ((x & 0x80) != 0);
    p[0] = at;
    return v;
  }

  private static long zigzag(long z) {
    return (z >>> 1) ^ -(z & 1);
  }
}
