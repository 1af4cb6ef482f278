package io.otlake.gateway.http;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.List;
import java.util.Random;

/**
 * Small valid trace export requests that the gateway accepts (ids set and not zero, times present, ordered and near
 * {@link #NOW}), using every kind of field a span has, for the fuzzer to mutate.
 */
final class TraceSeeds {
  /** The validator's clock in the fuzz tests. */
  static final long NOW = 1_800_000_000_000_000_000L;

  private TraceSeeds() {}

  static ExportTraceServiceRequest request(Random random) {
    ExportTraceServiceRequest.Builder r = ExportTraceServiceRequest.newBuilder();
    byte[] sharedTrace = id(random, 16);
    for (int res = 0; res < 1 + random.nextInt(2); res++) {
      Resource.Builder resource = Resource.newBuilder()
          .addAttributes(kv("service.name", AnyValue.newBuilder().setStringValue("svc-" + random.nextInt(3)).build()));
      for (int i = 0; i < random.nextInt(3); i++) {
        resource.addAttributes(kv("r" + i, value(random, 0)));
      }
      ResourceSpans.Builder rs = ResourceSpans.newBuilder().setResource(resource)
          .setSchemaUrl(random.nextBoolean() ? "" : "https://opentelemetry.io/schemas/1.26.0");
      for (int sc = 0; sc < 1 + random.nextInt(2); sc++) {
        ScopeSpans.Builder ss = ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder()
            .setName("lib-" + sc).setVersion(sc == 0 ? "" : "1.2.3")
            .addAllAttributes(random.nextBoolean() ? List.of() : List.of(kv("s", value(random, 0)))));
        for (int sp = 0; sp < 1 + random.nextInt(3); sp++) {
          ss.addSpans(span(random, random.nextBoolean() ? sharedTrace : id(random, 16)));
        }
        rs.addScopeSpans(ss);
      }
      r.addResourceSpans(rs);
    }
    return r.build();
  }

  static int spanCount(ExportTraceServiceRequest r) {
    int n = 0;
    for (ResourceSpans rs : r.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        n += ss.getSpansCount();
      }
    }
    return n;
  }

  private static Span span(Random random, byte[] trace) {
    long start = NOW - 1 - (random.nextLong() & ((1L << 40) - 1));
    Span.Builder b = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(id(random, 8)))
        .setName(random.nextBoolean() ? "GET /api/ünïcode/𝄞" : "op \"q\" \\ " + random.nextInt(100))
        .setKind(Span.SpanKind.forNumber(random.nextInt(6)))
        .setStartTimeUnixNano(start)
        .setEndTimeUnixNano(start + random.nextInt(1_000_000_000))
        .setFlags(random.nextInt(0x400))
        .setTraceState(random.nextBoolean() ? "" : "a=b,c=d")
        .setDroppedAttributesCount(random.nextInt(3));
    if (random.nextBoolean()) {
      b.setParentSpanId(ByteString.copyFrom(id(random, 8)));
    }
    for (int i = 0; i < random.nextInt(5); i++) {
      b.addAttributes(kv("a" + i, value(random, 0)));
    }
    for (int i = 0; i < random.nextInt(2); i++) {
      b.addEvents(Span.Event.newBuilder().setName("event").setTimeUnixNano(start + i)
          .addAttributes(kv("e", value(random, 0))));
    }
    for (int i = 0; i < random.nextInt(2); i++) {
      b.addLinks(Span.Link.newBuilder().setTraceId(ByteString.copyFrom(id(random, 16)))
          .setSpanId(ByteString.copyFrom(id(random, 8))).setTraceState("k=v").setFlags(1)
          .addAttributes(kv("l", value(random, 1))));
    }
    if (random.nextBoolean()) {
      b.setStatus(Status.newBuilder().setCodeValue(random.nextInt(3)).setMessage(random.nextBoolean() ? "" : "boom"));
    }
    return b.build();
  }

  private static AnyValue value(Random random, int depth) {
    AnyValue.Builder v = AnyValue.newBuilder();
    switch (random.nextInt(depth < 2 ? 8 : 6)) {
      case 0 -> v.setStringValue(random.nextBoolean() ? "" : "välue " + random.nextInt());
      case 1 -> v.setIntValue(random.nextBoolean() ? 0 : random.nextLong());
      case 2 -> v.setDoubleValue(new double[] {0.0, -0.0, 1e-300, Double.NaN, Double.NEGATIVE_INFINITY, 0.1,
          Double.MAX_VALUE}[random.nextInt(7)]);
      case 3 -> v.setBoolValue(random.nextBoolean());
      case 4 -> v.setBytesValue(ByteString.copyFrom(id(random, random.nextInt(5))));
      case 5 -> { } // an empty value
      case 6 -> v.setArrayValue(ArrayValue.newBuilder().addValues(value(random, depth + 1))
          .addValues(value(random, depth + 1)));
      default -> v.setKvlistValue(KeyValueList.newBuilder().addValues(kv("inner", value(random, depth + 1))));
    }
    return v.build();
  }

  private static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  /** Random bytes, never all zero. */
  private static byte[] id(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    if (n > 0) {
      b[0] |= 1;
    }
    return b;
  }
}
