package io.otlake.gateway.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.otlake.gateway.signals.traces.Traces;
import io.otlake.proto.RecordSplitter;
import io.otlake.proto.wire.ScannedTraces;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FanOutLimitsTest {
  private static final long NOW = 1_800_000_000_000_000_000L;
  private static final long DAY = 86_400_000_000_000L;

  private static Span span(long traceNo, long start) {
    byte[] trace = new byte[16];
    trace[0] = 1;
    trace[15] = (byte) traceNo;
    trace[14] = (byte) (traceNo >>> 8);
    byte[] id = new byte[8];
    id[0] = 1;
    id[7] = (byte) traceNo;
    id[6] = (byte) (traceNo >>> 8);
    return Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(id)).setName("op")
        .setStartTimeUnixNano(start).setEndTimeUnixNano(start + 1000).build();
  }

  private static ResourceSpans resource(String service, Span... spans) {
    Resource.Builder r = Resource.newBuilder()
        .addAttributes(KeyValue.newBuilder().setKey("host.name").setValue(AnyValue.newBuilder().setStringValue("h")));
    if (service != null) {
      r.addAttributes(KeyValue.newBuilder().setKey("service.name")
          .setValue(AnyValue.newBuilder().setStringValue(service)));
    }
    return ResourceSpans.newBuilder().setResource(r)
        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(java.util.List.of(spans))).build();
  }

  /** {@code resources} resource_spans over {@code services} service names, one span each, all started today. */
  private static ScannedTraces request(int resources, int services) throws Exception {
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    for (int i = 0; i < resources; i++) {
      b.addResourceSpans(resource("svc-" + (i % services), span(i, NOW - 1000)));
    }
    return ScannedTraces.scan(b.build().toByteArray());
  }

  private static String check(FanOutLimits limits, ScannedTraces t) {
    FanOutLimits.Exceeded e = limits.check(t.request(), null, Traces.UNIT);
    return e == null ? null : e.message();
  }

  @Test
  void resourcesPerRequest() throws Exception {
    FanOutLimits limits = new FanOutLimits(100, 1000, 1000);
    assertThat(check(limits, request(100, 1))).isNull();
    assertThat(check(limits, request(101, 1)))
        .isEqualTo("request has 101 resource_spans, over request.max-resources=100; send fewer resources per request");
  }

  @Test
  void distinctServicesPerRequest() throws Exception {
    FanOutLimits limits = new FanOutLimits(100_000, 50, 100_000);
    // the probe of the issue, scaled down: 2,000 resource_spans over 500 service names
    assertThat(check(limits, request(2000, 50))).isNull();
    assertThat(check(limits, request(2000, 500))).contains("more than 50 distinct service.name values")
        .contains("request.max-services=50");
    // a resource without service.name counts as one more (unnamed) service
    ExportTraceServiceRequest unnamed = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(resource("a", span(1, NOW))).addResourceSpans(resource(null, span(2, NOW))).build();
    assertThat(check(new FanOutLimits(10, 1, 10), ScannedTraces.scan(unnamed.toByteArray())))
        .contains("request.max-services=1");
  }

  @Test
  void partitionsPerRequestCountServiceAndDay() throws Exception {
    Span[] spans = new Span[30];
    for (int d = 0; d < 30; d++) {
      spans[d] = span(d, NOW - d * DAY);
    }
    ScannedTraces oneServiceThirtyDays = ScannedTraces.scan(ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(resource("svc", spans)).build().toByteArray());
    assertThat(check(new FanOutLimits(10, 10, 30), oneServiceThirtyDays)).isNull();
    assertThat(check(new FanOutLimits(10, 10, 29), oneServiceThirtyDays))
        .contains("more than 29 table partitions").contains("request.max-partitions=29");
    // ten resources of two services, one day: two partitions
    assertThat(check(new FanOutLimits(10, 10, 2), request(10, 2))).isNull();
    assertThat(check(new FanOutLimits(10, 10, 1), request(10, 2))).contains("request.max-partitions=1");
  }

  @Test
  void readsServiceNameWhereverItIsAmongTheAttributes() throws Exception {
    // value before key within the KeyValue, and service.name after other attributes
    KeyValue reversed = KeyValue.newBuilder().setKey("service.name")
        .setValue(AnyValue.newBuilder().setStringValue("checkout")).build();
    byte[] kv = reversed.toByteArray();
    // re-encode with field 2 (value) first
    KeyValue parsedBack = KeyValue.parseFrom(swapFields(kv));
    assertThat(parsedBack).isEqualTo(reversed);
    ResourceSpans rs = ResourceSpans.newBuilder().setSchemaUrl("https://opentelemetry.io/schemas/1.21.0")
        .setResource(Resource.newBuilder()
            .addAttributes(KeyValue.newBuilder().setKey("k").setValue(AnyValue.newBuilder().setIntValue(3)))
            .addAttributes(parsedBack))
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(span(1, NOW))).build();
    ScannedTraces t = ScannedTraces.scan(ExportTraceServiceRequest.newBuilder().addResourceSpans(rs).build()
        .toByteArray());
    assertThat(FanOutLimits.serviceName(t.request(), 0)).isEqualTo("checkout");
  }

  /** A KeyValue's bytes with its two fields in the other order (both are short, one-byte length prefixes). */
  private static byte[] swapFields(byte[] kv) {
    int firstLen = 2 + kv[1];
    byte[] out = new byte[kv.length];
    System.arraycopy(kv, firstLen, out, 0, kv.length - firstLen);
    System.arraycopy(kv, 0, out, kv.length - firstLen, firstLen);
    return out;
  }

  @Test
  void theReceiverRefusesPastALimitWithTheKeyAndCountsTheItems() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger sent = new AtomicInteger();
    RecordSink sink = (signal, records, at) -> {
      sent.addAndGet(records.size());
      return CompletableFuture.completedFuture(null);
    };
    SignalReceiver receiver = new SignalReceiver(Traces.UNIT, new FanOutLimits(100, 10, 100),
        new RecordSplitter(1 << 20, 1 << 20), sink, () -> NOW / 1_000_000, Intake.unbounded(new ReceiverMetrics(registry)));
    byte[] tooManyServices = ExportTraceServiceRequest.newBuilder().addAllResourceSpans(
        java.util.stream.IntStream.range(0, 20).mapToObj(i -> resource("s" + i, span(i, NOW - 1))).toList())
        .build().toByteArray();
    Throwable refusal = receiver.export(tooManyServices).handle((ok, e) -> e).get();
    assertThat(refusal).isInstanceOf(Rejection.class).hasMessageContaining("request.max-services=10");
    assertThat(registry.get("otlake.gateway.items.refused").tag("signal", "traces").counter().count())
        .isEqualTo(20.0);
    assertThat(registry.get("otlake.gateway.requests.over.limit").tag("limit", "request.max-services").counter()
        .count()).isEqualTo(1.0);

    // one resource of 20 kB over 100 traces: ~2 MB of records, over a 1 MiB split bound
    Span[] spans = new Span[100];
    for (int i = 0; i < spans.length; i++) {
      spans[i] = span(i, NOW - 1);
    }
    ResourceSpans big = resource("svc", spans).toBuilder().setResource(Resource.newBuilder().addAttributes(
        KeyValue.newBuilder().setKey("labels").setValue(AnyValue.newBuilder().setStringValue("x".repeat(20_000)))))
        .build();
    Throwable split = receiver.export(ExportTraceServiceRequest.newBuilder().addResourceSpans(big).build()
        .toByteArray()).handle((ok, e) -> e).get();
    assertThat(split).isInstanceOf(Rejection.class)
        .hasMessageContaining("request.max-split-bytes=1048576");
    assertThat(sent).hasValue(0);
    assertThat(registry.get("otlake.gateway.items.refused").tag("signal", "traces").counter().count())
        .isEqualTo(120.0);
    assertThat(registry.get("otlake.gateway.requests.over.limit").tag("limit", "request.max-split-bytes").counter()
        .count()).isEqualTo(1.0);
  }
}
