package io.otlake.proto.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.otlake.proto.wire.MalformedRequestException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Every numeric edge case of OTLP/JSON through the whole reader, each with its exact outcome: the value read, or the
 * message of the refusal (which names the field and its path).
 */
class JsonNumbersTest {
  private static final String SPAN_PATH = "$.resourceSpans[0].scopeSpans[0].spans[0]";
  private static final String VALUE_PATH = SPAN_PATH + ".attributes[0].value";

  // ---- uint64 (fixed64): startTimeUnixNano ----

  @Test
  void unsigned64TakesDecimalStringsAndNumbers() throws Exception {
    assertThat(start("\"1544712660000000000\"")).isEqualTo(1544712660000000000L);
    assertThat(start("1544712660000000000")).isEqualTo(1544712660000000000L);
    assertThat(start("\"0\"")).isEqualTo(0L);
    assertThat(start("0")).isEqualTo(0L);
    assertThat(start("\"18446744073709551615\"")).isEqualTo(-1L); // 2^64 - 1, the largest
    assertThat(start("18446744073709551615")).isEqualTo(-1L);
    assertThat(start("\"9223372036854775808\"")).isEqualTo(Long.MIN_VALUE); // 2^63 is fine unsigned
  }

  @Test
  void unsigned64TakesIntegralExponentAndFractionForms() throws Exception {
    assertThat(start("\"1e3\"")).isEqualTo(1000L);
    assertThat(start("1e3")).isEqualTo(1000L);
    assertThat(start("1E+3")).isEqualTo(1000L);
    assertThat(start("\"1.0\"")).isEqualTo(1L);
    assertThat(start("1000e-3")).isEqualTo(1L);
    assertThat(start("\"1.5e1\"")).isEqualTo(15L);
    assertThat(start("\"0.0000000000000000000000000001e28\"")).isEqualTo(1L);
    assertThat(start("\"100000000000000000000e-2\"")).isEqualTo(1_000_000_000_000_000_000L);
    assertThat(start("\"1.8446744073709551615e19\"")).isEqualTo(-1L);
    assertThat(start("\"1544712660000000000.000\"")).isEqualTo(1544712660000000000L);
    assertThat(start("\"0e99999\"")).isEqualTo(0L); // zero whatever the exponent
    assertThat(start("0.000e-5")).isEqualTo(0L);
    assertThat(start("\"1" + "0".repeat(19) + "e-19\"")).isEqualTo(1L);
  }

  @Test
  void unsigned64RefusesOverflowByOneAndHugeValues() {
    assertRefused(start("\"18446744073709551616\""), "\"18446744073709551616\" is out of range for a uint64");
    assertRefused(start("18446744073709551616"), "\"18446744073709551616\" is out of range for a uint64");
    assertRefused(start("\"1.8446744073709551616e19\""), "\"1.8446744073709551616e19\" is out of range for a uint64");
    assertRefused(start("\"1e20\""), "\"1e20\" is out of range for a uint64");
    assertRefused(start("\"1e30000000\""), "\"1e30000000\" is out of range for a uint64");
    assertRefused(start("1e30000000"), "\"1e30000000\" is out of range for a uint64");
    assertRefused(start("\"1e99999999999999999999999999\""),
        "\"1e99999999999999999999999999\" is out of range for a uint64");
    assertRefused(start("\"" + "1".repeat(1000) + "\""),
        "\"" + "1".repeat(32) + "...\" (1000 characters) is out of range for a uint64");
  }

  @Test
  void unsigned64RefusesNegativesMinusZeroAndFractions() {
    assertRefused(start("\"-1\""), "\"-1\" is negative, and a uint64 cannot be");
    assertRefused(start("-1"), "\"-1\" is negative, and a uint64 cannot be");
    assertRefused(start("\"-0\""), "\"-0\" is negative, and a uint64 cannot be");
    assertRefused(start("-0"), "\"-0\" is negative, and a uint64 cannot be");
    assertRefused(start("-0.0e7"), "\"-0.0e7\" is negative, and a uint64 cannot be");
    assertRefused(start("1.5"), "\"1.5\" is not an integer, as a uint64 must be");
    assertRefused(start("1500e-3"), "\"1500e-3\" is not an integer, as a uint64 must be");
    assertRefused(start("\"1e-1\""), "\"1e-1\" is not an integer, as a uint64 must be");
    assertRefused(start("\"1544712660000000000.5\""),
        "\"1544712660000000000.5\" is not an integer, as a uint64 must be");
    assertRefused(start("\"1e-30000000\""), "\"1e-30000000\" is not an integer, as a uint64 must be");
  }

