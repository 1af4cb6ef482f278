package io.otlake.writer.dedup;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Drops spans a client sent again: an OTLP client that got no answer in time retries the whole request, and the
 * gateway may have stored the first attempt after all (the OTLP spec allows such duplicates; otlake removes them).
 * Spans of a trace share a Kafka partition (the gateway places them by trace id, as the producer places a record
 * keyed by it), so per partition the writer remembers the (trace id, span id) of every span it read within the last
 * {@code window} of record time, and drops a span it has seen. The ids are rebuilt when a partition is positioned
 * (assignment, restart, rewind) by reading the window's records before the table's position again without writing
 * them, so a retry that straddles a restart or a rebalance is caught too.
 *
 * <p>Memory is bounded by {@code maxIds} (24 bytes per id, at most twice that with the hash tables' slack): past it
 * the oldest ids go first, so at rates above {@code maxIds / window} spans per second the window is shorter than
 * configured (counted). A retry that comes after the window is not caught.
 */
public final class Dedup {
  private final long windowMillis;
  private final int maxIds;
  private final Map<Integer, IdWindow> partitions = new HashMap<>();
  private long ids;
  private long shortened;

  public Dedup(Duration window, int maxIds) {
    this.windowMillis = window.toMillis();
    this.maxIds = maxIds;
  }

  public boolean enabled() {
    return windowMillis > 0;
  }

  public long windowMillis() {
    return windowMillis;
  }

  /**
   * A span's 24-byte identity: its trace id and span id when they have the usual lengths (16 and 8 bytes), else a
   * 192-bit hash of both.
   */
  public static void spanIdentity(byte[] trace, int traceOff, int traceLen, byte[] span, int spanOff, int spanLen,
      byte[] out) {
    if (traceLen == 16 && spanLen == 8) {
      System.arraycopy(trace, traceOff, out, 0, 16);
      System.arraycopy(span, spanOff, out, 16, 8);
      return;
    }
    putLong(out, 0, hash(trace, traceOff, traceLen, span, spanOff, spanLen, 0x9E3779B97F4A7C15L));
    putLong(out, 8, hash(trace, traceOff, traceLen, span, spanOff, spanLen, 0xC2B2AE3D27D4EB4FL));
    putLong(out, 16, hash(trace, traceOff, traceLen, span, spanOff, spanLen, 0x165667B19E3779F9L)
        ^ (traceLen << 8 | spanLen));
  }

  /**
   * Whether the item of {@code partition} with this 24-byte identity ({@link io.otlake.writer.signals.ItemView#identity})
   * was seen within the window; remembers it if not. An all-zero identity is never a duplicate.
   */
  public boolean seen(int partition, byte[] id, long recordMillis) {
    if (!enabled()) {
      return false;
    }
    long x = longAt(id, 0);
    long y = longAt(id, 8);
    long z = longAt(id, 16);
    if (IdSet.isZero(x, y, z)) {
      return false;
    }
    IdWindow w = partitions.computeIfAbsent(partition, p -> new IdWindow(windowMillis));
    if (w.seen(x, y, z, recordMillis)) {
      return true;
    }
    ids += 1 - w.takeDropped();
    if (ids > maxIds) {
      shrink();
    }
    return false;
  }

  /** Drops the oldest generations of any partition until the ids fit in 90% of the bound. */
  private void shrink() {
    while (ids > maxIds * 0.9) {
      IdWindow oldest = null;
      for (IdWindow w : partitions.values()) {
        if (oldest == null || w.oldestStart() < oldest.oldestStart()) {
          oldest = w;
        }
      }
      if (oldest == null || oldest.oldestStart() == Long.MAX_VALUE) {
        return;
      }
      ids -= oldest.dropOldest();
      shortened++;
    }
  }

  /** Forgets a partition's ids (it was revoked, or is about to be rebuilt). */
  public void forget(int partition) {
    IdWindow w = partitions.remove(partition);
    if (w != null) {
      ids -= w.size();
    }
  }

  /** Ids held now. */
  public long ids() {
    return ids;
  }


  /** How often ids younger than the window were dropped to stay within the memory bound. */
  public long timesShortened() {
    return shortened;
  }

  private static long longAt(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | (b[off + i] & 0xFF);
    }
    return v;
  }

  private static void putLong(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }

  private static long hash(byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen, long seed) {
    long h = seed;
    for (int i = 0; i < aLen; i++) {
      h = (h ^ (a[aOff + i] & 0xFF)) * 0x100000001B3L + seed;
    }
    h = (h ^ 0xFF) * 0x100000001B3L;
    for (int i = 0; i < bLen; i++) {
      h = (h ^ (b[bOff + i] & 0xFF)) * 0x100000001B3L + seed;
    }
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    return h;
  }
}
