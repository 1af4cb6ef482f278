package io.otlake.writer.dedup;

/**
 * A set of 192-bit ids (three longs: a trace id's two halves and a span id) in open addressing, without objects per
 * entry: 24 bytes per slot, at most half the slots used. The all-zero id is never stored (no valid span has it).
 */
final class IdSet {
  private long[] a;
  private long[] b;
  private long[] c;
  private int size;
  private int mask;

  IdSet(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    allocate(capacity);
  }

  private void allocate(int capacity) {
    a = new long[capacity];
    b = new long[capacity];
    c = new long[capacity];
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
    for (int i = slot(x, y, z); ; i = (i + 1) & mask) {
      if (isZero(a[i], b[i], c[i])) {
        return false;
      }
      if (a[i] == x && b[i] == y && c[i] == z) {
        return true;
      }
    }
  }

  /** Adds the id; returns false if it was there already. */
  boolean add(long x, long y, long z) {
    if (isZero(x, y, z)) {
      return true;
    }
    if (2 * (size + 1) > a.length) {
      grow();
    }
    for (int i = slot(x, y, z); ; i = (i + 1) & mask) {
      if (isZero(a[i], b[i], c[i])) {
        a[i] = x;
        b[i] = y;
        c[i] = z;
        size++;
        return true;
      }
      if (a[i] == x && b[i] == y && c[i] == z) {
        return false;
      }
    }
  }

  private void grow() {
    long[] oa = a;
    long[] ob = b;
    long[] oc = c;
    allocate(oa.length * 2);
    for (int i = 0; i < oa.length; i++) {
      if (!isZero(oa[i], ob[i], oc[i])) {
        add(oa[i], ob[i], oc[i]);
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
