package io.otlake.writer.dedup;

/**
 * A set of 192-bit ids (three longs: a trace id's two halves and a span id) in open addressing, without objects per
 * entry: 24 bytes per slot, at most half the slots used. The all-zero id is never stored (no valid span has it).
 */
final class IdSet {
  // slot i is ids[3i..3i+3): an id's three longs side by side, so a lookup in a table far larger than the CPU's
  // caches misses them once (or twice, across a line), not once per long
  private long[] ids;
  private int size;
  private int mask;

  IdSet(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    allocate(capacity);
  }

  private void allocate(int capacity) {
    ids = new long[capacity * 3];
    mask = capacity - 1;
    size = 0;
  }

  int size() {
    return size;
  }

  static boolean isZero(long x, long y, long z) {
    return (x | y | z) == 0;
  }

  boolean contains(long x, long y, long z) {
    long[] t = ids;
    for (int i = slot(x, y, z); ; i = (i + 1) & mask) {
      int at = 3 * i;
      long a = t[at];
      long b = t[at + 1];
      long c = t[at + 2];
      if (isZero(a, b, c)) {
        return false;
      }
      if (a == x && b == y && c == z) {
        return true;
      }
    }
  }

  /** Adds the id; returns false if it was there already. */
  boolean add(long x, long y, long z) {
    if (isZero(x, y, z)) {
      return true;
    }
    if (2 * (size + 1) > mask + 1) {
      grow();
    }
    long[] t = ids;
    for (int i = slot(x, y, z); ; i = (i + 1) & mask) {
      int at = 3 * i;
      if (isZero(t[at], t[at + 1], t[at + 2])) {
        t[at] = x;
        t[at + 1] = y;
        t[at + 2] = z;
        size++;
        return true;
      }
      if (t[at] == x && t[at + 1] == y && t[at + 2] == z) {
        return false;
      }
    }
  }

  private void grow() {
    long[] old = ids;
    allocate((mask + 1) * 2);
    for (int at = 0; at < old.length; at += 3) {
      if (!isZero(old[at], old[at + 1], old[at + 2])) {
        add(old[at], old[at + 1], old[at + 2]);
      }
    }
  }

  private int slot(long x, long y, long z) {
    long h = x * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(y, 21) * 0xC2B2AE3D27D4EB4FL ^ z;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    return (int) h & mask;
  }
}
