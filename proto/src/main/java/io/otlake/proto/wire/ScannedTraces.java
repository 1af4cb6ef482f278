package io.otlake.proto.wire;

import java.util.Arrays;

/**
 * An {@code ExportTraceServiceRequest} read at the wire level, without building messages or decoding strings: where
 * each resource, scope and span lies in the bytes, and the span fields that validation and splitting need. Made by
 * {@link #scan}, which also checks that every known field has its wire type, every string is UTF-8 and every nested
 * message is well formed, so what passes is exactly what protobuf would parse.
 *
 * <p>A resource's or scope's "envelope" is every field of its {@code ResourceSpans} / {@code ScopeSpans} except the
 * nested list (scope_spans / spans): the resource or scope itself, the schema URL and any unknown fields. Records
 * are rebuilt by copying envelopes and span bytes unchanged.
 */
public final class ScannedTraces {
  final byte[] buf;

  // envelope byte ranges, shared by resources and scopes
  int[] rangeOff = new int[16];
  int[] rangeLen = new int[16];
  int ranges;

  int resources;
  int[] resourceFirstRange = new int[4];
  int[] resourceRanges = new int[4];

  int scopes;
  int[] scopeResource = new int[8];
  int[] scopeFirstRange = new int[8];
  int[] scopeRanges = new int[8];

  int spans;
  int[] spanOff = new int[64];
  int[] spanLen = new int[64];
  int[] spanScope = new int[64];
  int[] traceIdOff = new int[64];
  int[] traceIdLen = new int[64];
  int[] spanIdOff = new int[64];
  int[] spanIdLen = new int[64];
  int[] parentOff = new int[64];
  int[] parentLen = new int[64];
  long[] startNanos = new long[64];
  long[] endNanos = new long[64];
  int[] spanFirstLink = new int[64];
  int[] spanLinks = new int[64];

  int links;
  int[] linkTraceIdOff = new int[8];
  int[] linkTraceIdLen = new int[8];
  int[] linkSpanIdOff = new int[8];
  int[] linkSpanIdLen = new int[8];

  private ScannedTraces(byte[] buf) {
    this.buf = buf;
  }

  public static ScannedTraces scan(byte[] request) throws MalformedRequestException {
    ScannedTraces t = new ScannedTraces(request);
    WireReader r = new WireReader(request, 0, request.length);
    while (!r.atEnd()) {
      int tag = r.readTag();
      if (tag == (1 << 3 | WireReader.LEN)) {
        int len = r.readLength();
        t.resourceSpans(r.pos, len);
        r.pos += len;
      } else {
        WireSchema.REQUEST.checkField(r, tag, 0);
      }
    }
    return t;
  }

  public byte[] bytes() {
    return buf;
  }

  public int spanCount() {
    return spans;
  }

  /** How many resource_spans the request has (each one resource, repeated or not). */
  public int resourceCount() {
    return resources;
  }

  /** The scope (index over all scopes) a span belongs to. */
  public int scopeOf(int span) {
    return spanScope[span];
  }

  public int resourceOfScope(int scope) {
    return scopeResource[scope];
  }

  /** Index of the span within its scope's spans, for messages. */
  public int indexInScope(int span) {
    int s = spanScope[span];
    int i = 0;
    for (int k = span - 1; k >= 0 && spanScope[k] == s; k--) {
      i++;
    }
    return i;
  }

  /** Index of the scope within its resource's scope_spans, for messages. */
  public int indexInResource(int scope) {
    int r = scopeResource[scope];
    int i = 0;
    for (int k = scope - 1; k >= 0 && scopeResource[k] == r; k--) {
      i++;
    }
    return i;
  }

  public int spanOffset(int span) {
    return spanOff[span];
  }

  public int spanLength(int span) {
    return spanLen[span];
  }

  /** The envelope of a resource (its ResourceSpans fields but scope_spans) as byte ranges: how many. */
  public int resourceRangeCount(int resource) {
    return resourceRanges[resource];
  }

  /** Offset of range {@code i} of a resource's envelope; each range is one whole field, tag included. */
  public int resourceRangeOffset(int resource, int i) {
    return rangeOff[resourceFirstRange[resource] + i];
  }

  public int resourceRangeLength(int resource, int i) {
    return rangeLen[resourceFirstRange[resource] + i];
  }

