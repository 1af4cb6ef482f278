package io.otlake.local;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/** Deterministic OTLP requests for tests: span ids count up from a seed, so the expected set is known. */
final class Spans {
  private Spans() {}

  /** Request number {@code n}: {@code traces} traces of {@code spansPerTrace} spans, ids derived from n. */
  static ExportTraceServiceRequest request(String service, int n, int traces, int spansPerTrace) {
    long start = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) - TimeUnit.MINUTES.toNanos(5);
    ScopeSpans.Builder scope = ScopeSpans.newBuilder()
        .setScope(InstrumentationScope.newBuilder().setName("test-load").setVersion("1"));
    for (int t = 0; t < traces; t++) {
      ByteString traceId = id(16, (long) n * 1000 + t + 1);
      for (int s = 0; s < spansPerTrace; s++) {
        long spanNumber = ((long) n * traces + t) * spansPerTrace + s + 1;
        Span.Builder span = Span.newBuilder()
            .setTraceId(traceId)
            .setSpanId(id(8, spanNumber))
            .setName("op-" + (s % 5))
            .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
            .setStartTimeUnixNano(start + s * 1000L)
            .setEndTimeUnixNano(start + s * 1000L + 500_000L)
            .addAttributes(KeyValue.newBuilder().setKey("n").setValue(AnyValue.newBuilder().setIntValue(spanNumber)));
        if (s > 0) {
          span.setParentSpanId(id(8, spanNumber - s));
        }
        scope.addSpans(span);
      }
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
            .setValue(AnyValue.newBuilder().setStringValue(service))))
        .addScopeSpans(scope)).build();
  }

  /** The hex span id of span number {@code spanNumber}, as the table stores it. */
  static String spanIdHex(long spanNumber) {
    return String.format("%016x", spanNumber);
  }

  static ByteString id(int length, long value) {
    ByteBuffer b = ByteBuffer.allocate(length);
    b.position(length - 8);
    b.putLong(value);
    return ByteString.copyFrom(b.array());
  }
}
