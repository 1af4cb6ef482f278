package io.otlake.gateway.receiver;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.otlake.proto.Hex;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Checks what the writer relies on: ids of the right length and not all zero, timestamps present, ordered and
 * within sane bounds. Returns the first problem as a message a user can act on, or null when the request is fine.
 */
public final class SpanValidator {
  /** 2000-01-01T00:00:00Z: anything earlier is an unset or mis-scaled clock. */
  static final long MIN_TIME_NANOS = 946_684_800_000_000_000L;
  /** How far in the future a start time may lie (clock skew between hosts). */
  static final long MAX_FUTURE_NANOS = Duration.ofDays(1).toNanos();

  private final LongSupplier nowNanos;

  public SpanValidator(LongSupplier nowNanos) {
    this.nowNanos = nowNanos;
  }

  public String validate(ExportTraceServiceRequest request) {
    long latest = nowNanos.getAsLong() + MAX_FUTURE_NANOS;
    for (int r = 0; r < request.getResourceSpansCount(); r++) {
      ResourceSpans rs = request.getResourceSpans(r);
      for (int s = 0; s < rs.getScopeSpansCount(); s++) {
        ScopeSpans ss = rs.getScopeSpans(s);
        for (int i = 0; i < ss.getSpansCount(); i++) {
          String problem = validate(ss.getSpans(i), latest);
          if (problem != null) {
            return "resource_spans[" + r + "].scope_spans[" + s + "].spans[" + i + "]: " + problem;
          }
        }
      }
    }
    return null;
  }

  private static String validate(Span span, long latest) {
    String problem = id("trace_id", span.getTraceId(), 16, false);
    if (problem == null) {
      problem = id("span_id", span.getSpanId(), 8, false);
    }
    if (problem == null) {
      problem = id("parent_span_id", span.getParentSpanId(), 8, true);
    }
    if (problem == null) {
      problem = times(span.getStartTimeUnixNano(), span.getEndTimeUnixNano(), latest);
    }
    for (int l = 0; problem == null && l < span.getLinksCount(); l++) {
      Span.Link link = span.getLinks(l);
      problem = id("links[" + l + "].trace_id", link.getTraceId(), 16, false);
      if (problem == null) {
        problem = id("links[" + l + "].span_id", link.getSpanId(), 8, false);
      }
    }
    if (problem != null && span.getSpanId().size() == 8) {
      return "span " + Hex.encode(span.getSpanId()) + ": " + problem;
    }
    return problem;
  }

  private static String id(String field, ByteString id, int length, boolean optional) {
    if (id.isEmpty() && optional) {
      return null;
    }
    if (id.size() != length) {
      return field + " must be " + length + " bytes, got " + id.size();
    }
    for (int i = 0; i < length; i++) {
      if (id.byteAt(i) != 0) {
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
