package io.otlake.proto.wire;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/**
 * The traces unit's wire table and a typed view of a scanned {@code ExportTraceServiceRequest}: resource_spans (1)
 * -> scope_spans (2) -> spans (2), noting each span's trace_id (1), span_id (2), parent_span_id (4) and its start (7)
 * and end (8) times. Index conventions are {@link ScannedRequest}'s: resources and scopes numbered over the whole
 * request, spans likewise.
 *
 * <p>It stays in this package because the writer reads spans through it; the signal-neutral scan is
 * {@link ScannedRequest}.
 */
public final class ScannedTraces {
  /** Slots of the noted span fields. */
  public static final int TRACE_ID = 0;
  public static final int SPAN_ID = 1;
  public static final int PARENT_SPAN_ID = 2;
  public static final int START = 0;
  public static final int END = 1;

  public static final WireTree TREE = WireTree.of(ExportTraceServiceRequest.getDescriptor(),
      WireTree.nest(1, WireTree.nest(2, WireTree.items(2, new int[] {1, 2, 4}, new int[] {7, 8}))));

  private final ScannedRequest r;

  private ScannedTraces(ScannedRequest r) {
    this.r = r;
  }

  public static ScannedTraces scan(byte[] request) throws MalformedRequestException {
    return new ScannedTraces(ScannedRequest.scan(request, TREE));
  }

  /** A view of a request scanned with {@link #TREE}. */
  public static ScannedTraces of(ScannedRequest scanned) {
    if (scanned.tree() != TREE) {
      throw new IllegalArgumentException("not a trace request's scan: " + scanned.tree().requestName());
    }
    return new ScannedTraces(scanned);
  }

  /** The signal-neutral scan this view reads. */
  public ScannedRequest request() {
    return r;
  }

  public byte[] bytes() {
    return r.buf;
  }

  public int spanCount() {
    return r.items;
  }

  /** How many resource_spans the request has (each one resource, repeated or not). */
  public int resourceCount() {
    return r.nodes[0];
  }

  /** The scope (index over all scopes) a span belongs to. */
  public int scopeOf(int span) {
    return r.itemParent[span];
  }

  public int resourceOfScope(int scope) {
    return r.nodeParent[1][scope];
  }

  public int spanOffset(int span) {
    return r.itemOff[span];
  }

  public int spanLength(int span) {
    return r.itemLen[span];
  }

  /** The envelope of a resource (its ResourceSpans fields but scope_spans) as byte ranges: how many. */
  public int resourceRangeCount(int resource) {
    return r.rangeCount(0, resource);
  }

  /** Offset of range {@code i} of a resource's envelope; each range is one whole field, tag included. */
  public int resourceRangeOffset(int resource, int i) {
    return r.rangeOffset(0, resource, i);
  }

  public int resourceRangeLength(int resource, int i) {
    return r.rangeLength(0, resource, i);
  }

  public int scopeRangeCount(int scope) {
    return r.rangeCount(1, scope);
  }

  public int scopeRangeOffset(int scope, int i) {
    return r.rangeOffset(1, scope, i);
  }

  public int scopeRangeLength(int scope, int i) {
    return r.rangeLength(1, scope, i);
  }

  public int traceIdOffset(int span) {
    return r.lenOff[TRACE_ID][span];
  }

  public int traceIdLength(int span) {
    return r.lenLen[TRACE_ID][span];
  }

  public int spanIdOffset(int span) {
    return r.lenOff[SPAN_ID][span];
  }

  public int spanIdLength(int span) {
    return r.lenLen[SPAN_ID][span];
  }

  public int parentSpanIdOffset(int span) {
    return r.lenOff[PARENT_SPAN_ID][span];
  }

  public int parentSpanIdLength(int span) {
    return r.lenLen[PARENT_SPAN_ID][span];
  }

  public long startTimeUnixNano(int span) {
    return r.i64[START][span];
  }

  public long endTimeUnixNano(int span) {
    return r.i64[END][span];
  }
}
