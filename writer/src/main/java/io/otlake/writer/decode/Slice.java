package io.otlake.writer.decode;

import java.nio.charset.StandardCharsets;

/** A mutable window onto bytes (UTF-8 text or hex), reused from row to row so that writing allocates nothing. */
public final class Slice {
  public byte[] buf;
  public int off;
  public int len;
  /** This slice's own buffer, for text it produces itself (hex ids); reused from row to row. */
  private byte[] own;

  /** Points this slice at {@code buf[off, off + len)}. */
  public Slice set(byte[] buf, int off, int len) {
    this.buf = buf;
    this.off = off;
    this.len = len;
    return this;
  }

  /**
   * Points this slice at the length-delimited field at {@code r}'s position (its bytes, not copied) and moves the
   * reader past it.
   */
  public Slice readFrom(io.otlake.proto.wire.WireReader r) throws io.otlake.proto.wire.MalformedRequestException {
    int n = r.readLength();
    set(r.buf(), r.pos, n);
    r.pos += n;
    return this;
  }

  public Slice set(byte[] constant) {
    return set(constant, 0, constant.length);
  }

  /** Points this slice at the lower-case hex form of {@code raw}'s bytes, kept in this slice's own buffer. */
  public Slice hexOf(Slice raw) {
    int n = 2 * raw.len;
    if (own == null || own.length < n) {
      own = new byte[Math.max(n, 32)];
    }
    io.otlake.proto.Hex.encodeInto(raw.buf, raw.off, raw.len, own, 0);
    return set(own, 0, n);
  }

  @Override
  public String toString() {
    return new String(buf, off, len, StandardCharsets.UTF_8);
  }
}
