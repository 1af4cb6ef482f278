package io.otlake.writer.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.otlake.proto.wire.WireReader;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The writer's text of values read from wire bytes ({@link WireValue} through {@link AttrList}) is the reference's
 * ({@link AttributeText} over protobuf messages), in the specification's JSON form for arrays and kvlists, and
 * {@link AttributeText#parse} gets back what the form keeps.
 */
class WireValueTest {
  private static final String[] STRINGS = {"", "GET", "quote\" back\\slash", "line\nfeed\ttab\r\b\f", "\u0001\u001f",
      "ünïcödé ✓", "emoji 😀", "{\"not\":\"json\"}", "\u007f"};
  private static final double[] DOUBLES = {0.0, -0.0, 0.25, 1e10, 1e-7, -3.5e300, Double.MIN_VALUE, Double.NaN,
      Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 100.0};
  private static final long[] INTS = {0, 1, -1, 200, Long.MAX_VALUE, Long.MIN_VALUE, 9_007_199_254_740_993L};

  private static KeyValue kv(String k, AnyValue v) {
    return KeyValue.newBuilder().setKey(k).setValue(v).build();
  }

  private static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  private static AnyValue random(SplittableRandom r, int depth, boolean scalarsOnly) {
    int kind = r.nextInt(depth <= 0 || scalarsOnly ? 6 : 8);
    AnyValue.Builder b = AnyValue.newBuilder();
    switch (kind) {
      case 0 -> b.setStringValue(STRINGS[r.nextInt(STRINGS.length)]);
      case 1 -> b.setIntValue(r.nextBoolean() ? INTS[r.nextInt(INTS.length)] : r.nextLong());
      case 2 -> b.setDoubleValue(r.nextBoolean() ? DOUBLES[r.nextInt(DOUBLES.length)] : r.nextDouble() * 1e6);
      case 3 -> b.setBoolValue(r.nextBoolean());
      case 4 -> {
        byte[] bytes = new byte[r.nextInt(7)];
        r.nextBytes(bytes);
        b.setBytesValue(ByteString.copyFrom(bytes));
      }
      case 5 -> { } // empty
      case 6 -> {
        ArrayValue.Builder a = ArrayValue.newBuilder();
        for (int i = r.nextInt(5); i > 0; i--) {
          a.addValues(random(r, depth - 1, false));
        }
        b.setArrayValue(a);
      }
      default -> {
        KeyValueList.Builder m = KeyValueList.newBuilder();
        for (int i = r.nextInt(5); i > 0; i--) {
          m.addValues(kv(r.nextInt(4) == 0 ? "dup" : STRINGS[r.nextInt(STRINGS.length)] + i,
              random(r, depth - 1, false)));
        }
        b.setKvlistValue(m);
      }
    }
    return b.build();
  }

  /** The attributes' values and types as the writer reads them from the KeyValues' bytes. */
  private static Map<String, String[]> wire(byte[] keyValueList) throws Exception {
    AttrList list = new AttrList();
    list.clear(keyValueList);
    WireReader r = new WireReader(keyValueList, 0, keyValueList.length);
    while (!r.atEnd()) {
      r.readTag();
      list.add(r);
    }
    Map<String, String[]> out = new LinkedHashMap<>();
    AttrList.Pairs p = list.values().start();
    while (p.hasNext()) {
      p.next();
      out.put(p.key().toString(), new String[] {p.value().toString(), null});
    }
    p = list.types().start();
    while (p.hasNext()) {
      p.next();
      out.get(p.key().toString())[1] = p.value().toString();
    }
    return out;
  }

  private static Map<String, String[]> reference(List<KeyValue> attributes) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> types = new LinkedHashMap<>();
    AttributeText.put(attributes, values, types);
    Map<String, String[]> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, new String[] {v, types.get(k)}));
    return out;
  }

  @Test
  void wireTextIsTheReferenceTextForRandomNestedValues() throws Exception {
    SplittableRandom r = new SplittableRandom(11);
    for (int n = 0; n < 2000; n++) {
      int round = n;
      KeyValueList.Builder attrs = KeyValueList.newBuilder();
      for (int i = r.nextInt(6); i >= 0; i--) {
        attrs.addValues(kv("k" + r.nextInt(5), random(r, 5, false)));
      }
      KeyValueList list = attrs.build();
      Map<String, String[]> ours = wire(list.toByteArray());
      Map<String, String[]> theirs = reference(list.getValuesList());
      assertThat(ours.keySet()).as("round %d", round).containsExactlyInAnyOrderElementsOf(theirs.keySet());
      theirs.forEach((k, v) -> assertThat(ours.get(k)).as("round %d key %s", round, k).containsExactly(v));
    }
  }

  @Test
  void arraysAndKvlistsAreTheSpecificationsJsonForm() {
    AnyValue array = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
        .addValues(AnyValue.newBuilder().setIntValue(1))
        .addValues(AnyValue.newBuilder().setDoubleValue(Double.NEGATIVE_INFINITY))
        .addValues(str("a\"b"))
        .addValues(AnyValue.newBuilder().setBoolValue(true))
        .addValues(AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(new byte[] {0, -1, 42})))
        .addValues(AnyValue.getDefaultInstance())
        .addValues(AnyValue.newBuilder().setDoubleValue(2.0))
        .addValues(AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
            .addValues(kv("nested", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()).build()))
            .addValues(kv("m", AnyValue.newBuilder().setKvlistValue(KeyValueList.getDefaultInstance()).build())))))
        .build();
    assertThat(AttributeText.text(array))
        .isEqualTo("[1,\"-Infinity\",\"a\\\"b\",true,\"AP8q\",null,2.0,{\"nested\":[],\"m\":{}}]");
    assertThat(AttributeText.text(AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
        .addValues(kv("ctl", str("\u0001\n")))).build())).isEqualTo("{\"ctl\":\"\\u0001\\n\"}");
  }

  @Test
  void parseRecoversWhatTheJsonFormKeeps() {
    SplittableRandom r = new SplittableRandom(5);
    int compared = 0;
    for (int round = 0; round < 3000; round++) {
      AnyValue v = random(r, 4, false);
      String text = AttributeText.text(v);
      String type = v.getValueCase() == AnyValue.ValueCase.STRING_VALUE ? null : AttributeText.type(v);
      AnyValue back = AttributeText.parse(text, type);
      if (keepsTypes(v, true)) {
        assertThat(back).as("%s", text).isEqualTo(v);
        compared++;
      } else {
        // what is lost is only bytes and non-finite doubles turned into strings: printing again gives the same text
        assertThat(AttributeText.text(back)).isEqualTo(text);
      }
    }
    assertThat(compared).isGreaterThan(1000);
    // what is lost inside: bytes and NaN come back as the strings they were written as
    AnyValue lossy = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
        .addValues(AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(new byte[] {1})))
        .addValues(AnyValue.newBuilder().setDoubleValue(Double.NaN))).build();
    assertThat(AttributeText.parse(AttributeText.text(lossy), "array")).isEqualTo(AnyValue.newBuilder()
        .setArrayValue(ArrayValue.newBuilder().addValues(str("AQ==")).addValues(str("NaN"))).build());
    assertThatThrownBy(() -> AttributeText.parse("{\"a\":1}", "array")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AttributeText.parse("[1] x", "array")).isInstanceOf(IllegalArgumentException.class);
  }

  /** Whether the JSON form keeps every element's type (no bytes, no non-finite double below the top level). */
  private static boolean keepsTypes(AnyValue v, boolean top) {
    return switch (v.getValueCase()) {
      case BYTES_VALUE -> top;
      case DOUBLE_VALUE -> top || Double.isFinite(v.getDoubleValue());
      case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().allMatch(e -> keepsTypes(e, false));
      case KVLIST_VALUE -> v.getKvlistValue().getValuesList().stream().allMatch(e -> keepsTypes(e.getValue(), false));
      default -> true;
    };
  }

  @Test
  void membersSentSeveralTimesAreReadAsProtobufMergesThem() throws Exception {
    AnyValue a = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(str("a"))).build();
    AnyValue b = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(str("b"))).build();
    AnyValue c = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(str("c"))).build();
    AnyValue i = AnyValue.newBuilder().setIntValue(7).build();
    AnyValue kv = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addValues(kv("x", i))).build();
    byte[][] values = {
        concat(a.toByteArray(), b.toByteArray(), c.toByteArray()), // one array member three times: merged
        concat(a.toByteArray(), i.toByteArray()),
        concat(kv.toByteArray(), kv.toByteArray()),
        concat(i.toByteArray(), a.toByteArray(), str("s").toByteArray())};
    for (byte[] value : values) {
      AnyValue merged = AnyValue.parseFrom(value);
      String[] expected = reference(List.of(kv("k", merged))).get("k");
      // the value's bytes as the KeyValue's value
      ByteArrayOutputStream once = new ByteArrayOutputStream();
      once.write(fieldBytes(1, "k".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      field(once, 2, value);
      assertThat(wire(fieldBytes(1, once.toByteArray())).get("k")).containsExactly(expected);
      // and split over two value fields of one KeyValue (protobuf merges them into one AnyValue)
      ByteArrayOutputStream twice = new ByteArrayOutputStream();
      twice.write(fieldBytes(1, "k".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      int half = firstFieldLength(value);
      field(twice, 2, java.util.Arrays.copyOfRange(value, 0, half));
      field(twice, 2, java.util.Arrays.copyOfRange(value, half, value.length));
      assertThat(wire(fieldBytes(1, twice.toByteArray())).get("k")).containsExactly(expected);
    }
  }

  /**
   * An array, another member, an array again: the last member seen is the value, as the protobuf language guide
   * says of oneofs and as protobuf's C++ and Go parsers read it. (protobuf-java merges the second array into the
   * first, keeping the first's builder: {@code ["a","b"]}; the writer follows the guide, so this case is checked
   * here and left out of the comparison with protobuf-java above.)
   */
  @Test
  void aMemberSentAgainAfterAnotherIsTheLastOneOnly() throws Exception {
    AnyValue a = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(str("a"))).build();
    AnyValue b = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(str("b"))).build();
    ByteArrayOutputStream keyValue = new ByteArrayOutputStream();
    keyValue.write(fieldBytes(1, "k".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    field(keyValue, 2, concat(a.toByteArray(), AnyValue.newBuilder().setIntValue(7).build().toByteArray(),
        b.toByteArray()));
    assertThat(wire(fieldBytes(1, keyValue.toByteArray())).get("k")).containsExactly("[\"b\"]", "array");
  }

  @Test
  void deepNestingIsWrittenWhole() throws Exception {
    AnyValue v = str("leaf");
    for (int i = 0; i < 45; i++) {
      v = i % 2 == 0
          ? AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(v).addValues(str("s" + i))).build()
          : AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addValues(kv("k" + i, v))).build();
    }
    List<KeyValue> attrs = List.of(kv("deep", v));
    String text = reference(attrs).get("deep")[0];
    assertThat(text).startsWith("[{\"k43\":[{\"k41\":[").contains("\"leaf\"");
    assertThat(wire(KeyValueList.newBuilder().addAllValues(attrs).build().toByteArray()).get("deep")[0])
        .isEqualTo(text);
    assertThat(AttributeText.parse(text, "array")).isEqualTo(v);
  }

  private static int firstFieldLength(byte[] anyValue) throws Exception {
    WireReader r = new WireReader(anyValue, 0, anyValue.length);
    int tag = r.readTag();
    r.skip(tag & 7);
    return r.pos;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] fieldBytes(int field, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    field(out, field, value);
    return out.toByteArray();
  }

  private static void field(ByteArrayOutputStream out, int field, byte[] value) {
    varint(out, field << 3 | WireReader.LEN);
    varint(out, value.length);
    out.writeBytes(value);
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }
}
