package io.otlake.gateway.signals;

import java.time.Duration;

/** The checks signals share: ids of the right length, times present and within sane bounds. */
public final class Checks {
  /** 2000-01-01T00:00:00Z: anything earlier is an unset or mis-scaled clock. */
  public static final long MIN_TIME_NANOS = 946_684_800_000_000_000L;
  /** How far in the future a time may lie (clock skew between hosts). */
  public static final long MAX_FUTURE_NANOS = Duration.ofDays(1).toNanos();

  private Checks() {}

  /** An id that must be {@code expected} bytes and not all zeros; with {@code optional}, absent (empty) is fine too. */
  public static String id(String field, byte[] b, int off, int len, int expected, boolean optional) {
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

  /**
   * An id that is either absent or {@code expected} bytes, all zeros included (how some senders write "none" where
   * the field is optional).
   */
  public static String optionalId(String field, int len, int expected) {
    return len == 0 || len == expected ? null : field + " must be empty or " + expected + " bytes, got " + len;
  }

  /** A time that must be set, not before 2000 and not more than a day ahead of {@code nowNanos}. */
  public static String time(String field, long nanos, long nowNanos) {
    if (nanos == 0) {
      return field + " is missing";
    }
    if (Long.compareUnsigned(nanos, MIN_TIME_NANOS) < 0) {
      return field + " " + Long.toUnsignedString(nanos) + " is before the year 2000 (not nanoseconds?)";
    }
    if (Long.compareUnsigned(nanos, nowNanos + MAX_FUTURE_NANOS) > 0) {
      return field + " " + Long.toUnsignedString(nanos) + " is more than a day in the future";
    }
    return null;
  }
}
