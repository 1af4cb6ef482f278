package io.otlake.writer.signals.metrics;

import java.io.ByteArrayOutputStream;

/** Builds protobuf bytes by hand, for wire forms the generated builders never write (merged fields, unpacked lists). */
final class WireBytes {
  private WireBytes() {}

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Field {@code field} of wire type LEN holding {@code value}. */
  static byte[] len(int field, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varint(out, field << 3 | 2);
    varint(out, value.length);
    out.writeBytes(value);
    return out.toByteArray();
  }

  /** Field {@code field} of wire type I64. */
  static byte[] fixed64(int field, long v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varint(out, field << 3 | 1);
    for (int i = 0; i < 8; i++) {
      out.write((int) (v >>> (8 * i)));
    }
    return out.toByteArray();
  }

  /** Field {@code field} of wire type VARINT. */
  static byte[] varint(int field, long v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varint(out, field << 3);
    varint(out, v);
    return out.toByteArray();
  }

  /** A request holding one resource with one scope with the given Metric message bytes. */
  static byte[] request(byte[]... metrics) {
    byte[] scope = new byte[0];
    for (byte[] m : metrics) {
      scope = concat(scope, len(2, m));
    }
    return len(1, len(2, scope));
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }
}
