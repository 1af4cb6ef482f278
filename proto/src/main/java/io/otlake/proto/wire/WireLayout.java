package io.otlake.proto.wire;

/** Sizes and byte copies of the parts of a {@link ScannedTraces}, for rebuilding requests from them. */
public final class WireLayout {
  private WireLayout() {}

  public static int spanLength(ScannedTraces t, int span) {
    return t.spanLen[span];
  }

  public static int resourceEnvelopeSize(ScannedTraces t, int resource) {
    return rangesSize(t, t.resourceFirstRange[resource], t.resourceRanges[resource]);
  }

  public static int scopeEnvelopeSize(ScannedTraces t, int scope) {
    return rangesSize(t, t.scopeFirstRange[scope], t.scopeRanges[scope]);
  }

  private static int rangesSize(ScannedTraces t, int first, int count) {
    int n = 0;
    for (int i = first; i < first + count; i++) {
      n += t.rangeLen[i];
    }
    return n;
  }

  public static int copyResourceEnvelope(ScannedTraces t, int resource, byte[] out, int pos) {
    return copyRanges(t, t.resourceFirstRange[resource], t.resourceRanges[resource], out, pos);
  }

  public static int copyScopeEnvelope(ScannedTraces t, int scope, byte[] out, int pos) {
    return copyRanges(t, t.scopeFirstRange[scope], t.scopeRanges[scope], out, pos);
  }

  private static int copyRanges(ScannedTraces t, int first, int count, byte[] out, int pos) {
    for (int i = first; i < first + count; i++) {
      System.arraycopy(t.buf, t.rangeOff[i], out, pos, t.rangeLen[i]);
      pos += t.rangeLen[i];
    }
    return pos;
  }

  public static int copySpan(ScannedTraces t, int span, byte[] out, int pos) {
    System.arraycopy(t.buf, t.spanOff[span], out, pos, t.spanLen[span]);
    return pos + t.spanLen[span];
  }

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

  public static long longAt(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xffL);
    }
    return v;
  }
}
