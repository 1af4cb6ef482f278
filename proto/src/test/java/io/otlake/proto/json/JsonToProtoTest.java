package io.otlake.proto.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.otlake.proto.signals.RandomRequests;
import io.otlake.proto.wire.MalformedRequestException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonToProto} against the Gson-based reader it replaced ({@link GsonJsonToProto}, itself checked against
 * protobuf's JsonFormat in {@link OtlpJsonTest}): the same protobuf bytes for every request both read, in every
 * spelling OTLP/JSON allows; the same refusals for broken input, always as {@link MalformedRequestException}; and the
 * edges of strings, numbers, names and nesting one by one.
 */
class JsonToProtoTest {
  private static final Descriptor TRACES = ExportTraceServiceRequest.getDescriptor();
  private static final String SPANS = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[%s]}]}]}";

  @Test
  void readsEverySpellingAsTheGsonReaderAndAsTheRequestWas() throws Exception {
    Random random = new Random(13);
    int checked = 0;
    for (int i = 0; i < 300; i++) {
      Message request = switch (i % 3) {
        case 0 -> OtlpJsonTest.randomRequest(random);
        case 1 -> RandomRequests.logs(random);
        default -> RandomRequests.metrics(random);
      };
      Descriptor d = request.getDescriptorForType();
      JsonElement tree = JsonParser.parseString(new String(OtlpJson.requestToJson(request), StandardCharsets.UTF_8));
      byte[] json = print(vary(tree, random), random);
      byte[] proto = JsonToProto.transcode(json, d);
      assertThat(proto).as("%s", new String(json, StandardCharsets.UTF_8))
          .isEqualTo(GsonJsonToProto.transcode(json, d));
      assertThat(request.getParserForType().parseFrom(proto)).isEqualTo(request);
      checked++;
    }
    assertThat(checked).isEqualTo(300);
  }

  @Test
  void brokenInputIsRefusedAsTheGsonReaderRefusedIt() throws Exception {
    Random random = new Random(17);
    List<byte[]> seeds = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      seeds.add(print(vary(JsonParser.parseString(new String(OtlpJson.traceRequestToJson(
          OtlpJsonTest.randomRequest(random)), StandardCharsets.UTF_8)), random), random));
    }
    byte[] pieces = "{}[]\",:\\-+.0123456789eEtrufalsn \n\t\u0001/xu".getBytes(StandardCharsets.UTF_8);
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < 6000; i++) {
      byte[] in = seeds.get(random.nextInt(seeds.size())).clone();
      ByteArrayOutputStream m = new ByteArrayOutputStream();
      int at = random.nextInt(in.length);
      int cut = random.nextInt(4);
      m.write(in, 0, at);
      switch (random.nextInt(5)) {
        case 0 -> m.write(pieces[random.nextInt(pieces.length)]);
        case 1 -> m.write(0x80 + random.nextInt(0x80)); // a stray byte of a multi-byte character
        case 2 -> m.write(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, 0, 3); // an encoded surrogate
        case 3 -> m.write(pieces, random.nextInt(pieces.length - 3), 3);
        default -> { }
      }
      m.write(in, Math.min(in.length, at + cut), Math.max(0, in.length - at - cut));
      byte[] mutated = m.toByteArray();
      Object mine = outcome(() -> JsonToProto.transcode(mutated, TRACES));
      Object gson = outcome(() -> GsonJsonToProto.transcode(mutated, TRACES));
      String shown = new String(mutated, StandardCharsets.UTF_8);
      assertThat(mine).as("%s", shown).isNotInstanceOf(RuntimeException.class);
      if (mine instanceof byte[] b) {
        assertThat(gson).as("%s", shown).isInstanceOf(byte[].class);
        assertThat(b).as("%s", shown).isEqualTo((byte[]) gson);
        accepted++;
      } else {
        if (!(gson instanceof MalformedRequestException)
            && ((Exception) mine).getMessage().endsWith("a control character in a string must be escaped")) {
          continue; // Gson's reader did not look for them in the values it skipped
        }
        assertThat(gson).as("%s refused: %s", shown, mine).isInstanceOf(MalformedRequestException.class);
        assertThat(((MalformedRequestException) mine).getMessage()).hasSizeLessThan(500);
        refused++;
      }
    }
    assertThat(accepted).isGreaterThan(500);
    assertThat(refused).isGreaterThan(500);
  }

  @Test
  void stringsAreUtf8WithEveryEscape() throws Exception {
    assertThat(name("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u0000\\u00fc\\u20AC\"")).isEqualTo("a\"b\\c/d\b\f\n\r\t\0ü€");
    assertThat(name("\"\\ud834\\udd1e and \uD834\uDD1E\"")).isEqualTo("𝄞 and 𝄞"); // a pair escaped, and in UTF-8
    // an escaped lone surrogate becomes '?', as Java's (and protobuf's) UTF-8 encoder writes it
    assertThat(name("\"x\\ud834y\"")).isEqualTo("x?y");
    assertThat(name("\"x\\udd1e\\ud834\"")).isEqualTo("x??");
    assertThat(name("\"\\ud834\\u0041\"")).isEqualTo("?A");
    assertThat(name("123")).isEqualTo("123"); // a string field takes a number's text, as the Gson reader did
    for (String bad : new String[] {"\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"a\tb\"", "\"a\u0001b\"", "\"abc",
        "\"\\"}) {
      assertThatThrownBy(() -> name(bad)).as(bad).isInstanceOf(MalformedRequestException.class)
          .hasMessageStartingWith("not valid JSON at line ");
    }
    byte[][] notUtf8 = {
        {(byte) 0xc0, (byte) 0x80}, // overlong NUL
        {(byte) 0xe0, (byte) 0x80, (byte) 0x80}, // overlong
        {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // a surrogate, encoded
        {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
        {(byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        {(byte) 0xc3}, // cut short by the closing quote
        {(byte) 0x80},
    };
    for (byte[] bad : notUtf8) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.writeBytes("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"".getBytes(StandardCharsets.UTF_8));
      b.writeBytes(bad);
      b.writeBytes("\"}]}]}]}".getBytes(StandardCharsets.UTF_8));
      byte[] body = b.toByteArray();
      assertThatThrownBy(() -> JsonToProto.transcode(body, TRACES))
          .hasMessage("not valid JSON: the body is not valid UTF-8");
      assertThatThrownBy(() -> GsonJsonToProto.transcode(body, TRACES)).isInstanceOf(MalformedRequestException.class);
    }
    // a byte order mark before the object is skipped; an unknown key with non-ASCII and escaped characters too
    byte[] bom = ("\uFEFF" + SPANS.formatted("{\"n\\u00e4me\":1,\"name\":\"ok\"}")).getBytes(StandardCharsets.UTF_8);
    assertThat(span(bom).getName()).isEqualTo("ok");
    // a name with escapes is still a name
    assertThat(span(SPANS.formatted("{\"n\\u0061me\":\"esc\"}").getBytes(StandardCharsets.UTF_8)).getName())
        .isEqualTo("esc");
  }

  @Test
  void integersAsStringsOrNumbersAndEnumsAsNames() throws Exception {
    String[][] cases = {
        {"\"1700000000000000000\"", "1700000000000000000"}, {"1700000000000000000", "1700000000000000000"},
        {"18446744073709551615", "-1"}, {"\"18446744073709551615\"", "-1"}, {"1e3", "1000"}, {"\"1.0\"", "1"},
        {"0", "0"}, {"9223372036854775808", String.valueOf(Long.MIN_VALUE)},
    };
    for (String[] c : cases) {
      Span s = span(SPANS.formatted("{\"startTimeUnixNano\":" + c[0] + "}").getBytes(StandardCharsets.UTF_8));
      assertThat(s.getStartTimeUnixNano()).as(c[0]).isEqualTo(Long.parseLong(c[1]));
    }
    for (String bad : new String[] {"-1", "\"-0\"", "18446744073709551616", "1.5", "\"01\"", "\" 1\"", "true"}) {
      assertThatThrownBy(() -> span(SPANS.formatted("{\"startTimeUnixNano\":" + bad + "}")
          .getBytes(StandardCharsets.UTF_8))).as(bad).isInstanceOf(MalformedRequestException.class)
          .hasMessageContaining("startTimeUnixNano").hasMessageContaining("spans[0].startTimeUnixNano");
    }
    for (String bad : new String[] {"01", "1.", "-", "1e", "+1", ".5"}) {
      assertThatThrownBy(() -> span(SPANS.formatted("{\"startTimeUnixNano\":" + bad + "}")
          .getBytes(StandardCharsets.UTF_8))).as(bad).hasMessageStartingWith("not valid JSON at line 1");
    }
    // int32 bounds, signed
    String attr = "{\"droppedAttributesCount\":%s}";
    assertThat(span(SPANS.formatted(attr.formatted("4294967295")).getBytes(StandardCharsets.UTF_8))
        .getDroppedAttributesCount()).isEqualTo(-1);
    assertThatThrownBy(() -> span(SPANS.formatted(attr.formatted("4294967296")).getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("out of range for a uint32");
    // enums: numbers, names, numbers in strings; unknown names are ignored
    assertThat(span(SPANS.formatted("{\"kind\":\"SPAN_KIND_CONSUMER\"}").getBytes(StandardCharsets.UTF_8)).getKind())
        .isEqualTo(Span.SpanKind.SPAN_KIND_CONSUMER);
    assertThat(span(SPANS.formatted("{\"kind\":\"3\"}").getBytes(StandardCharsets.UTF_8)).getKind())
        .isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(span(SPANS.formatted("{\"kind\":\"SPAN_KIND_FROM_THE_FUTURE\",\"name\":\"n\"}")
        .getBytes(StandardCharsets.UTF_8)).getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_UNSPECIFIED);
    assertThat(span(SPANS.formatted("{\"status\":{\"code\":\"STATUS_CODE_ERROR\"}}").getBytes(StandardCharsets.UTF_8))
        .getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
  }

  @Test
  void namesInBothSpellingsAndUnknownFieldsAtAnyDepth() throws Exception {
    String unknown = "\"future\":{\"a\":[1,{\"b\":[[],{}],\"c\":null},\"x\",true,false,-1.5e-3],\"d\":{}}";
    Span s = span(SPANS.formatted("{" + unknown + ",\"trace_id\":\"5b8efff798038103d269b633813fc60c\","
        + "\"spanId\":\"EEE19B7EC3C1B174\",\"parent_span_id\":\"\",\"end_time_unix_nano\":\"5\",\"name\":null,"
        + "\"events\":[null,{\"name\":\"e\"," + unknown + "}],\"links\":null}").getBytes(StandardCharsets.UTF_8));
    assertThat(io.otlake.proto.Hex.encode(s.getTraceId())).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(io.otlake.proto.Hex.encode(s.getSpanId())).isEqualTo("eee19b7ec3c1b174");
    assertThat(s.getParentSpanId().isEmpty()).isTrue();
    assertThat(s.getEndTimeUnixNano()).isEqualTo(5);
    assertThat(s.getEventsList()).extracting(Span.Event::getName).containsExactly("e");
    // unknown values nest up to 255 levels; deeper is refused with a short message
    String ok = "{\"x\":" + "[".repeat(250) + "]".repeat(250) + "}";
    assertThat(JsonToProto.transcode(ok.getBytes(StandardCharsets.UTF_8), TRACES)).isEmpty();
    String deep = "{\"x\":" + "[".repeat(300) + "]".repeat(300) + "}";
    assertThatThrownBy(() -> JsonToProto.transcode(deep.getBytes(StandardCharsets.UTF_8), TRACES))
        .hasMessageStartingWith("not valid JSON at line 1 column").hasMessageEndingWith("nested deeper than 255")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    // whitespace of every kind between tokens, none inside numbers
    assertThat(span(SPANS.formatted(" {\r\n\t\"name\" :\t\"w\" , \"kind\"\n:\n2 } ")
        .getBytes(StandardCharsets.UTF_8)).getName()).isEqualTo("w");
    for (String bad : new String[] {"{\"name\":\"a\",}", "{,}", "{\"name\" \"a\"}", "{\"name\":'a'}",
        "{name:\"a\"}", "{\"name\":\"a\"}/*c*/", "{\"kind\":tru}", "{\"kind\":truex}", "{\"kind\":nul}"}) {
      assertThatThrownBy(() -> span(SPANS.formatted(bad).getBytes(StandardCharsets.UTF_8))).as(bad)
          .hasMessageStartingWith("not valid JSON");
    }
    assertThatThrownBy(() -> JsonToProto.transcode("{} {}".getBytes(StandardCharsets.UTF_8), TRACES))
        .hasMessageStartingWith("not valid JSON: more after the object");
    assertThatThrownBy(() -> JsonToProto.transcode(new byte[0], TRACES)).hasMessage("not valid JSON: the input ends"
        + " too soon");
    assertThatThrownBy(() -> JsonToProto.transcode("  ".getBytes(StandardCharsets.UTF_8), TRACES))
        .hasMessage("not valid JSON: the input ends too soon");
  }

  @Test
  void idsAreAsciiHexStringsOnly() throws Exception {
    assertThat(io.otlake.proto.Hex.encode(span(SPANS.formatted("{\"spanId\":\"00000000000000Af\"}")
        .getBytes(StandardCharsets.UTF_8)).getSpanId())).isEqualTo("00000000000000af");
    // Arabic-Indic digits are digits to Character.digit, not hex digits; a bare number is not a hex string
    for (String id : new String[] {"\"\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0661\"", "\"\u0661\u0662\"",
        "1234567812345678", "12345678"}) {
      byte[] json = SPANS.formatted("{\"spanId\":" + id + "}").getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> JsonToProto.transcode(json, TRACES)).as(id)
          .isInstanceOf(MalformedRequestException.class).hasMessageContaining("spanId");
      assertThatThrownBy(() -> GsonJsonToProto.transcode(json, TRACES)).as(id)
          .isInstanceOf(MalformedRequestException.class).hasMessageContaining("spanId");
    }
  }

  @Test
  void messagesNestSixtyFourDeep() throws Exception {
    // request, resource spans, scope spans, span, key-value, any value: 5 levels below the request; 3 a kvlist
    for (int lists : new int[] {19, 20}) {
      String value = "{\"intValue\":\"1\"}";
      for (int i = 0; i < lists; i++) {
        value = "{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":" + value + "}]}}";
      }
      byte[] json = SPANS.formatted("{\"attributes\":[{\"key\":\"k\",\"value\":" + value + "}]}")
          .getBytes(StandardCharsets.UTF_8);
      if (lists == 19) {
        assertThat(JsonToProto.transcode(json, TRACES)).isEqualTo(GsonJsonToProto.transcode(json, TRACES));
      } else {
        assertThatThrownBy(() -> JsonToProto.transcode(json, TRACES)).hasMessageStartingWith("nested deeper than 64");
        assertThatThrownBy(() -> GsonJsonToProto.transcode(json, TRACES))
            .hasMessageStartingWith("nested deeper than 64");
      }
    }
  }

  @Test
  void longMessagesGetLengthsOfEverySize() throws Exception {
    // lengths of 1, 2, 3 and 4 bytes, in both orders (the guessed length is then too long, then too short)
    for (int size : new int[] {5, 200, 20_000, 3_000_000, 20_000, 200, 5, 0}) {
      String name = "x".repeat(size);
      byte[] json = SPANS.formatted("{\"name\":\"" + name + "\"},{\"name\":\"" + "y".repeat(size / 2) + "\"}")
          .getBytes(StandardCharsets.UTF_8);
      byte[] proto = JsonToProto.transcode(json, TRACES);
      assertThat(proto).isEqualTo(GsonJsonToProto.transcode(json, TRACES));
      assertThat(ExportTraceServiceRequest.parseFrom(proto).getResourceSpans(0).getScopeSpans(0).getSpans(0)
          .getName()).hasSize(size);
    }
  }

  /** A span every fast path takes: its names in the usual order, its attributes in the usual shape. */
  private static final String USUAL = q("{'traceId':'5b8efff798038103d269b633813fc60c','spanId':'eee19b7ec3c1b174',"
      + "'name':'GET /','kind':2,'startTimeUnixNano':'1700000000000000000','attributes':["
      + "{'key':'http.method','value':{'stringValue':'GET'}},{'key':'http.status_code','value':{'intValue':'200'}},"
      + "{'key':'net.peer.port','value':{'intValue':8080}},{'key':'error','value':{'boolValue':false}},"
      + "{'key':'ratio','value':{'doubleValue':0.25}}],'flags':257}");

  /** Spans that leave the fast paths somewhere along the way, after spans that take them. */
  private static final String[] UNUSUAL = {
      // names in another order, with white space, escaped, in snake_case, cut or lengthened, unknown, twice
      q("{'name':'x','traceId':'5b8efff798038103d269b633813fc60c','kind':1}"),
      q("{'traceId' :'5b8efff798038103d269b633813fc60c', 'spanId':'eee19b7ec3c1b174',\n'name'\t: 'y'}"),
      q("{'trace\\u0049d':'5b8efff798038103d269b633813fc60c','span\\'Id':1,'n\\u0061me':'z'}"),
      q("{'trace_id':'5b8efff798038103d269b633813fc60c','span_id':'eee19b7ec3c1b174','name':'s'}"),
      q("{'trace':1,'traceIdX':2,'traceI':3,'spanId':'eee19b7ec3c1b174','nam':'','name':'p'}"),
      q("{'traceId':'5b8efff798038103d269b633813fc60c','traceId':'00000000000000000000000000000001',"
          + "'name':'a','name':'b','kind':1,'kind':'SPAN_KIND_SERVER'}"),
      q("{'traceId':null,'spanId':'eee19b7ec3c1b174','name':123,'kind':'2','flags':'257'}"),
      q("{'traceIdé':1,'spanId':'eee19b7ec3c1b174','namé':'','name':'ü'}"),
      "{}",
      // attributes in every other shape: other order, white space, escapes, unknown fields, duplicate keys,
      // non-string values, nulls, other kinds of value, numbers in every spelling
      q("{'attributes':[{'value':{'stringValue':'v'},'key':'k'},{ 'key':'k','value':{'stringValue':'v'}},"
          + "{'key' :'k','value':{'stringValue':'v'}},{'key':'k' ,'value':{'stringValue':'v'}},"
          + "{'key':'k','value' : { 'stringValue' : 'v' } },{'key':'k','value':{'stringValue':'v'} }]}"),
      q("{'attributes':[{'key':'k\\u00e9','value':{'stringValue':'v\\n'}},{'key':'é','value':{'stringValue':'ü'}},"
          + "{'key':'','value':{'stringValue':''}},{'key':'k','value':{'string_value':'v'}},"
          + "{'key':'k','value':{'stringValue':'v','x':1}},{'key':'k','x':1,'value':{}},"
          + "{'key':'k','value':{'stringValue':'v'},'key':'l'},{'key':'k','key':'l','value':null},"
          + "{'key':'k','value':{'stringValue':'v','stringValue':'w'}},{'key':'k'},{'value':{}}]}"),
      q("{'attributes':[{'key':'k','value':{'stringValue':123}},{'key':7,'value':{'stringValue':'v'}},"
          + "{'key':'k','value':{'stringValue':null}},{'key':'k','value':{'boolValue':true}},"
          + "{'key':'k','value':{'boolValue':'true'}},{'key':'k','value':{'intValue':-5}},"
          + "{'key':'k','value':{'intValue':'-0'}},{'key':'k','value':{'intValue':'1e3'}},"
          + "{'key':'k','value':{'intValue':1.0}},{'key':'k','value':{'intValue':'9223372036854775807'}},"
          + "{'key':'k','value':{'intValue':-9223372036854775808}},{'key':'k','value':{'intValue':0}},"
          + "{'key':'k','value':{'intValue':'123456789012345678'}},{'key':'k','value':{'doubleValue':'NaN'}},"
          + "{'key':'k','value':{'doubleValue':-0.0}},{'key':'k','value':{'doubleValue':1e300}},"
          + "{'key':'k','value':{'arrayValue':{'values':[{'stringValue':'a'},{'intValue':'1'}]}}},"
          + "{'key':'k','value':{'kvlistValue':{'values':[{'key':'in','value':{'stringValue':'v'}}]}}},"
          + "{'key':'k','value':{'bytesValue':'AAE='}}]}"),
      q("{'attributes':[{'key':'k','value':{'stringValue':'" + "v".repeat(300) + "'}},{'key':'" + "k".repeat(200)
          + "','value':{'intValue':'1'}}],'events':[{'name':'e','attributes':[{'key':'k','value':"
          + "{'stringValue':'v'}}]}]}"),
  };

  @Test
  void fastPathsFallBackAtTheFirstSurpriseToTheSameBytesAndErrors() throws Exception {
    StringBuilder spans = new StringBuilder(USUAL);
    for (String unusual : UNUSUAL) {
      byte[] json = SPANS.formatted(USUAL + "," + USUAL + "," + unusual + "," + USUAL)
          .getBytes(StandardCharsets.UTF_8);
      sameWithAndWithoutFastPaths(json);
      assertThat(JsonToProto.transcode(json, TRACES)).as(unusual).isEqualTo(GsonJsonToProto.transcode(json, TRACES));
      spans.append(',').append(unusual).append(',').append(USUAL);
    }
    sameWithAndWithoutFastPaths(SPANS.formatted(spans).getBytes(StandardCharsets.UTF_8));
    // attributes in kvlists nested up to and past the 64 messages allowed (the general path refuses the deepest)
    for (int lists = 17; lists <= 21; lists++) {
      String value = q("{'key':'k','value':{'intValue':'1'}},{'key':'k','value':{'stringValue':'v'}}");
      for (int i = 0; i < lists; i++) {
        value = q("{'key':'k','value':{'kvlistValue':{'values':[" + value + "]}}},"
            + "{'key':'k','value':{'boolValue':true}}");
      }
      Object outcome = sameWithAndWithoutFastPaths(SPANS.formatted(q("{'attributes':[" + value + "]}"))
          .getBytes(StandardCharsets.UTF_8));
      if (lists <= 19) {
        assertThat(outcome).isInstanceOf(byte[].class);
      } else {
        assertThat(((Exception) outcome).getMessage()).startsWith("nested deeper than 64");
      }
    }
    // cut anywhere, or one byte changed anywhere into one that may break a name, a string or the punctuation
    byte[] usual = SPANS.formatted(USUAL + "," + USUAL + "," + USUAL).getBytes(StandardCharsets.UTF_8);
    for (int cut = 0; cut < usual.length; cut++) {
      sameWithAndWithoutFastPaths(Arrays.copyOf(usual, cut));
    }
    byte[] changes = {'"', '\\', ' ', '}', '{', ']', ',', ':', 'x', '0', '-', '.', 'n', 1, (byte) 0xc3, (byte) 0x80};
    for (int at = 0; at < usual.length; at++) {
      for (byte c : changes) {
        byte[] changed = usual.clone();
        changed[at] = c;
        sameWithAndWithoutFastPaths(changed);
      }
    }
    // and random requests in varied spellings, whole, cut and with a byte changed
    Random random = new Random(19);
    for (int i = 0; i < 300; i++) {
      byte[] in = print(vary(JsonParser.parseString(new String(OtlpJson.traceRequestToJson(
          OtlpJsonTest.randomRequest(random)), StandardCharsets.UTF_8)), random), random);
      int at = random.nextInt(in.length);
      byte[] changed = in.clone();
      changed[at] = changes[random.nextInt(changes.length)];
      sameWithAndWithoutFastPaths(in);
      sameWithAndWithoutFastPaths(changed);
      sameWithAndWithoutFastPaths(Arrays.copyOf(in, at));
    }
  }

  /** Keys, values and attribute lists whose lengths take 2, 3 and 4 varint bytes, on the fast path and off it. */
  @Test
  void longKeysValuesAndListsTakeTheirLengthsWholeBothWays() throws Exception {
    for (int n : new int[] {127, 128, 16_383, 16_384, 20_000, 2_097_152}) {
      String big = "v".repeat(n);
      StringBuilder many = new StringBuilder();
      for (int i = 0; i < 1 + 40_000 / (n + 40); i++) {
        many.append(i == 0 ? "" : ",").append(q("{'key':'k" + i + "','value':{'stringValue':'" + big + "'}}"));
      }
      for (String attributes : new String[] {
          q("{'key':'" + big + "','value':{'stringValue':'x'}}"),
          q("{'key':'k','value':{'stringValue':'" + big + "'}}"),
          many.toString()}) {
        byte[] json = SPANS.formatted(q("{'name':'op','attributes':[") + attributes + "]}")
            .getBytes(StandardCharsets.UTF_8);
        assertThat(sameWithAndWithoutFastPaths(json)).isInstanceOf(byte[].class);
        assertThat(JsonToProto.transcode(json, TRACES)).isEqualTo(GsonJsonToProto.transcode(json, TRACES));
      }
    }
  }

  /**
   * The guesses are shared by every thread (one table per message type): threads transcoding requests whose names
   * come in different orders at once each get the bytes a lone transcode gives.
   */
  @Test
  void threadsWithOtherNameOrdersGetTheSameBytesAsAlone() throws Exception {
    Random random = new Random(23);
    List<byte[]> inputs = new ArrayList<>();
    List<byte[]> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      byte[] in = print(vary(JsonParser.parseString(new String(OtlpJson.traceRequestToJson(
          OtlpJsonTest.randomRequest(random)), StandardCharsets.UTF_8)), random), random);
      inputs.add(in);
      expected.add(JsonToProto.transcode(in, TRACES, false));
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int start = t;
        done.add(pool.submit(() -> {
          for (int round = 0; round < 50; round++) {
            for (int k = 0; k < inputs.size(); k++) {
              int i = (start * 7 + k * (start + 1)) % inputs.size();
              assertThat(JsonToProto.transcode(inputs.get(i), TRACES)).isEqualTo(expected.get(i));
            }
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The fast paths against the general one: the same bytes, or the same refusal word for word (returned). */
  private static Object sameWithAndWithoutFastPaths(byte[] json) {
    Object fast = outcome(() -> JsonToProto.transcode(json, TRACES, true));
    Object general = outcome(() -> JsonToProto.transcode(json, TRACES, false));
    String shown = new String(json, StandardCharsets.UTF_8);
    if (general instanceof byte[] b) {
      assertThat(fast).as("%s", shown).isInstanceOf(byte[].class);
      assertThat((byte[]) fast).as("%s", shown).isEqualTo(b);
    } else {
      assertThat(general).as("%s", shown).isInstanceOf(MalformedRequestException.class);
      assertThat(fast).as("%s", shown).isInstanceOf(MalformedRequestException.class);
      assertThat(((Exception) fast).getMessage()).as("%s", shown).isEqualTo(((Exception) general).getMessage());
    }
    return fast;
  }

  /** JSON written with single quotes, for short. */
  private static String q(String json) {
    return json.replace('\'', '"');
  }

  // ---- helpers

  private static Object outcome(ThrowingCall call) {
    try {
      return call.get();
    } catch (Exception | StackOverflowError e) {
      return e;
    }
  }

  @FunctionalInterface
  private interface ThrowingCall {
    byte[] get() throws Exception;
  }

  private static Span span(byte[] json) throws Exception {
    byte[] proto = JsonToProto.transcode(json, TRACES);
    assertThat(proto).isEqualTo(GsonJsonToProto.transcode(json, TRACES));
    return ExportTraceServiceRequest.parseFrom(proto).getResourceSpans(0).getScopeSpans(0).getSpans(0);
  }

  private static String name(String value) throws Exception {
    return span(SPANS.formatted("{\"name\":" + value + "}").getBytes(StandardCharsets.UTF_8)).getName();
  }

  /** Enum fields OTLP/JSON writes as numbers, by name, with what reads their numbers as names. */
  private static final Map<String, java.util.function.IntFunction<Enum<?>>> ENUMS = Map.of(
      "kind", Span.SpanKind::forNumber, "code", Status.StatusCode::forNumber,
      "severityNumber", SeverityNumber::forNumber, "aggregationTemporality", AggregationTemporality::forNumber);

  /**
   * The same request in another spelling OTLP/JSON allows: names in snake_case, integers in strings as numbers,
   * enums by name, doubles as strings, and unknown fields (nested, with every kind of value) here and there.
   */
  private static JsonElement vary(JsonElement e, Random r) {
    if (e.isJsonArray()) {
      JsonArray a = new JsonArray();
      for (JsonElement x : e.getAsJsonArray()) {
        a.add(vary(x, r));
      }
      return a;
    }
    if (!e.isJsonObject()) {
      if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
        String s = e.getAsString();
        if (s.matches("-?(0|[1-9][0-9]{0,19})") && r.nextBoolean()) {
          return new JsonPrimitive(new com.google.gson.internal.LazilyParsedNumber(s));
        }
      } else if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() && r.nextInt(3) == 0) {
        return new JsonPrimitive(e.getAsString()); // a number in a string
      }
      return e;
    }
    JsonObject o = new JsonObject();
    for (Map.Entry<String, JsonElement> f : e.getAsJsonObject().entrySet()) {
      if (r.nextInt(8) == 0) {
        o.add("unknown" + r.nextInt(1000), randomJson(r, 0));
      }
      JsonElement v = f.getValue();
      var toName = ENUMS.get(f.getKey());
      if (toName != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber() && r.nextBoolean()) {
        Enum<?> named = toName.apply(v.getAsInt());
        o.add(key(f.getKey(), r), named == null ? v : new JsonPrimitive(named.name()));
      } else {
        o.add(key(f.getKey(), r), vary(v, r));
      }
    }
    return o;
  }

  private static String key(String camel, Random r) {
    return r.nextBoolean() ? camel : camel.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
  }

  private static JsonElement randomJson(Random r, int depth) {
    switch (r.nextInt(depth < 3 ? 7 : 5)) {
      case 0 -> {
        return JsonNull.INSTANCE;
      }
      case 1 -> {
        return new JsonPrimitive(r.nextBoolean());
      }
      case 2 -> {
        return new JsonPrimitive(new com.google.gson.internal.LazilyParsedNumber(
            new String[] {"0", "-1", "1.5e-7", "123456789012345678901234567890", "-0.0E+1"}[r.nextInt(5)]));
      }
      case 3, 4 -> {
        return new JsonPrimitive(new String[] {"", "x", "ü \"q\" \\ 𝄞", "\u0001\u001f"}[r.nextInt(4)]);
      }
      case 5 -> {
        JsonArray a = new JsonArray();
        for (int i = r.nextInt(3); i > 0; i--) {
          a.add(randomJson(r, depth + 1));
        }
        return a;
      }
      default -> {
        JsonObject o = new JsonObject();
        for (int i = r.nextInt(3); i > 0; i--) {
          o.add("k" + i + (r.nextBoolean() ? "é" : ""), randomJson(r, depth + 1));
        }
        return o;
      }
    }
  }

  /** Prints JSON with white space here and there and characters escaped at random (every way JSON allows). */
  private static byte[] print(JsonElement e, Random r) {
    StringBuilder b = new StringBuilder();
    print(e, b, r);
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void print(JsonElement e, StringBuilder b, Random r) {
    space(b, r);
    if (e.isJsonObject()) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<String, JsonElement> f : e.getAsJsonObject().entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        space(b, r);
        string(f.getKey(), b, r);
        space(b, r);
        b.append(':');
        print(f.getValue(), b, r);
        space(b, r);
      }
      b.append('}');
    } else if (e.isJsonArray()) {
      b.append('[');
      boolean first = true;
      for (JsonElement x : e.getAsJsonArray()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        print(x, b, r);
        space(b, r);
      }
      b.append(']');
    } else if (e.isJsonNull()) {
      b.append("null");
    } else if (e.getAsJsonPrimitive().isString()) {
      string(e.getAsString(), b, r);
    } else {
      b.append(e.getAsString());
    }
    space(b, r);
  }

  private static void space(StringBuilder b, Random r) {
    if (r.nextInt(10) == 0) {
      b.append(" \t\n\r".charAt(r.nextInt(4)));
    }
  }

  private static void string(String s, StringBuilder b, Random r) {
    b.append('"');
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      boolean must = cp == '"' || cp == '\\' || cp < 0x20;
      if (!must && r.nextInt(6) != 0) {
        b.appendCodePoint(cp);
        continue;
      }
      String shortForm = switch (cp) {
        case '"' -> "\\\"";
        case '\\' -> "\\\\";
        case '/' -> "\\/";
        case '\b' -> "\\b";
        case '\f' -> "\\f";
        case '\n' -> "\\n";
        case '\r' -> "\\r";
        case '\t' -> "\\t";
        default -> null;
      };
      if (shortForm != null && r.nextBoolean()) {
        b.append(shortForm);
      } else {
        for (char c : Character.toChars(cp)) {
          String hex = String.format("%04x", (int) c);
          b.append("\\u").append(r.nextBoolean() ? hex : hex.toUpperCase(java.util.Locale.ROOT));
        }
      }
    }
    b.append('"');
  }
}
