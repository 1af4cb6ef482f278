package io.otlake.proto.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.otlake.proto.Hex;
import io.otlake.proto.wire.MalformedRequestException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OtlpJsonTest {
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";
  private static final String SPAN = "eee19b7ec3c1b174";
  private static final String PARENT = "eee19b7ec3c1b173";

  /** Written by hand after the OTLP specification's JSON rules, as an SDK or Collector would send it. */
  private static final String SPEC_SHAPED = """
      {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"my.service"}}]},
        "scopeSpans":[{"scope":{"name":"my.library","version":"1.0.0"},
          "spans":[{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"eee19b7ec3c1b174",
            "parentSpanId":"eee19b7ec3c1b173","name":"I'm a server span","kind":2,
            "startTimeUnixNano":"1544712660000000000","endTimeUnixNano":1544712661000000000,
            "attributes":[{"key":"my.span.attr","value":{"intValue":"42"}},
                          {"key":"b","value":{"bytesValue":"AQI="}}],
            "links":[{"traceId":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b172"}],
            "status":{"code":2,"message":"boom"},
            "someFieldFromTheFuture":{"x":1}}]}]}]}
      """;

  @Test
  void readsHexIdsIntegerEnumsBothNameSpellingsAndIgnoresUnknownFields() throws Exception {
    ExportTraceServiceRequest r = OtlpJson.parseTraceRequest(SPEC_SHAPED.getBytes(StandardCharsets.UTF_8));
    Span s = r.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(Hex.encode(s.getTraceId())).isEqualTo(TRACE);
    assertThat(Hex.encode(s.getSpanId())).isEqualTo(SPAN);
    assertThat(Hex.encode(s.getParentSpanId())).isEqualTo(PARENT);
    assertThat(s.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(s.getStartTimeUnixNano()).isEqualTo(1544712660000000000L);
    assertThat(s.getEndTimeUnixNano()).isEqualTo(1544712661000000000L);
    assertThat(s.getAttributes(0).getValue().getIntValue()).isEqualTo(42);
    assertThat(s.getAttributes(1).getValue().getBytesValue().toByteArray()).containsExactly(1, 2);
    assertThat(Hex.encode(s.getLinks(0).getSpanId())).isEqualTo("eee19b7ec3c1b172");
    assertThat(s.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(r.getResourceSpans(0).getScopeSpans(0).getScope().getVersion()).isEqualTo("1.0.0");
  }

  @Test
  void writesWhatItReadsWithHexIdsAndIntegerEnums() throws Exception {
    ExportTraceServiceRequest request = request();
    byte[] json = OtlpJson.traceRequestToJson(request);
    String text = new String(json, StandardCharsets.UTF_8);
    assertThat(text).contains("\"traceId\":\"" + TRACE + "\"").contains("\"parentSpanId\":\"" + PARENT + "\"")
        .contains("\"kind\":3").contains("\"code\":1").doesNotContain("SPAN_KIND");
    assertThat(OtlpJson.parseTraceRequest(json)).isEqualTo(request);
    assertThat(OtlpJson.traceRequestToProto(json)).isEqualTo(request.toByteArray());
  }

  @Test
  void emptyRequestsAndEmptyIdsAreFine() throws Exception {
    assertThat(OtlpJson.parseTraceRequest("{}".getBytes(StandardCharsets.UTF_8)).getResourceSpansCount()).isZero();
    ExportTraceServiceRequest r = OtlpJson.parseTraceRequest(
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"\",\"parentSpanId\":\"\"}]}]}]}"
            .getBytes(StandardCharsets.UTF_8));
    assertThat(r.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId()).isEqualTo(ByteString.EMPTY);
  }

  @Test
  void badInputIsRefusedWithWhereAndWhat() {
    assertThatThrownBy(() -> parse("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{},{\"spanId\":\"xyz1\"}]}]}]}"))
        .isInstanceOf(MalformedRequestException.class)
        .hasMessageContaining("resourceSpans[0].scopeSpans[0].spans[1]").hasMessageContaining("spanId");
    assertThatThrownBy(() -> parse("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":7}]}]}]}"))
        .isInstanceOf(MalformedRequestException.class).hasMessageContaining("traceId must be a hex string");
    assertThatThrownBy(() -> parse("{\"resourceSpans\":{}}"))
        .isInstanceOf(MalformedRequestException.class).hasMessageContaining("resourceSpans must be an array");
    assertThatThrownBy(() -> parse("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":5.5e}]}]}]}"))
        .isInstanceOf(MalformedRequestException.class).hasMessage("not valid JSON at line 1 column 52 path $.resourceSpans[0].scopeSpans[0].spans[0].name");
    assertThatThrownBy(() -> parse("[1,2]"))
        .isInstanceOf(MalformedRequestException.class).hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> parse("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"soon\"}]}]}]}"))
        .isInstanceOf(MalformedRequestException.class).hasMessageStartingWith("not a valid OTLP/JSON");
    assertThatThrownBy(() -> parse("[".repeat(100_000)))
        .isInstanceOf(MalformedRequestException.class);
  }

  private static ExportTraceServiceRequest parse(String json) throws MalformedRequestException {
    return OtlpJson.parseTraceRequest(json.getBytes(StandardCharsets.UTF_8));
  }

  private static ExportTraceServiceRequest request() {
    Span span = Span.newBuilder()
        .setTraceId(Hex.decode(TRACE)).setSpanId(Hex.decode(SPAN)).setParentSpanId(Hex.decode(PARENT))
        .setName("GET /api").setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(1_700_000_000_123_456_789L).setEndTimeUnixNano(1_700_000_000_223_456_789L)
        .setFlags(0x301).setTraceState("a=b")
        .addAttributes(KeyValue.newBuilder().setKey("n").setValue(AnyValue.newBuilder().setIntValue(-7)))
        .addAttributes(KeyValue.newBuilder().setKey("d").setValue(AnyValue.newBuilder().setDoubleValue(0.25)))
        .addAttributes(KeyValue.newBuilder().setKey("a").setValue(AnyValue.newBuilder().setArrayValue(
            ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setBoolValue(true)))))
        .addEvents(Span.Event.newBuilder().setName("exception").setTimeUnixNano(1_700_000_000_200_000_000L))
        .addLinks(Span.Link.newBuilder().setTraceId(Hex.decode(TRACE)).setSpanId(Hex.decode(PARENT)).setFlags(1))
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK))
        .build();
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
            .setValue(AnyValue.newBuilder().setStringValue("checkout"))))
        .addScopeSpans(ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("lib"))
            .addSpans(span).addSpans(span.toBuilder().clearParentSpanId().setSpanId(Hex.decode(PARENT))))
        .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0"))
        .build();
  }
}
