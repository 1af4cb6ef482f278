package io.otlake.proto;

import com.google.protobuf.ByteString;

/** Lower-case hex, the form OTLP/JSON and every trace UI use for trace and span ids. */
public final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  public static String encode(ByteString bytes) {
    int n = bytes.size();
    char[] out = new char[n * 2];
    for (int i = 0; i < n; i++) {
      int b = bytes.byteAt(i) & 0xff;
      out[2 * i] = DIGITS[b >>> 4];
      out[2 * i + 1] = DIGITS[b & 0xf];
    }
    return new String(out);
  }

  public static String encode(byte[] bytes, int offset, int length) {
    byte[] out = new byte[length * 2];
    encodeInto(bytes, offset, length, out, 0);
    return new String(out, java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** Writes {@code length} bytes as {@code 2 * length} lower-case hex digits into {@code out} at {@code at}. */
  public static void encodeInto(byte[] bytes, int offset, int length, byte[] out, int at) {
    for (int i = 0; i < length; i++) {
      int b = bytes[offset + i] & 0xff;
      out[at + 2 * i] = (byte) DIGITS[b >>> 4];
      out[at + 2 * i + 1] = (byte) DIGITS[b & 0xf];
    }
  }

  public static ByteString decode(String hex) {
    return com.google.protobuf.UnsafeByteOperations.unsafeWrap(decodeBytes(hex)); // a fresh array, never changed
  }

  /** The bytes of a hex string (either case); IllegalArgumentException names what is wrong. */
  public static byte[] decodeBytes(String hex) {
    if ((hex.length() & 1) != 0) {
      throw new IllegalArgumentException("odd number of hex digits: " + shown(hex));
    }
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = digit(hex.charAt(2 * i));
      int lo = digit(hex.charAt(2 * i + 1));
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("not a hex string: " + shown(hex));
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }

  /** The value of an ASCII hex digit, or -1 ({@code Character.digit} would also take other scripts' digits). */
  private static int digit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** The string in quotes for a message, cut short when long (an id field may hold megabytes). */
  private static String shown(String s) {
    return s.length() <= 40 ? "'" + s + "'" : "'" + s.substring(0, 32) + "...' (" + s.length() + " characters)";
  }
}
