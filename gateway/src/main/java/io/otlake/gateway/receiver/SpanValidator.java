package io.otlake.gateway.receiver;

import io.otlake.proto.Hex;
import io.otlake.proto.wire.ScannedTraces;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Checks what the writer relies on: ids of the right length and not all zero, timestamps present, ordered and
 * within sane bounds, and what one request fans out to ({@link FanOutLimits}). Works on the scanned wire bytes (no
 * decoding). Returns the first problem as a message a user can act on, or null when the request is fine.
 */
public final class SpanValidator {
  /** 2000-01-01T00:00:00Z: anything earlier is an unset or mis-scaled clock. */
  static final long MIN_TIME_NANOS = 946_684_800_000_000_000L;
  /** How far in the future a start time may lie (clock skew between hosts). */
  static final long MAX_FUTURE_NANOS = Duration.ofDays(1).toNanos();

  private final LongSupplier nowNanos;
  private final FanOutLimits limits;

  public SpanValidator(LongSupplier nowNanos) {
    this(nowNanos, FanOutLimits.NONE);
  }

  /** Also refuses requests past the {@link FanOutLimits}. */
  public SpanValidator(LongSupplier nowNanos, FanOutLimits limits) {
    this.nowNanos = nowNanos;
    this.limits = limits;
  }

  public String validate(ScannedTraces t) {
    long latest = nowNanos.getAsLong() + MAX_FUTURE_NANOS;
    byte[] b = t.bytes();
    for (int s = 0; s < t.spanCount(); s++) {
      String problem = id("trace_id", b, t.traceIdOffset(s), t.traceIdLength(s), 16, false);
      if (problem == null) {
        problem = id("span_id", b, t.spanIdOffset(s), t.spanIdLength(s), 8, false);
      }
      if (problem == null) {
        problem = id("parent_span_id", b, t.parentSpanIdOffset(s), t.parentSpanIdLength(s), 8, true);
      }
      if (problem == null) {
        problem = times(t.startTimeUnixNano(s), t.endTimeUnixNano(s), latest);
      }
      for (int l = 0; problem == null && l < t.linkCount(s); l++) {
        problem = id("links[" + l + "].trace_id", b, t.linkTraceIdOffset(s, l), t.linkTraceIdLength(s, l), 16, false);
        if (problem == null) {
          problem = id("links[" + l + "].span_id", b, t.linkSpanIdOffset(s, l), t.linkSpanIdLength(s, l), 8, false);
        }
      }
      if (problem != null) {
        int scope = t.scopeOf(s);
        String where = "resource_spans[" + t.resourceOfScope(scope) + "].scope_spans[" + t.indexInResource(scope)
            + "].spans[" + t.indexInScope(s) + "]: ";
        if (t.spanIdLength(s) == 8) {
          where += "span " + Hex.encode(b, t.spanIdOffset(s), 8) + ": ";
        }
        return where + problem;
      }
    }
    return limits.check(t);
  }

  private static String id(String field, byte[] b, int off, int len, int expected, boolean optional) {
    if (len == 0 && optional) {
      return null;
    }
    if (len != expected) {
      return field + " must be " + expected + " bytes, got " + len;
    }
    for (int i = 0; i < len; i++) {
      if (b[off + i] != 0) {
        return null;
      }
    }
    return field + " must not be all zeros";
  }

  private static String times(long start, long end, long latest) {
    if (start == 0) {
      return "start_time_unix_nano is missing";
    }
    if (end == 0) {
      return "end_time_unix_nano is missing";
    }
    if (Long.compareUnsigned(start, MIN_TIME_NANOS) < 0) {
      return "start_time_unix_nano " + Long.toUnsignedString(start) + " is before the year 2000 (not nanoseconds?)";
    }
    if (Long.compareUnsigned(start, latest) > 0) {
      return "start_time_unix_nano " + Long.toUnsignedString(start) + " is more than a day in the future";
    }
    if (Long.compareUnsigned(end, start) < 0) {
      return "end_time_unix_nano " + Long.toUnsignedString(end) + " is before start_time_unix_nano "
          + Long.toUnsignedString(start);
    }
    return null;
  }
}
