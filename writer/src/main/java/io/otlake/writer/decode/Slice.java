package io.otlake.writer.decode;

import java.nio.charset.StandardCharsets;

/** A mutable window onto bytes (UTF-8 text or hex), reused from row to row so that writing allocates nothing. */
public final class Slice {
  public byte[] buf;
  public int off;
  public int len;

  Slice set(byte[] buf, int off, int len) {
    this.buf = buf;
    this.off = off;
    this.len = len;
    return this;
  }

  Slice set(byte[] constant) {
    return set(constant, 0, constant.length);
  }

  @Override
  public String toString() {
    return new String(buf, off, len, StandardCharsets.UTF_8);
  }
}
