package io.otlake.writer.parquet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/** A growable byte buffer with the little-endian writes Parquet's encodings use. Reused page after page. */
final class Bytes {
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  byte[] buf;
  int size;

  Bytes(int capacity) {
    buf = new byte[capacity];
  }

  void clear() {
    size = 0;
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(size + more, buf.length * 2));
    }
  }

  void write(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }

  void writeIntLE(int v) {
    ensure(4);
    INT_LE.set(buf, size, v);
    size += 4;
  }

  void writeLongLE(long v) {
    ensure(8);
    LONG_LE.set(buf, size, v);
    size += 8;
  }

  /** Overwrites four bytes at {@code at} (a length prefix written before its content was known). */
  void setIntLE(int at, int v) {
    INT_LE.set(buf, at, v);
  }

  void writeUnsignedVarint(int v) {
    while ((v & ~0x7F) != 0) {
      write((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    write(v);
  }

  /** A length-prefixed (four bytes, little-endian) value: Parquet's PLAIN encoding of a byte array. */
  void writePlainBinary(byte[] b, int off, int len) {
    ensure(4 + len);
    INT_LE.set(buf, size, len);
    System.arraycopy(b, off, buf, size + 4, len);
    size += 4 + len;
  }

  static int readIntLE(byte[] b, int off) {
    return (int) INT_LE.get(b, off);
  }

  static long readLongLE(byte[] b, int off) {
    return (long) LONG_LE.get(b, off);
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }
}
