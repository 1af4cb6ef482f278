package io.otlake.proto.ops;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs at most one line per kind per interval, so that a flood of the same refusal costs a line every few seconds
 * instead of a line (or a stack trace) per request. The first line of an interval is written; the others are counted,
 * and the next line written for that kind says how many were left out. Kinds should come from a small fixed set
 * (e.g. an enum), as each keeps a few bytes of state for good. Thread-safe.
 */
public final class ThrottledLog {
  private final Consumer<String> out;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final Map<Object, State> states = new HashMap<>();

  private static final class State {
    long lastWritten;
    long suppressed;
  }

  public ThrottledLog(Consumer<String> out, Duration interval, LongSupplier nanoClock) {
    this.out = out;
    this.intervalNanos = interval.toNanos();
    this.nanoClock = nanoClock;
  }

  /** Warnings to {@code log}, at most one per kind per {@code interval}. */
  public static ThrottledLog warnings(Logger log, Duration interval) {
    return new ThrottledLog(log::warn, interval, System::nanoTime);
  }

  /** Writes {@code message} unless a line of this kind was written less than an interval ago; then counts it. */
  public void log(Object kind, String message) {
    long now = nanoClock.getAsLong();
    long suppressed;
    synchronized (states) {
      State s = states.get(kind);
      if (s == null) {
        s = new State();
        states.put(kind, s);
      } else if (now - s.lastWritten < intervalNanos) {
        s.suppressed++;
        return;
      }
      suppressed = s.suppressed;
      s.suppressed = 0;
      s.lastWritten = now;
    }
    out.accept(suppressed == 0 ? message
        : message + " (" + suppressed + " more like it not logged since the last such line)");
  }
}
