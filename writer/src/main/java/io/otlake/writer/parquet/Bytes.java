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

  /**
   * A fast, well-mixed 32-bit hash of a byte range, eight bytes at a time (for the dictionaries' hash tables;
   * {@code Arrays.hashCode} goes one byte at a time).
   */
  static int hash(byte[] b, int off, int len) {
    long h = 0x9E3779B97F4A7C15L ^ len;
    int i = 0;
    for (; i + 8 <= len; i += 8) {
      h = (h ^ (long) LONG_LE.get(b, off + i)) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    long tail = 0;
    for (int k = 0; i + k < len; k++) {
      tail |= (b[off + i + k] & 0xFFL) << (8 * k);
    }
    h = (h ^ tail) * 0x94D049BB133111EBL;
    h ^= h >>> 29;
    return (int) (h ^ (h >>> 32));
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }
}
