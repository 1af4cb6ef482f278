package io.otlake.writer.decode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer that text is appended to (doubling, so appending n bytes costs O(n) in all), reused from
 * value to value.
 */
final class TextBuffer {
  private static final byte[] BASE64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  byte[] buf = new byte[256];
  int len;

  void clear() {
    len = 0;
  }

  private void room(int n) {
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(len + n, buf.length * 2));
    }
  }

  void add(byte b) {
    room(1);
    buf[len++] = b;
  }

  void add(byte[] b, int off, int n) {
    room(n);
    System.arraycopy(b, off, buf, len, n);
    len += n;
  }

  void ascii(String s) {
    int n = s.length();
    room(n);
    for (int i = 0; i < n; i++) {
      buf[len++] = (byte) s.charAt(i);
    }
  }

  /** {@code v} in decimal, as {@link Long#toString(long)} writes it, without making a string first. */
  void decimal(long v) {
    room(20);
    if (v == Long.MIN_VALUE) {
      ascii("-9223372036854775808"); // the one value whose magnitude is no long
      return;
    }
    if (v < 0) {
      buf[len++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long p = 10; digits < 19 && v >= p; p *= 10) {
      digits++;
    }
    int end = len + digits;
    for (int i = end - 1; i >= len; i--) {
      buf[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    len = end;
  }

  /** RFC 4648 base64 with padding. */
  void base64(byte[] b, int off, int n) {
    room((n + 2) / 3 * 4);
    int end = off + n;
    int i = off;
    for (; i + 3 <= end; i += 3) {
      int v = (b[i] & 0xFF) << 16 | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF);
      buf[len++] = BASE64[v >>> 18];
      buf[len++] = BASE64[(v >>> 12) & 63];
      buf[len++] = BASE64[(v >>> 6) & 63];
      buf[len++] = BASE64[v & 63];
    }
    if (end - i == 1) {
      int v = (b[i] & 0xFF) << 16;
      buf[len++] = BASE64[v >>> 18];
      buf[len++] = BASE64[(v >>> 12) & 63];
      buf[len++] = '=';
      buf[len++] = '=';
    } else if (end - i == 2) {
      int v = (b[i] & 0xFF) << 16 | (b[i + 1] & 0xFF) << 8;
      buf[len++] = BASE64[v >>> 18];
      buf[len++] = BASE64[(v >>> 12) & 63];
      buf[len++] = BASE64[(v >>> 6) & 63];
      buf[len++] = '=';
    }
  }

  /**
   * A JSON string (RFC 8259) of UTF-8 bytes, quotes included: {@code "} and {@code \} escaped, control characters as
   * {@code \b \f \n \r \t} or a six-character escape (backslash, u, four lower-case hex digits); everything else
   * (UTF-8 sequences included) as is.
   */
  void jsonString(byte[] b, int off, int n) {
    room(n + 2);
    buf[len++] = '"';
    int end = off + n;
    for (int i = off; i < end; i++) {
      byte c = b[i];
      if (c == '"' || c == '\\') {
        room(2);
        buf[len++] = '\\';
        buf[len++] = c;
      } else if (c >= 0 && c < 0x20) {
        room(6);
        buf[len++] = '\\';
        switch (c) {
          case '\b' -> buf[len++] = 'b';
          case '\f' -> buf[len++] = 'f';
          case '\n' -> buf[len++] = 'n';
          case '\r' -> buf[len++] = 'r';
          case '\t' -> buf[len++] = 't';
          default -> {
            buf[len++] = 'u';
            buf[len++] = '0';
            buf[len++] = '0';
            buf[len++] = HEX[c >>> 4];
            buf[len++] = HEX[c & 15];
          }
        }
      } else {
        room(1);
        buf[len++] = c;
      }
    }
    room(1);
    buf[len++] = '"';
  }

  byte[] copy() {
    return Arrays.copyOf(buf, len);
  }
}
