package io.otlake.writer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The generator keeps the promises BENCHMARKS.md makes about the data. */
class DemoTelemetryTest {
  @Test
  void sameSeedSameBytes() {
    long start = 1_800_000_000_000_000_000L;
    assertThat(new DemoTelemetry(3, start, 100, 1).request(512).toByteArray())
        .isEqualTo(new DemoTelemetry(3, start, 100, 1).request(512).toByteArray());
  }

  @Test
  void demoShapedTraces() {
    DemoTelemetry demo = new DemoTelemetry(9, 1_800_000_000_000_000_000L, 100, 1);
    Map<String, Integer> spansPerTrace = new HashMap<>();
    Set<String> services = new HashSet<>();
    int spans = 0;
    int errors = 0;
    int withEvents = 0;
    long attributes = 0;
    long bytes = 0;
    for (int i = 0; i < 40; i++) {
      ExportTraceServiceRequest r = demo.request(512);
      bytes += r.getSerializedSize();
      for (ResourceSpans rs : r.getResourceSpansList()) {
        services.add(rs.getResource().getAttributes(0).getValue().getStringValue());
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span s : ss.getSpansList()) {
            spans++;
            spansPerTrace.merge(s.getTraceId().toStringUtf8(), 1, Integer::sum);
            attributes += s.getAttributesCount();
            if (s.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR) {
              errors++;
            }
            if (s.getEventsCount() > 0) {
              withEvents++;
            }
            assertThat(s.getEndTimeUnixNano()).isGreaterThan(s.getStartTimeUnixNano());
          }
        }
      }
    }
    assertThat(services).hasSizeGreaterThanOrEqualTo(12);
    assertThat(spansPerTrace.values()).allSatisfy(n -> assertThat(n).isBetween(5, 30));
    assertThat((double) errors / spans).isBetween(0.01, 0.03);
    assertThat(withEvents).isPositive();
    assertThat((double) attributes / spans).isBetween(5.0, 12.0);
    assertThat((double) bytes / spans).isBetween(250.0, 600.0);
  }
}
