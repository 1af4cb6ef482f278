package io.otlake.gateway.signals.metrics;

import io.otlake.gateway.signals.Checks;
import io.otlake.gateway.signals.SignalUnit;
import io.otlake.proto.signals.MetricContract;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedRequest;
import io.otlake.proto.wire.WireReader;
import java.util.function.LongSupplier;

/**
 * What makes a data point invalid: no time_unix_nano (or one before 2000 or more than a day ahead), a start time
 * after its time, exemplar ids of the wrong length, and for histograms bucket_counts that are not one more than
 * explicit_bounds. Reads the point's bytes (which the scan checked), one pass.
 */
final class PointCheck implements SignalUnit.ItemCheck {
  private static final int GAUGE = 5;
  private static final int SUM = 7;
  private static final int HISTOGRAM = 9;
  private static final int EXPONENTIAL_HISTOGRAM = 10;

  private final LongSupplier nowNanos;

  PointCheck(LongSupplier nowNanos) {
    this.nowNanos = nowNanos;
  }

  @Override
  public String problem(ScannedRequest r, int p) {
    long time = r.fixed64(MetricContract.TIME, p);
    String problem = Checks.time("time_unix_nano", time, nowNanos.getAsLong());
    if (problem != null) {
      return problem;
    }
    long start = r.fixed64(MetricContract.START_TIME, p);
    if (start != 0 && Long.compareUnsigned(start, time) > 0) {
      return "start_time_unix_nano " + Long.toUnsignedString(start) + " is after time_unix_nano "
          + Long.toUnsignedString(time);
    }
    int kind = r.levelOf(MetricContract.KIND_LEVEL, r.ancestor(p, MetricContract.KIND_LEVEL)).tag() >>> 3;
    int exemplars = switch (kind) {
      case GAUGE, SUM -> 5;
      case HISTOGRAM -> 8;
      case EXPONENTIAL_HISTOGRAM -> 11;
      default -> -1; // summary points have none
    };
    try {
      return fields(r.bytes(), r.itemOffset(p), r.itemLength(p), exemplars, kind == HISTOGRAM);
    } catch (MalformedRequestException e) {
      return "unreadable data point: " + e.getMessage(); // the scan checked these bytes: not expected
    }
  }

  private static String fields(byte[] b, int off, int len, int exemplarField, boolean histogram)
      throws MalformedRequestException {
    WireReader r = new WireReader(b, off, len);
    int exemplar = 0;
    long buckets = 0;
    long bounds = 0;
    while (!r.atEnd()) {
      int tag = r.readTag();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (field == exemplarField && wire == WireReader.LEN) {
        int l = r.readLength();
        String problem = exemplar(b, r.pos, l, exemplar++);
        if (problem != null) {
          return problem;
        }
        r.pos += l;
      } else if (histogram && (field == 6 || field == 7)) {
        // bucket_counts (fixed64) and explicit_bounds (double): packed, or one value a field
        long n;
        if (wire == WireReader.LEN) {
          int l = r.readLength();
          n = l / 8;
          r.pos += l;
        } else {
          r.skip(wire);
          n = 1;
        }
        if (field == 6) {
          buckets += n;
        } else {
          bounds += n;
        }
      } else {
        r.skip(wire);
      }
    }
    if (histogram && buckets != 0 && buckets != bounds + 1) {
      return "bucket_counts has " + buckets + " values and explicit_bounds " + bounds
          + "; there must be one more bucket count than bounds";
    }
    return null;
  }

  private static String exemplar(byte[] b, int off, int len, int index) throws MalformedRequestException {
    WireReader r = new WireReader(b, off, len);
    while (!r.atEnd()) {
      int tag = r.readTag();
      if (tag == (5 << 3 | WireReader.LEN) || tag == (4 << 3 | WireReader.LEN)) {
        int l = r.readLength();
        boolean trace = tag >>> 3 == 5;
        String problem = Checks.optionalId("exemplars[" + index + "]." + (trace ? "trace_id" : "span_id"), l,
            trace ? 16 : 8);
        if (problem != null) {
          return problem;
        }
        r.pos += l;
      } else {
        r.skip(tag & 7);
      }
    }
    return null;
  }
}
