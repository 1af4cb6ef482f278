package io.otlake.proto.signals;

import io.otlake.proto.Hex;
import io.otlake.proto.RecordKey;
import io.otlake.proto.Signal;
import io.otlake.proto.SignalContract;
import io.otlake.proto.wire.ScannedRequest;
import io.otlake.proto.wire.ScannedTraces;
import io.otlake.proto.wire.WireTree;

/**
 * Traces: the wire table is {@link ScannedTraces#TREE}; the record key is the trace id in lower-case hex, as the
 * Collector's kafka exporter keys spans, so every span of a trace lands in one partition.
 */
public final class TraceContract implements SignalContract {
  public static final TraceContract INSTANCE = new TraceContract();

  private TraceContract() {}

  @Override
  public Signal signal() {
    return Signal.TRACES;
  }

  @Override
  public WireTree tree() {
    return ScannedTraces.TREE;
  }

  @Override
  public RecordKey key(ScannedRequest r, int span) {
    int off = r.lenOffset(ScannedTraces.TRACE_ID, span);
    int len = r.lenLength(ScannedTraces.TRACE_ID, span);
    return len == 16 ? RecordKey.id16(r.bytes(), off) : RecordKey.text(Hex.encode(r.bytes(), off, len));
  }

  @Override
  public String describe(ScannedRequest r, int span) {
    byte[] b = r.bytes();
    // ids of a rejected span may have any length: quote at most the bytes a valid id has
    return "span " + Hex.encode(b, r.lenOffset(ScannedTraces.SPAN_ID, span),
        Math.min(8, r.lenLength(ScannedTraces.SPAN_ID, span)))
        + " of trace " + Hex.encode(b, r.lenOffset(ScannedTraces.TRACE_ID, span),
        Math.min(16, r.lenLength(ScannedTraces.TRACE_ID, span)));
  }
}
