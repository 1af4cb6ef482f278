package io.otlake.proto;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits one OTLP trace export request into Kafka records keyed by trace id, so that every span of a trace lands in
 * one partition. Each record is itself a valid {@link ExportTraceServiceRequest} (the Collector's {@code otlp_proto}
 * encoding) carrying the spans of one trace with their resource and scope, and is never larger than
 * {@code maxRecordBytes}: a trace too large for one record is cut into several records under the same key.
 */
public final class TraceSplitter {
  /** Upper bound on a length-delimited field's tag and length prefix (1-byte tag, varint32 length). */
  private static final int FIELD_OVERHEAD = 6;

  private final int maxRecordBytes;

  public TraceSplitter(int maxRecordBytes) {
    if (maxRecordBytes < 64) {
      throw new IllegalArgumentException("maxRecordBytes must be at least 64, was " + maxRecordBytes);
    }
    this.maxRecordBytes = maxRecordBytes;
  }

  public List<OtlpRecord> split(ExportTraceServiceRequest request) throws RecordTooLargeException {
    Map<ByteString, List<Placed>> byTrace = new LinkedHashMap<>();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          byTrace.computeIfAbsent(span.getTraceId(), k -> new ArrayList<>()).add(new Placed(rs, ss, span));
        }
      }
    }
    List<OtlpRecord> records = new ArrayList<>(byTrace.size());
    for (Map.Entry<ByteString, List<Placed>> e : byTrace.entrySet()) {
      pack(Hex.encode(e.getKey()).getBytes(StandardCharsets.US_ASCII), e.getValue(), records);
    }
    return records;
  }

  /** Greedily packs one trace's spans into records, each under the size limit by a conservative size estimate. */
  private void pack(byte[] key, List<Placed> spans, List<OtlpRecord> out) throws RecordTooLargeException {
    Chunk chunk = new Chunk();
    for (Placed p : spans) {
      int cost = chunk.cost(p);
      if (chunk.count > 0 && chunk.bytes + cost > maxRecordBytes) {
        out.add(chunk.toRecord(key));
        chunk = new Chunk();
        cost = chunk.cost(p);
      }
      if (cost > maxRecordBytes) {
        throw new RecordTooLargeException(
            "span " + Hex.encode(p.span.getSpanId()) + " of trace " + Hex.encode(p.span.getTraceId())
                + " takes " + cost + " bytes with its resource and scope, over the maximum record size of "
                + maxRecordBytes + " bytes");
      }
      chunk.add(p, cost);
    }
    if (chunk.count > 0) {
      out.add(chunk.toRecord(key));
    }
  }

  private record Placed(ResourceSpans resourceSpans, ScopeSpans scopeSpans, Span span) {}

  private static int envelopeSize(ResourceSpans rs) {
    return FIELD_OVERHEAD
        + (rs.hasResource() ? FIELD_OVERHEAD + rs.getResource().getSerializedSize() : 0)
        + CodedOutputStream.computeStringSize(3, rs.getSchemaUrl());
  }

  private static int envelopeSize(ScopeSpans ss) {
    return FIELD_OVERHEAD
        + (ss.hasScope() ? FIELD_OVERHEAD + ss.getScope().getSerializedSize() : 0)
        + CodedOutputStream.computeStringSize(3, ss.getSchemaUrl());
  }

  /** The spans of one record under construction, in arrival order, grouped by consecutive resource and scope. */
  private static final class Chunk {
    final ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    ResourceSpans.Builder currentResource;
    ScopeSpans.Builder currentScope;
    ResourceSpans lastResource;
    ScopeSpans lastScope;
    int bytes;
    int count;

    int cost(Placed p) {
      int cost = FIELD_OVERHEAD + p.span.getSerializedSize();
      if (p.resourceSpans != lastResource) {
        cost += envelopeSize(p.resourceSpans) + envelopeSize(p.scopeSpans);
      } else if (p.scopeSpans != lastScope) {
        cost += envelopeSize(p.scopeSpans);
      }
      return cost;
    }

    void add(Placed p, int cost) {
      if (p.resourceSpans != lastResource) {
        currentResource = request.addResourceSpansBuilder();
        if (p.resourceSpans.hasResource()) {
          currentResource.setResource(p.resourceSpans.getResource());
        }
        currentResource.setSchemaUrl(p.resourceSpans.getSchemaUrl());
        lastResource = p.resourceSpans;
        lastScope = null;
      }
      if (p.scopeSpans != lastScope) {
        currentScope = currentResource.addScopeSpansBuilder();
        if (p.scopeSpans.hasScope()) {
          currentScope.setScope(p.scopeSpans.getScope());
        }
        currentScope.setSchemaUrl(p.scopeSpans.getSchemaUrl());
        lastScope = p.scopeSpans;
      }
      currentScope.addSpans(p.span);
      bytes += cost;
      count++;
    }

    OtlpRecord toRecord(byte[] key) {
      return new OtlpRecord(key, request.build().toByteArray(), count);
    }
  }
}
