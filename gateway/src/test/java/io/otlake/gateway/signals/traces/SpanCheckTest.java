package io.otlake.gateway.signals.traces;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedRequest;
import io.otlake.proto.wire.ScannedTraces;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class SpanCheckTest {
  private static final long NOW = 1_800_000_000_000_000_000L;
  private final SpanCheck check = new SpanCheck(() -> NOW);

  private static Span good() {
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
        .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
        .setName("op")
        .setStartTimeUnixNano(NOW - 1_000_000)
        .setEndTimeUnixNano(NOW)
        .build();
  }

  private String check(UnaryOperator<Span.Builder> change) {
    try {
      ScannedRequest r = ScannedRequest.scan(ExportTraceServiceRequest.newBuilder().addResourceSpans(
          ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(good())
              .addSpans(change.apply(good().toBuilder())))).build().toByteArray(), ScannedTraces.TREE);
      assertThat(check.problem(r, 0)).isNull();
      String problem = check.problem(r, 1);
      return problem == null ? null : r.path(1) + ": " + problem;
    } catch (MalformedRequestException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void acceptsAWellFormedSpan() {
    assertThat(check(b -> b)).isNull();
    assertThat(check(b -> b.setParentSpanId(ByteString.copyFrom(new byte[] {9, 9, 9, 9, 9, 9, 9, 9})))).isNull();
  }

  @Test
  void namesTheSpanAndTheProblem() {
    assertThat(check(b -> b.setTraceId(ByteString.copyFrom(new byte[8]))))
        .isEqualTo("resource_spans[0].scope_spans[0].spans[1]: trace_id must be 16 bytes, got 8");
    assertThat(check(b -> b.setTraceId(ByteString.copyFrom(new byte[16])))).endsWith("trace_id must not be all zeros");
    assertThat(check(b -> b.setSpanId(ByteString.EMPTY))).endsWith("span_id must be 8 bytes, got 0");
    assertThat(check(b -> b.setParentSpanId(ByteString.copyFrom(new byte[3]))))
        .endsWith("parent_span_id must be 8 bytes, got 3");
    assertThat(check(b -> b.setStartTimeUnixNano(0))).endsWith("start_time_unix_nano is missing");
    assertThat(check(b -> b.setEndTimeUnixNano(0))).endsWith("end_time_unix_nano is missing");
    assertThat(check(b -> b.setStartTimeUnixNano(1_700_000_000_000L).setEndTimeUnixNano(1_700_000_000_001L)))
        .contains("before the year 2000");
    assertThat(check(b -> b.setStartTimeUnixNano(NOW + 2 * 86_400_000_000_000L)
        .setEndTimeUnixNano(NOW + 2 * 86_400_000_000_001L))).contains("more than a day in the future");
    assertThat(check(b -> b.setEndTimeUnixNano(NOW - 2_000_000))).contains("is before start_time_unix_nano");
    assertThat(check(b -> b.addLinks(Span.Link.newBuilder().setTraceId(ByteString.copyFrom(new byte[16]))
        .setSpanId(ByteString.copyFrom(new byte[] {1, 1, 1, 1, 1, 1, 1, 1}))))).endsWith("links[0].trace_id must not be all zeros");
  }
}
