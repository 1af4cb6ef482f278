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
        .isInstanceOf(MalformedRequestException.class).hasMessageContaining("traceId must be hex");
    assertThatThrownBy(() -> parse("{\"resourceSpans\":{}}"))
        .isInstanceOf(MalformedRequestException.class).hasMessageContaining("Expected BEGIN_ARRAY")
        .hasMessageContaining("$.resourceSpans").hasMessageNotContaining("\n");
    assertThatThrownBy(() -> parse("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":5.5e}]}]}]}"))
        .isInstanceOf(MalformedRequestException.class).hasMessage("not valid JSON at line 1 column 56 path $.resourceSpans[0].scopeSpans[0].spans[0].name: a digit"
            + " expected in an exponent");
    assertThatThrownBy(() -> parse("[1,2]"))
        .isInstanceOf(MalformedRequestException.class).hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> parse(
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"soon\"}]}]}]}"))
        .isInstanceOf(MalformedRequestException.class).hasMessage("startTimeUnixNano: \"soon\" is not a uint64 (a JSON"
            + " number, or a string holding exactly one) at $.resourceSpans[0].scopeSpans[0].spans[0]"
            + ".startTimeUnixNano");
    assertThatThrownBy(() -> parse("[".repeat(100_000)))
        .isInstanceOf(MalformedRequestException.class);
  }

  @Test
  void hostileShapesCostLinearTimeAndGetShortMessages() throws Exception {
    String spans = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[%s]}]}]}";
    // a megabyte id: refused, quoting 32 characters of it
    assertThatThrownBy(() -> parse(spans.formatted("{\"traceId\":\"" + "zz".repeat(500_000) + "\"}")))
        .hasMessage("traceId must be hex (not a hex string: '" + "z".repeat(32) + "...' (1000000 characters)) at "
            + "$.resourceSpans[0].scopeSpans[0].spans[0].traceId");
    assertThatThrownBy(() -> parse(spans.formatted("{\"spanId\":\"" + "a".repeat(999_999) + "\"}")))
        .hasMessageStartingWith("spanId must be hex (odd number of hex digits: '" + "a".repeat(32) + "...' (999999");
    // malformed UTF-8 is refused, not replaced
    byte[] bad = spans.formatted("{\"name\":\"a\u00ffb\"}").getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> OtlpJson.parseTraceRequest(bad)).hasMessage("not valid JSON: the body is not valid UTF-8");
    // a 100,000-character unknown key before a syntax error: the path in the message is cut short
    String longKey = "k".repeat(100_000);
    assertThatThrownBy(() -> parse("{\"" + longKey + "\":[1,}"))
        .hasMessage("not valid JSON at line 1 column 100008 path $." + "k".repeat(32) + "...[1]: a value expected");
    // keys nested 255 deep, each of 40 characters: Gson's nesting limit; the message stays short
    String key = "\"" + "n".repeat(40) + "\":";
    assertThatThrownBy(() -> parse("{" + ("{" + key).repeat(300).substring(1) + "1" + "}".repeat(300)))
        .isInstanceOf(MalformedRequestException.class)
        .satisfies(e -> assertThat(e.getMessage()).startsWith("not valid JSON").hasSizeLessThan(400));
    assertThatThrownBy(() -> parse("{\"x\":" + "[".repeat(100_000)))
        .isInstanceOf(MalformedRequestException.class).hasMessageStartingWith("not valid JSON");
    // known messages nested past the limit
    String value = "{\"intValue\":\"1\"}";
    for (int i = 0; i < 25; i++) {
      value = "{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":" + value + "}]}}";
    }
    String deep = spans.formatted("{\"attributes\":[{\"key\":\"k\",\"value\":" + value + "}]}");
    assertThatThrownBy(() -> parse(deep)).hasMessageStartingWith("nested deeper than 64 at $.resourceSpans[0]")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    // a four-megabyte string is read whole
    String name = "ü".repeat(2 << 20);
    assertThat(parse(spans.formatted("{\"name\":\"" + name + "\"}")).getResourceSpans(0).getScopeSpans(0)
        .getSpans(0).getName()).isEqualTo(name);
  }

  @Test
  void repeatedKeysMeanWhatRepeatedFieldsMeanInProtobuf() throws Exception {
    // a scalar: the last wins; a message: merged; a list: appended
    ExportTraceServiceRequest r = parse("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"a\"}]},"
        + "\"resource\":{\"attributes\":[{\"key\":\"b\"}]},\"scopeSpans\":[{\"spans\":[{\"name\":\"x\"}]}],"
        + "\"scopeSpans\":[{\"spans\":[{\"name\":\"y\",\"name\":\"z\"}]}]}]}");
    assertThat(r.getResourceSpans(0).getResource().getAttributesList()).extracting(KeyValue::getKey)
        .containsExactly("a", "b");
    assertThat(r.getResourceSpans(0).getScopeSpansList()).extracting(ss -> ss.getSpans(0).getName())
        .containsExactly("x", "z");
  }

  @Test
  void readsWhatProtobufsJsonFormatReadsOnDemoRequests() throws Exception {
    java.util.Random random = new java.util.Random(5);
    int compared = 0;
    for (int i = 0; i < 100; i++) {
      ExportTraceServiceRequest request = i == 0 ? request() : randomRequest(random);
      byte[] json = OtlpJson.traceRequestToJson(request);
      assertThat(OtlpJson.parseTraceRequest(json)).isEqualTo(request);
      if (!new String(json, StandardCharsets.UTF_8).contains("-0.0")) {
        // JsonFormat reads -0.0 as 0.0; the streaming reader keeps the sign, as the round trip above checks
        assertThat(OtlpJson.parseTraceRequest(json)).isEqualTo(oracle(json));
        compared++;
      }
      // snake_case names and integers as numbers, as some senders write them
      String snake = new String(json, StandardCharsets.UTF_8).replace("\"resourceSpans\"", "\"resource_spans\"")
          .replace("\"startTimeUnixNano\":\"", "\"start_time_unix_nano\":\"");
      assertThat(OtlpJson.parseTraceRequest(snake.getBytes(StandardCharsets.UTF_8))).isEqualTo(request);
    }
    assertThat(compared).isGreaterThan(20);
  }

  /**
   * The reference reading: a JSON tree with the ids turned from hex into base64, then protobuf's own JsonFormat
   * (how this class read OTLP/JSON before its streaming reader).
   */
  private static ExportTraceServiceRequest oracle(byte[] json) throws Exception {
    com.google.gson.JsonObject root = com.google.gson.JsonParser.parseString(new String(json, StandardCharsets.UTF_8))
        .getAsJsonObject();
    for (var rs : array(root, "resourceSpans")) {
      for (var ss : array(rs, "scopeSpans")) {
        for (var span : array(ss, "spans")) {
          base64Ids(span.getAsJsonObject());
          for (var link : array(span, "links")) {
            base64Ids(link.getAsJsonObject());
          }
        }
      }
    }
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    com.google.protobuf.util.JsonFormat.parser().ignoringUnknownFields().merge(root.toString(), b);
    return b.build();
  }

  private static com.google.gson.JsonArray array(com.google.gson.JsonElement o, String name) {
    com.google.gson.JsonElement a = o.getAsJsonObject().get(name);
    return a == null ? new com.google.gson.JsonArray() : a.getAsJsonArray();
  }

  private static void base64Ids(com.google.gson.JsonObject o) {
    for (String name : new String[] {"traceId", "spanId", "parentSpanId"}) {
      if (o.has(name)) {
        o.addProperty(name, java.util.Base64.getEncoder().encodeToString(
            Hex.decode(o.get(name).getAsString()).toByteArray()));
      }
    }
  }

  private static ExportTraceServiceRequest parse(String json) throws MalformedRequestException {
    return OtlpJson.parseTraceRequest(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Every kind of value OTLP traces carry, with edge values: the round trip must keep each. */
  static ExportTraceServiceRequest randomRequest(java.util.Random random) {
    ExportTraceServiceRequest.Builder r = ExportTraceServiceRequest.newBuilder();
    for (int res = 0; res < 1 + random.nextInt(3); res++) {
      ResourceSpans.Builder rs = ResourceSpans.newBuilder()
          .setResource(Resource.newBuilder().addAllAttributes(attributes(random, 4)).setDroppedAttributesCount(res))
          .setSchemaUrl(res % 2 == 0 ? "" : "https://opentelemetry.io/schemas/1.26.0");
      for (int sc = 0; sc < 1 + random.nextInt(2); sc++) {
        ScopeSpans.Builder ss = ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder()
            .setName("scope-" + sc).setVersion(sc == 0 ? "" : "1.0").addAllAttributes(attributes(random, 1)));
        for (int sp = 0; sp < random.nextInt(6); sp++) {
          byte[] trace = new byte[16];
          byte[] span = new byte[8];
          random.nextBytes(trace);
          random.nextBytes(span);
          Span.Builder b = Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(span))
              .setName(sp % 3 == 0 ? "GET /ünïcode/𝄞" : "op \"quoted\" \\ " + sp)
              .setKind(Span.SpanKind.forNumber(random.nextInt(6)))
              .setStartTimeUnixNano(random.nextBoolean() ? random.nextLong() : 1_700_000_000_000_000_000L)
              .setEndTimeUnixNano(-1L) // the largest unsigned value
              .setFlags(random.nextInt())
              .setTraceState(random.nextBoolean() ? "" : "a=b,c=d")
              .setDroppedAttributesCount(random.nextInt(3)).setDroppedEventsCount(random.nextInt(3))
              .setDroppedLinksCount(random.nextInt(3))
              .addAllAttributes(attributes(random, random.nextInt(8)))
              .setStatus(Status.newBuilder().setCodeValue(random.nextInt(3)).setMessage(sp % 2 == 0 ? "" : "x"));
          if (random.nextBoolean()) {
            byte[] parent = new byte[8];
            random.nextBytes(parent);
            b.setParentSpanId(ByteString.copyFrom(parent));
          }
          for (int e = 0; e < random.nextInt(3); e++) {
            b.addEvents(Span.Event.newBuilder().setName("event").setTimeUnixNano(random.nextLong())
                .addAllAttributes(attributes(random, 2)).setDroppedAttributesCount(e));
          }
          for (int l = 0; l < random.nextInt(3); l++) {
            b.addLinks(Span.Link.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(span))
                .setTraceState("k=v").setFlags(l).addAllAttributes(attributes(random, 1)));
          }
          ss.addSpans(b);
        }
        rs.addScopeSpans(ss);
      }
      r.addResourceSpans(rs);
    }
    return r.build();
  }

  private static java.util.List<KeyValue> attributes(java.util.Random random, int n) {
    java.util.List<KeyValue> out = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(KeyValue.newBuilder().setKey("k" + i).setValue(anyValue(random, 0)).build());
    }
    return out;
  }

  private static AnyValue anyValue(java.util.Random random, int depth) {
    AnyValue.Builder v = AnyValue.newBuilder();
    switch (random.nextInt(depth < 2 ? 9 : 7)) {
      case 0 -> v.setStringValue(random.nextBoolean() ? "" : "välue " + random.nextInt());
      case 1 -> v.setIntValue(random.nextBoolean() ? 0 : random.nextLong());
      case 2 -> v.setDoubleValue(new double[] {0.0, -0.0, 1e-300, Double.NaN, Double.POSITIVE_INFINITY, 0.1}[random.nextInt(6)]);
      case 3 -> v.setBoolValue(random.nextBoolean());
      case 4 -> {
        byte[] b = new byte[random.nextInt(5)];
        random.nextBytes(b);
        v.setBytesValue(ByteString.copyFrom(b));
      }
      case 5, 6 -> { } // empty value
      case 7 -> v.setArrayValue(ArrayValue.newBuilder().addValues(anyValue(random, depth + 1))
          .addValues(anyValue(random, depth + 1)));
      default -> v.setKvlistValue(io.opentelemetry.proto.common.v1.KeyValueList.newBuilder()
          .addValues(KeyValue.newBuilder().setKey("inner").setValue(anyValue(random, depth + 1))));
    }
    return v.build();
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