  public int scopeRangeCount(int scope) {
    return scopeRanges[scope];
  }

  public int scopeRangeOffset(int scope, int i) {
    return rangeOff[scopeFirstRange[scope] + i];
  }

  public int scopeRangeLength(int scope, int i) {
    return rangeLen[scopeFirstRange[scope] + i];
  }

  public int traceIdOffset(int span) {
    return traceIdOff[span];
  }

  public int traceIdLength(int span) {
    return traceIdLen[span];
  }

  public int spanIdOffset(int span) {
    return spanIdOff[span];
  }

  public int spanIdLength(int span) {
    return spanIdLen[span];
  }

  public int parentSpanIdOffset(int span) {
    return parentOff[span];
  }

  public int parentSpanIdLength(int span) {
    return parentLen[span];
  }

  public long startTimeUnixNano(int span) {
    return startNanos[span];
  }

  public long endTimeUnixNano(int span) {
    return endNanos[span];
  }

  public int linkCount(int span) {
    return spanLinks[span];
  }

  public int linkTraceIdOffset(int span, int link) {
    return linkTraceIdOff[spanFirstLink[span] + link];
  }

  public int linkTraceIdLength(int span, int link) {
    return linkTraceIdLen[spanFirstLink[span] + link];
  }

  public int linkSpanIdOffset(int span, int link) {
    return linkSpanIdOff[spanFirstLink[span] + link];
  }

  public int linkSpanIdLength(int span, int link) {
    return linkSpanIdLen[spanFirstLink[span] + link];
  }

  // ---- scanning ----

  private void resourceSpans(int off, int len) throws MalformedRequestException {
    int resource = resources++;
    if (resource == resourceFirstRange.length) {
      resourceFirstRange = Arrays.copyOf(resourceFirstRange, resource * 2);
      resourceRanges = Arrays.copyOf(resourceRanges, resource * 2);
    }
    resourceFirstRange[resource] = ranges;
    WireReader r = new WireReader(buf, off, len);
    // envelope ranges are collected first; the scopes' ranges come after all of them
    int envelopeStart = ranges;
    int scopeStartPos = -1;
    int[] scopeOffsets = null;
    int[] scopeLengths = null;
    int scopeCount = 0;
    while (!r.atEnd()) {
      int fieldStart = r.pos;
      int tag = r.readTag();
      switch (tag) {
        case 2 << 3 | WireReader.LEN -> {
          int l = r.readLength();
          if (scopeOffsets == null) {
            scopeOffsets = new int[4];
            scopeLengths = new int[4];
          } else if (scopeCount == scopeOffsets.length) {
            scopeOffsets = Arrays.copyOf(scopeOffsets, scopeCount * 2);
            scopeLengths = Arrays.copyOf(scopeLengths, scopeCount * 2);
          }
          scopeOffsets[scopeCount] = r.pos;
          scopeLengths[scopeCount++] = l;
          r.pos += l;
        }
        default -> {
          WireSchema.RESOURCE_SPANS.checkField(r, tag, 1);
          addRange(fieldStart, r.pos - fieldStart);
        }
      }
    }
    resourceRanges[resource] = ranges - envelopeStart;
    for (int i = 0; i < scopeCount; i++) {
      scopeSpans(resource, scopeOffsets[i], scopeLengths[i]);
    }
  }

  private void scopeSpans(int resource, int off, int len) throws MalformedRequestException {
    int scope = scopes++;
    if (scope == scopeResource.length) {
      scopeResource = Arrays.copyOf(scopeResource, scope * 2);
      scopeFirstRange = Arrays.copyOf(scopeFirstRange, scope * 2);
      scopeRanges = Arrays.copyOf(scopeRanges, scope * 2);
    }
    scopeResource[scope] = resource;
    scopeFirstRange[scope] = ranges;
    int envelopeStart = ranges;
    WireReader r = new WireReader(buf, off, len);
    while (!r.atEnd()) {
      int fieldStart = r.pos;
      int tag = r.readTag();
      switch (tag) {
        case 2 << 3 | WireReader.LEN -> {
          int l = r.readLength();
          span(scope, r.pos, l);
          r.pos += l;
        }
        default -> {
          WireSchema.SCOPE_SPANS.checkField(r, tag, 2);
          addRange(fieldStart, r.pos - fieldStart);
        }
      }
    }
    scopeRanges[scope] = ranges - envelopeStart;
  }

