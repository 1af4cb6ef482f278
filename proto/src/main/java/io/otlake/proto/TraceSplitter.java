package io.otlake.proto;

import io.otlake.proto.wire.ScannedTraces;
import io.otlake.proto.wire.WireLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits one OTLP trace export request into Kafka records keyed by trace id, so that every span of a trace lands in
 * one partition. Each record is itself a valid {@code ExportTraceServiceRequest} (the Collector's {@code otlp_proto}
 * encoding) carrying the spans of one trace with their resource and scope, and is never larger than
 * {@code maxRecordBytes}: a trace too large for one record is cut into several records under the same key.
 *
 * <p>Works on the wire bytes ({@link ScannedTraces}): span, resource and scope bytes are copied unchanged, nothing is
 * decoded or re-encoded, so the cost is a few array copies per span.
 */
public final class TraceSplitter {
  /** Upper bound on a length-delimited field's tag and length prefix (1-byte tag, varint32 length). */
  private static final int FIELD_OVERHEAD = 6;
  private static final byte RESOURCE_SPANS_TAG = 1 << 3 | 2;
  private static final byte SCOPE_SPANS_TAG = 2 << 3 | 2;
  private static final byte SPANS_TAG = 2 << 3 | 2;

  private final int maxRecordBytes;
  private final long maxSplitBytes;

  public TraceSplitter(int maxRecordBytes) {
    this(maxRecordBytes, Long.MAX_VALUE);
  }

  /**
   * @param maxSplitBytes the most record bytes one request may become; the records are planned (sizes only) before
   *     any is written, and past this bound {@link #split} throws {@link SplitTooLargeException} having allocated none
   */
  public TraceSplitter(int maxRecordBytes, long maxSplitBytes) {
    if (maxRecordBytes < 64) {
      throw new IllegalArgumentException("maxRecordBytes must be at least 64, was " + maxRecordBytes);
    }
    this.maxRecordBytes = maxRecordBytes;
    this.maxSplitBytes = maxSplitBytes;
  }

  /** The largest record value this splitter makes. */
  public int maxRecordBytes() {
    return maxRecordBytes;
  }

  /**
   * The records of a request, in trace order. Throws {@link RecordTooLargeException} for a span that does not fit
   * one record with its resource and scope, and its subclass {@link SplitTooLargeException} when the records would
   * exceed the splitter's total bound; either before any record is written.
   */
  public List<OtlpRecord> split(ScannedTraces t) throws RecordTooLargeException {
    Map<TraceKey, int[]> byTrace = new LinkedHashMap<>();
    byte[] buf = t.bytes();
    for (int s = 0; s < t.spanCount(); s++) {
      TraceKey key = TraceKey.of(buf, t.traceIdOffset(s), t.traceIdLength(s));
      int[] list = byTrace.get(key);
      if (list == null) {
        list = new int[5];
        byTrace.put(key, list);
      } else if (list[0] + 1 == list.length) {
        list = Arrays.copyOf(list, list.length * 2);
        byTrace.put(key, list);
      }
      list[++list[0]] = s; // list[0] holds the count
    }
    // plan every record (its trace and span range) before writing any, so the total is known first
    List<int[]> traces = new ArrayList<>(byTrace.values());
    int[] plan = new int[Math.max(4, traces.size() * 3)];
    int pieces = 0;
    long total = 0;
    for (int trace = 0; trace < traces.size(); trace++) {
      int[] list = traces.get(trace);
      int count = list[0];
      int from = 1;
      long bytes = 0;
      int lastScope = -1;
      int lastResource = -1;
      for (int i = 1; i <= count; i++) {
        int s = list[i];
        long cost = cost(t, s, lastResource, lastScope);
        if (i > from && bytes + cost > maxRecordBytes) {
          plan = piece(plan, pieces++, trace, from, i);
          total += bytes;
          from = i;
          bytes = 0;
          cost = cost(t, s, -1, -1);
        }
        if (cost > maxRecordBytes) {
          throw new RecordTooLargeException("span " + Hex.encode(buf, t.spanIdOffset(s), t.spanIdLength(s))
              + " of trace " + Hex.encode(buf, t.traceIdOffset(s), t.traceIdLength(s)) + " takes " + cost + " bytes with its resource and scope, over the maximum record size of " + maxRecordBytes
              + " bytes");
        }
        bytes += cost;
        lastScope = t.scopeOf(s);
        lastResource = t.resourceOfScope(lastScope);
      }
      plan = piece(plan, pieces++, trace, from, count + 1);
      total += bytes;
      if (total > maxSplitBytes) {
        throw new SplitTooLargeException(total, maxSplitBytes);
      }
    }
    List<OtlpRecord> records = new ArrayList<>(pieces);
    byte[] key = null;
    int keyTrace = -1;
    for (int p = 0; p < pieces; p++) {
      int trace = plan[p * 3];
      int[] list = traces.get(trace);
      if (trace != keyTrace) {
        int first = list[1];
        key = hexKey(buf, t.traceIdOffset(first), t.traceIdLength(first));
        keyTrace = trace;
      }
      records.add(write(t, key, list, plan[p * 3 + 1], plan[p * 3 + 2]));
    }
    return records;
  }

  /** Appends record {@code index}: spans list[from..to) of trace {@code trace}. */
  private static int[] piece(int[] plan, int index, int trace, int from, int to) {
    if (index * 3 + 3 > plan.length) {
      plan = Arrays.copyOf(plan, plan.length * 2);
    }
    plan[index * 3] = trace;
    plan[index * 3 + 1] = from;
    plan[index * 3 + 2] = to;
    return plan;
  }

