package io.otlake.proto;

import java.nio.charset.StandardCharsets;

/**
 * The key of a Kafka record, as a map key while a request is split: a 16-byte id as two longs (written as 32
 * lower-case hex digits, the Collector kafka exporter's trace key), or a text. Its hash code mixes every bit and it is
 * {@link Comparable}, so keys a client chose to collide cost a {@code HashMap} O(log n) a lookup, not O(n).
 */
public record RecordKey(long hi, long lo, String text) implements Comparable<RecordKey> {

  /** The 16 bytes at {@code b[off..off+16)}. */
  public static RecordKey id16(byte[] b, int off) {
    return new RecordKey(longAt(b, off), longAt(b, off + 8), null);
  }

  public static RecordKey text(String text) {
    return new RecordKey(0, 0, text);
  }

  /** The record key's bytes. */
  public byte[] bytes() {
    if (text != null) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    byte[] id = new byte[16];
    for (int i = 0; i < 8; i++) {
      id[i] = (byte) (hi >>> (56 - 8 * i));
      id[8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    return Hex.encode(id, 0, 16).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    return new String(bytes(), StandardCharsets.UTF_8);
  }

  @Override
  public int hashCode() {
    if (text != null) {
      return text.hashCode();
    }
    long h = (hi * 0x9E3779B97F4A7C15L + lo) * 0xBF58476D1CE4E5B9L;
    h ^= h >>> 29;
    return (int) (h ^ (h >>> 32));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecordKey k && k.hi == hi && k.lo == lo
        && (text == null ? k.text == null : text.equals(k.text));
  }

  @Override
  public int compareTo(RecordKey o) {
    if ((text == null) != (o.text == null)) {
      return text == null ? -1 : 1;
    }
    if (text != null) {
      return text.compareTo(o.text);
    }
    int c = Long.compare(hi, o.hi);
    return c != 0 ? c : Long.compare(lo, o.lo);
  }

  private static long longAt(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xffL);
    }
    return v;
  }
}