  /** Reads a length-delimited value and notes where it lies. */
  private static void slice(WireReader r, int[] offsets, int[] lengths, int i) throws MalformedRequestException {
    int len = r.readLength();
    offsets[i] = r.pos;
    lengths[i] = len;
    r.pos += len;
  }

  private void addRange(int off, int len) {
    if (ranges == rangeOff.length) {
      rangeOff = Arrays.copyOf(rangeOff, ranges * 2);
      rangeLen = Arrays.copyOf(rangeLen, ranges * 2);
    }
    rangeOff[ranges] = off;
    rangeLen[ranges++] = len;
  }

  private void span(int scope, int off, int len) throws MalformedRequestException {
    int s = spans++;
    if (s == spanOff.length) {
      int n = s * 2;
      spanOff = Arrays.copyOf(spanOff, n);
      spanLen = Arrays.copyOf(spanLen, n);
      spanScope = Arrays.copyOf(spanScope, n);
      traceIdOff = Arrays.copyOf(traceIdOff, n);
      traceIdLen = Arrays.copyOf(traceIdLen, n);
      spanIdOff = Arrays.copyOf(spanIdOff, n);
      spanIdLen = Arrays.copyOf(spanIdLen, n);
      parentOff = Arrays.copyOf(parentOff, n);
      parentLen = Arrays.copyOf(parentLen, n);
      startNanos = Arrays.copyOf(startNanos, n);
      endNanos = Arrays.copyOf(endNanos, n);
      spanFirstLink = Arrays.copyOf(spanFirstLink, n);
      spanLinks = Arrays.copyOf(spanLinks, n);
    }
    spanOff[s] = off;
    spanLen[s] = len;
    spanScope[s] = scope;
    traceIdOff[s] = off;
    traceIdLen[s] = 0;
    spanIdOff[s] = off;
    spanIdLen[s] = 0;
    parentOff[s] = off;
    parentLen[s] = 0;
    startNanos[s] = 0;
    endNanos[s] = 0;
    spanFirstLink[s] = links;
    spanLinks[s] = 0;
    WireReader r = new WireReader(buf, off, len);
    while (!r.atEnd()) {
      int tag = r.readTag();
      switch (tag) {
        case 1 << 3 | WireReader.LEN -> {
          slice(r, traceIdOff, traceIdLen, s);
        }
        case 2 << 3 | WireReader.LEN -> {
          slice(r, spanIdOff, spanIdLen, s);
        }
        case 4 << 3 | WireReader.LEN -> {
          slice(r, parentOff, parentLen, s);
        }
        case 7 << 3 | WireReader.I64 -> startNanos[s] = r.readFixed64();
        case 8 << 3 | WireReader.I64 -> endNanos[s] = r.readFixed64();
        case 13 << 3 | WireReader.LEN -> {
          int l = r.readLength();
          link(s, r.pos, l);
          r.pos += l;
        }
        default -> WireSchema.SPAN.checkField(r, tag, 3);
      }
    }
  }

  private void link(int span, int off, int len) throws MalformedRequestException {
    int l = links++;
    if (l == linkTraceIdOff.length) {
      int n = l * 2;
      linkTraceIdOff = Arrays.copyOf(linkTraceIdOff, n);
      linkTraceIdLen = Arrays.copyOf(linkTraceIdLen, n);
      linkSpanIdOff = Arrays.copyOf(linkSpanIdOff, n);
      linkSpanIdLen = Arrays.copyOf(linkSpanIdLen, n);
    }
    spanLinks[span]++;
    linkTraceIdOff[l] = off;
    linkTraceIdLen[l] = 0;
    linkSpanIdOff[l] = off;
    linkSpanIdLen[l] = 0;
    WireReader r = new WireReader(buf, off, len);
    while (!r.atEnd()) {
      int tag = r.readTag();
      switch (tag) {
        case 1 << 3 | WireReader.LEN -> {
          slice(r, linkTraceIdOff, linkTraceIdLen, l);
        }
        case 2 << 3 | WireReader.LEN -> {
          slice(r, linkSpanIdOff, linkSpanIdLen, l);
        }
        default -> WireSchema.LINK.checkField(r, tag, 4);
      }
    }
  }
}