  @Test
  void integersMustBeSpelledExactlyAsJsonNumbers() {
    for (String bad : new String[] {"+1", "01", "00", " 1", "1 ", "\\t1", "0x10", "1e", "1e+", ".5", "1.", "-", "1_000",
        "1,000", "١", "NaN", "Infinity", "1d", "1L", "e3"}) {
      String shown = bad.replace("\\t", "\t");
      assertRefused(start("\"" + bad + "\""),
          "\"" + shown + "\" is not a uint64 (a JSON number, or a string holding exactly one)");
    }
    assertRefused(start("\"\""), "an empty string is not a uint64");
    assertThat(start("true")).isEqualTo("refused: startTimeUnixNano must be a uint64 but was BOOLEAN at "
        + SPAN_PATH + ".startTimeUnixNano");
    assertThat(start("{}")).isEqualTo("refused: startTimeUnixNano must be a uint64 but was BEGIN_OBJECT at "
        + SPAN_PATH + ".startTimeUnixNano");
  }

  @Test
  void numbersLongerThanTheLimitAreRefusedWhateverTheirValue() {
    String digits = "1" + "0".repeat(JsonNumbers.MAX_CHARS) + "e-" + JsonNumbers.MAX_CHARS; // the value is 1
    assertRefused(start("\"" + digits + "\""), "a number of " + digits.length() + " characters is longer than the "
        + JsonNumbers.MAX_CHARS + " allowed for a uint64");
    assertRefused(doubleValue("\"" + "1".repeat(5000) + "\""),
        "a number of 5000 characters is longer than the 1024 allowed for a double", VALUE_PATH + ".doubleValue");
    // as a bare JSON number Gson's reader refuses it already, as malformed JSON
    assertThat((String) start("1".repeat(2000))).startsWith("refused: not valid JSON at line 1 column");
    assertThat(start("\"" + "1".repeat(1024) + "\"")).isEqualTo("refused: startTimeUnixNano: \"" + "1".repeat(32)
        + "...\" (1024 characters) is out of range for a uint64 at " + SPAN_PATH + ".startTimeUnixNano");
  }

  // ---- int64: AnyValue.intValue ----

  @Test
  void signed64RangeIsExactAndMinusZeroIsZero() throws Exception {
    assertThat(intValue("\"9223372036854775807\"")).isEqualTo(Long.MAX_VALUE);
    assertThat(intValue("\"-9223372036854775808\"")).isEqualTo(Long.MIN_VALUE);
    assertThat(intValue("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    assertThat(intValue("\"-9.223372036854775808e18\"")).isEqualTo(Long.MIN_VALUE);
    assertThat(intValue("\"-0\"")).isEqualTo(0L);
    assertThat(intValue("-0")).isEqualTo(0L);
    assertThat(intValue("\"-42\"")).isEqualTo(-42L);
    assertThat(intValue("-4.2e1")).isEqualTo(-42L);
    assertRefused(intValue("\"9223372036854775808\""), "\"9223372036854775808\" is out of range for an int64",
        VALUE_PATH + ".intValue");
    assertRefused(intValue("\"-9223372036854775809\""), "\"-9223372036854775809\" is out of range for an int64",
        VALUE_PATH + ".intValue");
    assertRefused(intValue("\"-1e19\""), "\"-1e19\" is out of range for an int64", VALUE_PATH + ".intValue");
    assertRefused(intValue("\"-1e30000000\""), "\"-1e30000000\" is out of range for an int64",
        VALUE_PATH + ".intValue");
    assertRefused(intValue("\"-0.5\""), "\"-0.5\" is not an integer, as an int64 must be", VALUE_PATH + ".intValue");
  }

  // ---- uint32 and int32 (enum) ----

