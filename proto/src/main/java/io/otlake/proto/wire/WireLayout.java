package io.otlake.proto.wire;

/** Varints and fixed values for rebuilding requests from scanned parts. */
public final class WireLayout {
  private WireLayout() {}

  public static int varintSize(int value) {
    int n = 1;
    while ((value & ~0x7f) != 0) {
      value >>>= 7;
      n++;
    }
    return n;
  }

  public static int writeVarint(byte[] out, int pos, int value) {
    while ((value & ~0x7f) != 0) {
      out[pos++] = (byte) ((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out[pos++] = (byte) value;
    return pos;
  }

  /** Eight bytes big-endian, as ids are read for hashing and comparing. */
  public static long longAt(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xffL);
    }
    return v;
  }
}
