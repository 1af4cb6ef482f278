package io.otlake.proto.signals;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.otlake.proto.Hex;
import io.otlake.proto.RecordKey;
import io.otlake.proto.Signal;
import io.otlake.proto.SignalContract;
import io.otlake.proto.wire.ScannedRequest;
import io.otlake.proto.wire.WireTree;

/**
 * Logs: resource_logs (1) -> scope_logs (2) -> log_records (2), noting each record's trace_id (9), span_id (10),
 * time_unix_nano (1) and observed_time_unix_nano (11).
 *
 * <p>The record key is the trace id (32 hex digits) when the record has one, so a trace's logs share a partition as
 * its spans do; otherwise a hash of the record's resource (16 hex digits), so one process's logs stay together and
 * in order while many processes spread over the partitions.
 */
public final class LogContract implements SignalContract {
  public static final LogContract INSTANCE = new LogContract();
  /** Slots of the noted fields. */
  public static final int TRACE_ID = 0;
  public static final int SPAN_ID = 1;
  public static final int TIME = 0;
  public static final int OBSERVED_TIME = 1;

  public static final WireTree TREE = WireTree.of(ExportLogsServiceRequest.getDescriptor(),
      WireTree.nest(1, WireTree.nest(2, WireTree.items(2, new int[] {9, 10}, new int[] {1, 11}))));

  private LogContract() {}

  @Override
  public Signal signal() {
    return Signal.LOGS;
  }

  @Override
  public WireTree tree() {
    return TREE;
  }

  @Override
  public RecordKey key(ScannedRequest r, int record) {
    if (hasTraceId(r, record)) {
      return RecordKey.id16(r.bytes(), r.lenOffset(TRACE_ID, record));
    }
    return RecordKey.text(Resources.hex(Resources.hash(r, r.resourceOf(record))));
  }

  /** A 16-byte trace id that is not all zeros (all zeros is how some senders write "none"). */
  public static boolean hasTraceId(ScannedRequest r, int record) {
    if (r.lenLength(TRACE_ID, record) != 16) {
      return false;
    }
    byte[] b = r.bytes();
    int off = r.lenOffset(TRACE_ID, record);
    for (int i = 0; i < 16; i++) {
      if (b[off + i] != 0) {
        return true;
      }
    }
    return false;
  }

  /** The record's time: time_unix_nano, or observed_time_unix_nano when that is unset (as the OTLP spec says). */
  public static long time(ScannedRequest r, int record) {
    long t = r.fixed64(TIME, record);
    return t != 0 ? t : r.fixed64(OBSERVED_TIME, record);
  }

  @Override
  public String describe(ScannedRequest r, int record) {
    return hasTraceId(r, record)
        ? "log record of trace " + Hex.encode(r.bytes(), r.lenOffset(TRACE_ID, record), 16)
        : "log record";
  }
}
