package io.otlake.proto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A fast, well-mixed 32-bit hash of a byte range, eight bytes at a time (for hash tables keyed by bytes on hot
 * paths; {@code Arrays.hashCode} goes one byte at a time).
 */
public final class ByteHash {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private ByteHash() {}

  public static int hash(byte[] b, int off, int len) {
    long h = hash64(b, off, len, 0);
    return (int) (h ^ (h >>> 32));
  }

  /**
   * A 64-bit hash of a byte range, continuing from {@code seed} (the hash of what came before, or 0), so that several
   * ranges hash as one sequence. Not cryptographic: for spreading keys, not for telling adversarial inputs apart.
   */
  public static long hash64(byte[] b, int off, int len, long seed) {
    long h = (0x9E3779B97F4A7C15L ^ len) + seed * 0xD6E8FEB86659FD93L;
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
    return h;
  }
}