  @Test
  void unsigned32AndEnumRanges() throws Exception {
    assertThat(span("\"droppedAttributesCount\":\"4294967295\"").getDroppedAttributesCount()).isEqualTo(-1);
    assertThat(span("\"droppedAttributesCount\":4294967295").getDroppedAttributesCount()).isEqualTo(-1);
    assertThat(span("\"droppedAttributesCount\":7e0").getDroppedAttributesCount()).isEqualTo(7);
    assertThat(refusal("\"droppedAttributesCount\":4294967296")).isEqualTo("droppedAttributesCount: \"4294967296\" is"
        + " out of range for a uint32 at " + SPAN_PATH + ".droppedAttributesCount");
    assertThat(refusal("\"droppedAttributesCount\":-0")).isEqualTo("droppedAttributesCount: \"-0\" is negative, and"
        + " a uint32 cannot be at " + SPAN_PATH + ".droppedAttributesCount");
    assertThat(span("\"kind\":-2147483648").getKindValue()).isEqualTo(Integer.MIN_VALUE);
    assertThat(span("\"kind\":\"3\"").getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT); // a number in a string
    assertThat(span("\"kind\":\"SPAN_KIND_SERVER\"").getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(span("\"kind\":\"SPAN_KIND_FROM_THE_FUTURE\"").getKindValue()).isZero(); // unknown names: ignored
    assertThat(refusal("\"kind\":2147483648")).isEqualTo("kind: \"2147483648\" is out of range for an int32 at "
        + SPAN_PATH + ".kind");
    assertThat(refusal("\"kind\":\"-2147483649\"")).isEqualTo("kind: \"-2147483649\" is out of range for an int32 at "
        + SPAN_PATH + ".kind");
    assertThat(refusal("\"kind\":\"1e30000000\"")).isEqualTo("kind: \"1e30000000\" is out of range for an int32 at "
        + SPAN_PATH + ".kind");
    assertThat(refusal("\"kind\":\"01\"")).isEqualTo("kind: \"01\" is not an int32 (a JSON number, or a string"
        + " holding exactly one) at " + SPAN_PATH + ".kind");
  }

  // ---- double: AnyValue.doubleValue ----

  @Test
  void doublesTakeNumbersNumericStringsAndTheThreeSpecialStrings() throws Exception {
    assertThat(doubleValue("\"NaN\"")).isEqualTo(Double.NaN);
    assertThat(doubleValue("\"Infinity\"")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(doubleValue("\"-Infinity\"")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(doubleValue("1.5")).isEqualTo(1.5);
    assertThat(doubleValue("\"1.5\"")).isEqualTo(1.5);
    assertThat(doubleValue("-2.5E-3")).isEqualTo(-0.0025);
    assertThat(Double.doubleToRawLongBits((Double) doubleValue("-0"))).isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(Double.doubleToRawLongBits((Double) doubleValue("\"-0.0\"")))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(doubleValue("1e-400")).isEqualTo(0.0); // too small: zero, as protobuf reads it
    assertThat(doubleValue("\"1e-30000000\"")).isEqualTo(0.0);
    assertThat(doubleValue("2.2250738585072012e-308")).isEqualTo(2.2250738585072014E-308);
    assertThat(doubleValue("1.7976931348623157e308")).isEqualTo(Double.MAX_VALUE);
  }

  @Test
  void doublesRefuseOtherSpellingsAndOverflow() {
    String at = VALUE_PATH + ".doubleValue";
    for (String bad : new String[] {"nan", "NAN", "-NaN", "+NaN", "inf", "-inf", "+Infinity", "infinity", "Infinity ",
        " NaN", "0x1p3", "1d", "1f", "+1", "01", ".5", "1.", "1e", " 1.5", "1.5 "}) {
      assertRefused(doubleValue("\"" + bad + "\""),
          "\"" + bad + "\" is not a double (a JSON number, or a string holding exactly one)", at);
    }
    assertRefused(doubleValue("\"\""), "an empty string is not a double", at);
    assertRefused(doubleValue("1e400"), "\"1e400\" is out of range for a double", at);
    assertRefused(doubleValue("-1e400"), "\"-1e400\" is out of range for a double", at);
    assertRefused(doubleValue("\"1e30000000\""), "\"1e30000000\" is out of range for a double", at);
    assertRefused(doubleValue("1.7976931348623159e308"), "\"1.7976931348623159e308\" is out of range for a double", at);
    // bare NaN and Infinity are not JSON
    assertThat((String) doubleValue("NaN")).startsWith("refused: not valid JSON at line 1 column");
    assertThat((String) doubleValue("-Infinity")).startsWith("refused: not valid JSON at line 1 column");
  }

  @Test
  void floatsAreCheckedAgainstTheirOwnRange() throws Exception {
    assertThat(JsonNumbers.floating("3.4028235e38", false, true)).isEqualTo(3.4028235e38);
    assertThat(JsonNumbers.floating("-3.40282356e38", false, true)).isEqualTo(-3.40282356e38);
    assertThatThrownBy(() -> JsonNumbers.floating("3.4028235677973366e38", false, true)) // halfway: rounds up
        .hasMessage("\"3.4028235677973366e38\" is out of range for a float");
    assertThatThrownBy(() -> JsonNumbers.floating("3.5e38", false, true))
        .hasMessage("\"3.5e38\" is out of range for a float");
    assertThat(JsonNumbers.floating("NaN", true, true)).isNaN();
    assertThatThrownBy(() -> JsonNumbers.floating("NaN", false, true))
        .hasMessage("\"NaN\" is not a float (a JSON number, or a string holding exactly one)");
  }

  @Test
  void hugeExponentsAreRefusedQuickly() {
    // before bounded parsing, "1e30000000" cost ~45 s of CPU in BigDecimal.toBigIntegerExact
    warmUp();
    String[] pathological = {"\"1e30000000\"", "1e30000000", "\"1e999999999\"", "\"-1e30000000\"", "\"1e-30000000\"",
        "\"1.0e2147483648\"", "\"" + "9".repeat(1024) + "\""};
    for (String value : pathological) {
      long t0 = System.nanoTime();
      Object outcome = start(value);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(outcome).asString().startsWith("refused: startTimeUnixNano: ");
      assertThat(took).as("reading startTimeUnixNano %s", value).isLessThan(Duration.ofMillis(500));
      t0 = System.nanoTime();
      outcome = intValue(value);
      took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(outcome).asString().startsWith("refused: intValue: ");
      assertThat(took).as("reading intValue %s", value).isLessThan(Duration.ofMillis(500));
    }
  }

  // ---- helpers ----

  private static void warmUp() {
    for (int i = 0; i < 100; i++) {
      start("\"" + (1_700_000_000_000_000_000L + i) + "\"");
    }
  }

  /** The span's start time read from {@code value}, or "refused: " and the message. */
  private static Object start(String value) {
    try {
      return spanOf("{\"startTimeUnixNano\":" + value + "}").getStartTimeUnixNano();
    } catch (MalformedRequestException e) {
      return "refused: " + e.getMessage();
    }
  }

  private static Object intValue(String value) {
    try {
      return attribute(value, "intValue").getIntValue();
    } catch (MalformedRequestException e) {
      return "refused: " + e.getMessage();
    }
  }

  private static Object doubleValue(String value) {
    try {
      return attribute(value, "doubleValue").getDoubleValue();
    } catch (MalformedRequestException e) {
      return "refused: " + e.getMessage();
    }
  }

  private static AnyValue attribute(String value, String kind) throws MalformedRequestException {
    return spanOf("{\"attributes\":[{\"key\":\"k\",\"value\":{\"" + kind + "\":" + value + "}}]}")
        .getAttributes(0).getValue();
  }

  private static Span span(String fields) throws MalformedRequestException {
    return spanOf("{" + fields + "}");
  }

  private static String refusal(String fields) {
    try {
      span(fields);
      return "accepted";
    } catch (MalformedRequestException e) {
      return e.getMessage();
    }
  }

  private static Span spanOf(String spanJson) throws MalformedRequestException {
    String json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + spanJson + "]}]}]}";
    ExportTraceServiceRequest r = OtlpJson.parseTraceRequest(json.getBytes(StandardCharsets.UTF_8));
    return r.getResourceSpans(0).getScopeSpans(0).getSpans(0);
  }

  /** A refusal of startTimeUnixNano with exactly this reason. */
  private static void assertRefused(Object outcome, String reason) {
    assertRefused(outcome, reason, SPAN_PATH + ".startTimeUnixNano");
  }

  private static void assertRefused(Object outcome, String reason, String path) {
    String field = path.substring(path.lastIndexOf('.') + 1);
    assertThat(outcome).isEqualTo("refused: " + field + ": " + reason + " at " + path);
  }
}
