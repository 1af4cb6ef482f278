package io.otlake.writer.signals.traces;

import io.otlake.writer.decode.AttrList;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.otlake.proto.wire.ScannedTraces;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Resources and scopes are reused by their bytes across requests, and only by their bytes. */
class SpanViewTest {
  private static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  private static byte[] request(String pod, String scopeVersion) {
    Span span = Span.newBuilder().setTraceId(ByteString.copyFrom(new byte[16])).setSpanId(ByteString.copyFrom(
        new byte[] {1, 2, 3, 4, 5, 6, 7, 8})).setName("op").setStartTimeUnixNano(1).setEndTimeUnixNano(2).build();
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(kv("service.name", "cart")).addAttributes(kv("k8s.pod.name", pod)))
        .addScopeSpans(ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("io.grpc").setVersion(scopeVersion))
            .addSpans(span)))
        .build().toByteArray();
  }

  private static List<String> resourceValues(SpanView v) {
    List<String> out = new ArrayList<>();
    AttrList.Pairs p = v.resource().attributes().values().start();
    while (p.hasNext()) {
      p.next();
      out.add(p.key() + "=" + p.value());
    }
    return out;
  }

  @Test
  void sameBytesSameStateOtherBytesOtherState() throws Exception {
    SpanView view = new SpanView();
    view.reset(ScannedTraces.scan(request("cart-1", "1.0")));
    view.moveTo(0);
    AttrList first = view.resource().attributes();
    long firstVersion = first.version();
    assertThat(resourceValues(view)).containsExactly("service.name=cart", "k8s.pod.name=cart-1");

    view.reset(ScannedTraces.scan(request("cart-1", "1.0")));
    view.moveTo(0);
    assertThat(view.resource().attributes()).isSameAs(first);
    assertThat(first.version()).isEqualTo(firstVersion);

    view.reset(ScannedTraces.scan(request("cart-2", "1.0")));
    view.moveTo(0);
    assertThat(view.resource().attributes()).isNotSameAs(first);
    assertThat(resourceValues(view)).containsExactly("service.name=cart", "k8s.pod.name=cart-2");
    assertThat(view.serviceName()).isEqualTo("cart");

    view.reset(ScannedTraces.scan(request("cart-2", "2.0")));
    view.moveTo(0);
    assertThat(view.scope().version().toString()).isEqualTo("2.0");
    // the first request's state is untouched by the later ones
    assertThat(first.version()).isEqualTo(firstVersion);
  }
}
