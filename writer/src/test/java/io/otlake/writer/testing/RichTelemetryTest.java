package io.otlake.writer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.otlake.proto.json.OtlpJson;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rich generator keeps the promises issue 13 and BENCHMARKS.md make about its data. */
class RichTelemetryTest {
  private static final long START = 1_800_000_000_000_000_000L;

  @Test
  void sameSeedSameBytes() {
    assertThat(new RichTelemetry(3, START, 100_000).request(512).toByteArray())
        .isEqualTo(new RichTelemetry(3, START, 100_000).request(512).toByteArray());
    assertThat(new RichTelemetry(3, START, 100_000).request(512).toByteArray())
        .isNotEqualTo(new RichTelemetry(4, START, 100_000).request(512).toByteArray());
  }

  @Test
  void demoShapedRichTraces() {
    int expected = 30_000;
    RichTelemetry rich = new RichTelemetry(9, START, expected);
    Map<com.google.protobuf.ByteString, Span> byId = new HashMap<>();
    Map<com.google.protobuf.ByteString, Integer> spansPerTrace = new HashMap<>();
    Set<String> services = new HashSet<>();
    Set<Resource> resources = new HashSet<>();
    Map<String, Set<String>> appValues = new HashMap<>();
    EnumSet<AnyValue.ValueCase> types = EnumSet.noneOf(AnyValue.ValueCase.class);
    int spans = 0;
    int errors = 0;
    int exceptions = 0;
    int otherEvents = 0;
    int ok = 0;
    long attributes = 0;
    long bytes = 0;
    long jsonBytes = 0;
    int jsonSpans = 0;
    long minStart = Long.MAX_VALUE;
    long maxStart = 0;
    while (spans < expected) {
      ExportTraceServiceRequest r = rich.request(512);
      bytes += r.getSerializedSize();
      if (jsonSpans < 3_000) { // protobuf's JSON printer is slow: a sample
        jsonBytes += OtlpJson.traceRequestToJson(r).length;
        jsonSpans += r.getResourceSpansList().stream().flatMap(rs -> rs.getScopeSpansList().stream())
            .mapToInt(ScopeSpans::getSpansCount).sum();
      }
      for (ResourceSpans rs : r.getResourceSpansList()) {
        resources.add(rs.getResource());
        assertThat(rs.getResource().getAttributesCount()).isEqualTo(18);
        services.add(rs.getResource().getAttributes(0).getValue().getStringValue());
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span s : ss.getSpansList()) {
            spans++;
            byId.put(s.getSpanId(), s);
            spansPerTrace.merge(s.getTraceId(), 1, Integer::sum);
            attributes += s.getAttributesCount();
            minStart = Math.min(minStart, s.getStartTimeUnixNano());
            maxStart = Math.max(maxStart, s.getStartTimeUnixNano());
            for (KeyValue kv : s.getAttributesList()) {
              types.add(kv.getValue().getValueCase());
              if (kv.getKey().startsWith("app.")) {
                appValues.computeIfAbsent(kv.getKey(), k -> new HashSet<>()).add(kv.getValue().toString());
              }
            }
            if (s.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR) {
              errors++;
              assertThat(s.getStatus().getMessage()).isNotEmpty();
              if (s.getEventsList().stream().anyMatch(e -> e.getName().equals("exception"))) {
                exceptions++;
              }
            } else if (s.getEventsCount() > 0) {
              otherEvents++;
              assertThat(s.getEventsCount()).isBetween(1, 2);
            }
            if (s.getStatus().getCode() == Status.StatusCode.STATUS_CODE_OK) {
              ok++;
            }
            assertThat(s.getEndTimeUnixNano()).isGreaterThan(s.getStartTimeUnixNano());
          }
        }
      }
    }
    // children inside their parents (a Kafka consumer span starts after its producer span instead)
    int children = 0;
    for (Span s : byId.values()) {
      Span parent = byId.get(s.getParentSpanId());
      if (s.getParentSpanId().isEmpty()) {
        continue;
      }
      assertThat(parent).isNotNull();
      assertThat(parent.getTraceId()).isEqualTo(s.getTraceId());
      children++;
      if (s.getKind() == Span.SpanKind.SPAN_KIND_CONSUMER) {
        assertThat(s.getStartTimeUnixNano()).isGreaterThanOrEqualTo(parent.getEndTimeUnixNano());
      } else {
        assertThat(s.getStartTimeUnixNano()).isGreaterThanOrEqualTo(parent.getStartTimeUnixNano());
        assertThat(s.getEndTimeUnixNano()).isLessThanOrEqualTo(parent.getEndTimeUnixNano());
      }
    }
    assertThat(children).isEqualTo(spans - spansPerTrace.size());

    double perTrace = (double) spans / spansPerTrace.size();
    System.out.printf(java.util.Locale.ROOT, "rich: %d spans, %.2f spans/trace, %.2f attributes/span, %.1f B/span"
        + " protobuf, %.1f B/span JSON, errors %.2f%%, exceptions %.2f%%, other events %.2f%%, ok %.2f%%%n", spans,
        perTrace, (double) attributes / spans, (double) bytes / spans, (double) jsonBytes / jsonSpans,
        100.0 * errors / spans, 100.0 * exceptions / spans, 100.0 * otherEvents / spans, 100.0 * ok / spans);
    assertThat(services).hasSize(12);
    assertThat(resources).hasSize(25);
    assertThat(spansPerTrace.values()).allSatisfy(n -> assertThat(n).isBetween(5, 30));
    assertThat(perTrace).isBetween(8.8, 9.8);
    assertThat((double) attributes / spans).isBetween(10.8, 11.8);
    assertThat((double) bytes / spans).isBetween(490.0, 560.0);
    assertThat((double) errors / spans).isBetween(0.015, 0.025);
    assertThat((double) exceptions / errors).isBetween(0.35, 0.65);
    assertThat((double) otherEvents / spans).isBetween(0.07, 0.11);
    assertThat((double) ok / spans).isBetween(0.08, 0.12);
    assertThat(types).contains(AnyValue.ValueCase.STRING_VALUE, AnyValue.ValueCase.INT_VALUE,
        AnyValue.ValueCase.DOUBLE_VALUE, AnyValue.ValueCase.BOOL_VALUE);
    // cardinalities: 10 products, at most 10k users and 50k sessions, order ids unique per checkout
    assertThat(appValues.get("app.product.id")).hasSize(10);
    assertThat(appValues.get("app.user.id").size()).isBetween(1_000, 10_000);
    assertThat(appValues.get("app.session.id").size()).isBetween(1_000, 50_000);
    assertThat(appValues.get("app.shipping.tracking.id").size())
        .isEqualTo(appValues.get("app.order.id").size());
    // the announced spans cover two days
    assertThat((double) (maxStart - minStart) / RichTelemetry.TWO_DAYS_NANOS).isBetween(0.9, 1.1);
  }
}
