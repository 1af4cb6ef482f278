package io.otlake.gateway.signals.traces;

import io.otlake.gateway.signals.Checks;
import io.otlake.gateway.signals.SignalUnit;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedRequest;
import io.otlake.proto.wire.ScannedTraces;
import io.otlake.proto.wire.WireReader;
import java.util.function.LongSupplier;

/**
 * What the writer relies on of a span: ids of the right length and not all zero (links' too), start and end times
 * present, ordered and within sane bounds. Works on the scanned wire bytes (no decoding).
 */
final class SpanCheck implements SignalUnit.ItemCheck {
  private static final int LINKS_TAG = 13 << 3 | WireReader.LEN;

  private final LongSupplier nowNanos;

  SpanCheck(LongSupplier nowNanos) {
    this.nowNanos = nowNanos;
  }

  @Override
  public String problem(ScannedRequest r, int s) {
    byte[] b = r.bytes();
    String problem = Checks.id("trace_id", b, r.lenOffset(ScannedTraces.TRACE_ID, s),
        r.lenLength(ScannedTraces.TRACE_ID, s), 16, false);
    if (problem == null) {
      problem = Checks.id("span_id", b, r.lenOffset(ScannedTraces.SPAN_ID, s), r.lenLength(ScannedTraces.SPAN_ID, s),
          8, false);
    }
    if (problem == null) {
      problem = Checks.id("parent_span_id", b, r.lenOffset(ScannedTraces.PARENT_SPAN_ID, s),
          r.lenLength(ScannedTraces.PARENT_SPAN_ID, s), 8, true);
    }
    if (problem == null) {
      problem = times(r.fixed64(ScannedTraces.START, s), r.fixed64(ScannedTraces.END, s), nowNanos.getAsLong());
    }
    if (problem == null) {
      problem = links(b, r.itemOffset(s), r.itemLength(s));
    }
    return problem;
  }

  private static String times(long start, long end, long now) {
    String problem = Checks.time("start_time_unix_nano", start, now);
    if (problem == null && end == 0) {
      return "end_time_unix_nano is missing";
    }
    if (problem == null && Long.compareUnsigned(end, start) < 0) {
      return "end_time_unix_nano " + Long.toUnsignedString(end) + " is before start_time_unix_nano "
          + Long.toUnsignedString(start);
    }
    return problem;
  }

  /** The links' trace and span ids, read from the span's bytes (which the scan checked). */
  private static String links(byte[] b, int off, int len) {
    try {
      WireReader span = new WireReader(b, off, len);
      int link = 0;
      while (!span.atEnd()) {
        int tag = span.readTag();
        if (tag != LINKS_TAG) {
          span.skip(tag & 7);
          continue;
        }
        int l = span.readLength();
        WireReader r = new WireReader(b, span.pos, l);
        int traceOff = r.pos;
        int traceLen = 0;
        int spanOff = r.pos;
        int spanLen = 0;
        while (!r.atEnd()) {
          int t = r.readTag();
          if (t == (1 << 3 | WireReader.LEN)) {
            traceLen = r.readLength();
            traceOff = r.pos;
            r.pos += traceLen;
          } else if (t == (2 << 3 | WireReader.LEN)) {
            spanLen = r.readLength();
            spanOff = r.pos;
            r.pos += spanLen;
          } else {
            r.skip(t & 7);
          }
        }
        String problem = Checks.id("links[" + link + "].trace_id", b, traceOff, traceLen, 16, false);
        if (problem == null) {
          problem = Checks.id("links[" + link + "].span_id", b, spanOff, spanLen, 8, false);
        }
        if (problem != null) {
          return problem;
        }
        span.pos += l;
        link++;
      }
      return null;
    } catch (MalformedRequestException e) {
      return "unreadable link: " + e.getMessage(); // the scan checked these bytes: not expected
    }
  }
}
