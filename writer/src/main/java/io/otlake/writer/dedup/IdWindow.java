package io.otlake.writer.dedup;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The ids one Kafka partition delivered within the last window of record time, in a few generations of a third of
 * the window each: an id is looked up in every generation and added to the newest; a generation is dropped once all
 * of it is older than the window. So an id is remembered for at least the window and at most a third longer.
 */
final class IdWindow {
  static final int GENERATIONS_PER_WINDOW = 3;

  private final long windowMillis;
  private final long generationMillis;
  private final ArrayDeque<Generation> generations = new ArrayDeque<>();
  private int dropped;

  /** Ids first seen from {@code startMillis} (record time) on. */
  static final class Generation {
    final long startMillis;
    final IdSet ids = new IdSet(1024);

    Generation(long startMillis) {
      this.startMillis = startMillis;
    }
  }

  IdWindow(long windowMillis) {
    this.windowMillis = windowMillis;
    this.generationMillis = Math.max(1, windowMillis / GENERATIONS_PER_WINDOW);
  }

  /**
   * Whether the id was seen within the window before; if not it is remembered. {@code recordMillis} is the record's
   * time; a record older than the newest generation is counted into it.
   */
  boolean seen(long x, long y, long z, long recordMillis) {
    for (Generation g : generations) {
      if (g.ids.contains(x, y, z)) {
        return true;
      }
    }
    Generation newest = generations.peekLast();
    if (newest == null || recordMillis >= newest.startMillis + generationMillis) {
      newest = new Generation(recordMillis);
      generations.addLast(newest);
      expire(recordMillis);
    }
    newest.ids.add(x, y, z);
    return false;
  }

  /** Drops generations whose every id is older than the window before {@code nowMillis}. */
  private void expire(long nowMillis) {
    while (generations.size() >= 2) {
      Iterator<Generation> it = generations.iterator();
      Generation first = it.next();
      Generation second = it.next();
      // the first generation holds ids seen before the second one started
      if (second.startMillis > nowMillis - windowMillis) {
        return;
      }
      dropped += first.ids.size();
      generations.pollFirst();
    }
  }

  /** Ids dropped by expiry since the last call. */
  int takeDropped() {
    int n = dropped;
    dropped = 0;
    return n;
  }

  /** The oldest generation's start, or Long.MAX_VALUE when empty. */
  long oldestStart() {
    Generation g = generations.peekFirst();
    return g == null ? Long.MAX_VALUE : g.startMillis;
  }

  /** Drops the oldest generation (to keep within the memory bound); returns the ids it held. */
  int dropOldest() {
    Generation g = generations.pollFirst();
    return g == null ? 0 : g.ids.size();
  }

  int size() {
    int n = 0;
    for (Generation g : generations) {
      n += g.ids.size();
    }
    return n;
  }

}