  private static long cost(ScannedTraces t, int span, int lastResource, int lastScope) {
    long cost = FIELD_OVERHEAD + (long) WireLayout.spanLength(t, span);
    int scope = t.scopeOf(span);
    int resource = t.resourceOfScope(scope);
    if (resource != lastResource) {
      cost += FIELD_OVERHEAD + WireLayout.resourceEnvelopeSize(t, resource) + FIELD_OVERHEAD
          + WireLayout.scopeEnvelopeSize(t, scope);
    } else if (scope != lastScope) {
      cost += FIELD_OVERHEAD + WireLayout.scopeEnvelopeSize(t, scope);
    }
    return cost;
  }

  /** Writes spans list[from..to) as one request: consecutive spans of one scope share a ScopeSpans, and so on. */
  private static OtlpRecord write(ScannedTraces t, byte[] key, int[] list, int from, int to) {
    int n = to - from;
    // pass 1: sizes of each ScopeSpans and ResourceSpans body, grouped by consecutive runs
    int[] scopeBody = new int[n];
    int[] resourceBody = new int[n];
    int scopeGroup = -1;
    int resourceGroup = -1;
    int lastScope = -1;
    int lastResource = -1;
    for (int i = from; i < to; i++) {
      int s = list[i];
      int scope = t.scopeOf(s);
      int resource = t.resourceOfScope(scope);
      if (resource != lastResource) {
        if (scopeGroup >= 0) {
          resourceBody[resourceGroup] += field(scopeBody[scopeGroup]);
        }
        resourceBody[++resourceGroup] = WireLayout.resourceEnvelopeSize(t, resource);
        scopeBody[++scopeGroup] = WireLayout.scopeEnvelopeSize(t, scope);
      } else if (scope != lastScope) {
        resourceBody[resourceGroup] += field(scopeBody[scopeGroup]);
        scopeBody[++scopeGroup] = WireLayout.scopeEnvelopeSize(t, scope);
      }
      scopeBody[scopeGroup] += field(WireLayout.spanLength(t, s));
      lastScope = scope;
      lastResource = resource;
    }
    resourceBody[resourceGroup] += field(scopeBody[scopeGroup]);
    int total = 0;
    for (int g = 0; g <= resourceGroup; g++) {
      total += field(resourceBody[g]);
    }
    // pass 2: the bytes
    byte[] out = new byte[total];
    int pos = 0;
    scopeGroup = -1;
    resourceGroup = -1;
    lastScope = -1;
    lastResource = -1;
    for (int i = from; i < to; i++) {
      int s = list[i];
      int scope = t.scopeOf(s);
      int resource = t.resourceOfScope(scope);
      if (resource != lastResource) {
        out[pos++] = RESOURCE_SPANS_TAG;
        pos = WireLayout.writeVarint(out, pos, resourceBody[++resourceGroup]);
        pos = WireLayout.copyResourceEnvelope(t, resource, out, pos);
      }
      if (resource != lastResource || scope != lastScope) {
        out[pos++] = SCOPE_SPANS_TAG;
        pos = WireLayout.writeVarint(out, pos, scopeBody[++scopeGroup]);
        pos = WireLayout.copyScopeEnvelope(t, scope, out, pos);
      }
      out[pos++] = SPANS_TAG;
      pos = WireLayout.writeVarint(out, pos, WireLayout.spanLength(t, s));
      pos = WireLayout.copySpan(t, s, out, pos);
      lastScope = scope;
      lastResource = resource;
    }
    if (pos != total) {
      throw new IllegalStateException("record size " + pos + " != computed " + total);
    }
    return new OtlpRecord(key, out, n);
  }

  private static int field(int bodyLength) {
    return 1 + WireLayout.varintSize(bodyLength) + bodyLength;
  }

  private static byte[] hexKey(byte[] buf, int off, int len) {
    return Hex.encode(buf, off, len).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A trace id as map key without copying its bytes: 16-byte ids as two longs, others by content. Comparable, so that
   * ids a client chose to share one hash code cost a HashMap O(log n) a lookup, not O(n): the record's own hash of
   * two longs is easy to collide (any {@code hi = x << 32 | x} hashes alike), and 80,000 such ids in one 3.8 MB
   * request held a thread for minutes before.
   */
  private record TraceKey(long hi, long lo, int len, String other) implements Comparable<TraceKey> {
    static TraceKey of(byte[] b, int off, int len) {
      if (len == 16) {
        return new TraceKey(WireLayout.longAt(b, off), WireLayout.longAt(b, off + 8), 16, null);
      }
      return new TraceKey(0, 0, len, Hex.encode(b, off, len));
    }

    @Override
    public int hashCode() {
      long h = (hi * 0x9E3779B97F4A7C15L + lo) * 0xBF58476D1CE4E5B9L + len;
      h ^= h >>> 29;
      return (int) (h ^ (h >>> 32)) ^ (other == null ? 0 : other.hashCode());
    }

    @Override
    public int compareTo(TraceKey o) {
      int c = Integer.compare(len, o.len);
      if (c == 0) {
        c = Long.compare(hi, o.hi);
      }
      if (c == 0) {
        c = Long.compare(lo, o.lo);
      }
      if (c == 0 && other != null) {
        c = other.compareTo(o.other); // same length: both have other, or neither
      }
      return c;
    }
  }
}
