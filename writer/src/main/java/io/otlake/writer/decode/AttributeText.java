package io.otlake.writer.decode;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import java.io.IOException;
import java.io.StringReader;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * How an OTLP value (an attribute's, a log body) is kept in a string column without losing its type.
 *
 * <p>The value column holds text, the OpenTelemetry specification's "AnyValue representation for non-OTLP
 * protocols"; the matching {@code *_types} column holds an entry only for values that are not strings, naming their
 * exact OTLP type, so seed-style queries ({@code attributes['http.method']}) work unchanged, string values cost
 * nothing extra, and {@code json_extract} works on arrays and kvlists in every engine:
 *
 * <pre>
 * OTLP type     type entry   text
 * string        (none)       the string, as is
 * int           int          decimal, e.g. 200
 * double        double       Java's shortest round-trip form, e.g. 0.25, 1.0E10, NaN, Infinity, -Infinity
 * bool          bool         true / false
 * bytes         bytes        base64 (RFC 4648, padded)
 * array         array        a JSON array, e.g. [1,"a",2.5,true,null]
 * kvlist        kvlist       a JSON object, e.g. {"a":1,"b":{"c":"AP8q"}}
 * (no value)    empty        empty string
 * </pre>
 *
 * Inside arrays and kvlists: strings are JSON strings, ints and doubles JSON numbers (a double always with a
 * {@code .} or an exponent, as Java prints it: {@code 1.0}, {@code 1.0E10}), NaN and the infinities the JSON strings
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, bytes base64 JSON strings, empty values {@code null},
 * arrays and kvlists nested JSON arrays and objects; no whitespace; a kvlist's members in the order sent (a key sent
 * twice appears twice).
 *
 * <p>{@link #parse} turns text and type back into an {@link AnyValue}: exactly for every top-level type; inside
 * arrays and kvlists it recovers strings, bools, ints (a number without {@code .} or exponent that fits a long),
 * doubles (every other number), empty values and nesting, but a bytes element or a NaN/infinite double element comes
 * back as the string it was written as (JSON has no type for them).
 *
 * <p>This class is the reference over protobuf messages (tests, the integration tests' expected rows); the writer
 * makes the same text from the wire bytes ({@link WireValue}), and the equivalence tests compare the two.
 */
public final class AttributeText {
  private AttributeText() {}

  /** Adds each attribute's text to {@code values} and, when not a string, its type to {@code types}. */
  public static void put(List<KeyValue> attributes, Map<String, String> values, Map<String, String> types) {
    for (int i = 0, n = attributes.size(); i < n; i++) {
      KeyValue kv = attributes.get(i);
      AnyValue v = kv.getValue();
      if (v.getValueCase() == AnyValue.ValueCase.STRING_VALUE) {
        values.put(kv.getKey(), v.getStringValue());
        types.remove(kv.getKey());
      } else {
        values.put(kv.getKey(), text(v));
        types.put(kv.getKey(), type(v));
      }
    }
  }

  public static String type(AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE: return "string";
      case INT_VALUE: return "int";
      case DOUBLE_VALUE: return "double";
      case BOOL_VALUE: return "bool";
      case BYTES_VALUE: return "bytes";
      case ARRAY_VALUE: return "array";
      case KVLIST_VALUE: return "kvlist";
      default: return "empty";
    }
  }

  /** The value's text as a top-level value (see the class comment). */
  public static String text(AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE: return v.getStringValue();
      case INT_VALUE: return Long.toString(v.getIntValue());
      case DOUBLE_VALUE: return Double.toString(v.getDoubleValue());
      case BOOL_VALUE: return Boolean.toString(v.getBoolValue());
      case BYTES_VALUE: return Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      case ARRAY_VALUE:
      case KVLIST_VALUE:
        StringBuilder out = new StringBuilder();
        json(v, out);
        return out.toString();
      default: return "";
    }
  }

  /** The value as a JSON value, appended to one builder (linear however deep the nesting). */
  private static void json(AnyValue v, StringBuilder out) {
    switch (v.getValueCase()) {
      case STRING_VALUE -> quote(v.getStringValue(), out);
      case INT_VALUE -> out.append(v.getIntValue());
      case DOUBLE_VALUE -> {
        double d = v.getDoubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          out.append('"').append(d).append('"');
        } else {
          out.append(d);
        }
      }
      case BOOL_VALUE -> out.append(v.getBoolValue());
      case BYTES_VALUE -> out.append('"')
          .append(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray())).append('"');
      case ARRAY_VALUE -> {
        out.append('[');
        List<AnyValue> values = v.getArrayValue().getValuesList();
        for (int i = 0; i < values.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          json(values.get(i), out);
        }
        out.append(']');
      }
      case KVLIST_VALUE -> {
        out.append('{');
        List<KeyValue> values = v.getKvlistValue().getValuesList();
        for (int i = 0; i < values.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          quote(values.get(i).getKey(), out);
          out.append(':');
          json(values.get(i).getValue(), out);
        }
        out.append('}');
      }
      default -> out.append("null");
    }
  }

  /** A JSON string: quote and backslash escaped, control characters as short escapes or {@code \}{@code u00XX}. */
  private static void quote(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /**
   * The inverse of {@link #text} and {@link #type} (a null type means string), as far as the text keeps it: see the
   * class comment for what an array's or kvlist's elements lose.
   */
  public static AnyValue parse(String text, String type) {
    if (type == null) {
      return AnyValue.newBuilder().setStringValue(text).build();
    }
    switch (type) {
      case "string": return AnyValue.newBuilder().setStringValue(text).build();
      case "int": return AnyValue.newBuilder().setIntValue(Long.parseLong(text)).build();
      case "double": return AnyValue.newBuilder().setDoubleValue(Double.parseDouble(text)).build();
      case "bool": return AnyValue.newBuilder().setBoolValue(Boolean.parseBoolean(text)).build();
      case "bytes":
        return AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(Base64.getDecoder().decode(text))).build();
      case "array":
      case "kvlist":
        try (JsonReader r = new JsonReader(new StringReader(text))) {
          JsonToken expected = type.equals("array") ? JsonToken.BEGIN_ARRAY : JsonToken.BEGIN_OBJECT;
          if (r.peek() != expected) {
            throw new IllegalArgumentException("not a JSON " + (type.equals("array") ? "array" : "object") + ": "
                + text);
          }
          AnyValue v = parseJson(r);
          if (r.peek() != JsonToken.END_DOCUMENT) {
            throw new IllegalArgumentException("text after the JSON value: " + text);
          }
          return v;
        } catch (IOException | IllegalStateException e) {
          throw new IllegalArgumentException("not JSON of an OTLP " + type + ": " + text, e);
        }
      case "empty": return AnyValue.getDefaultInstance();
      default: throw new IllegalArgumentException("unknown attribute type '" + type + "'");
    }
  }

  private static AnyValue parseJson(JsonReader r) throws IOException {
    switch (r.peek()) {
      case BEGIN_ARRAY: {
        ArrayValue.Builder a = ArrayValue.newBuilder();
        r.beginArray();
        while (r.hasNext()) {
          a.addValues(parseJson(r));
        }
        r.endArray();
        return AnyValue.newBuilder().setArrayValue(a).build();
      }
      case BEGIN_OBJECT: {
        KeyValueList.Builder m = KeyValueList.newBuilder();
        r.beginObject();
        while (r.hasNext()) {
          String key = r.nextName();
          m.addValues(KeyValue.newBuilder().setKey(key).setValue(parseJson(r)));
        }
        r.endObject();
        return AnyValue.newBuilder().setKvlistValue(m).build();
      }
      case STRING:
        return AnyValue.newBuilder().setStringValue(r.nextString()).build();
      case BOOLEAN:
        return AnyValue.newBuilder().setBoolValue(r.nextBoolean()).build();
      case NULL:
        r.nextNull();
        return AnyValue.getDefaultInstance();
      case NUMBER: {
        String n = r.nextString();
        if (n.indexOf('.') < 0 && n.indexOf('e') < 0 && n.indexOf('E') < 0) {
          try {
            return AnyValue.newBuilder().setIntValue(Long.parseLong(n)).build();
          } catch (NumberFormatException e) {
            // beyond a long: a double, as a JSON reader would take it
          }
        }
        return AnyValue.newBuilder().setDoubleValue(Double.parseDouble(n)).build();
      }
      default:
        throw new IllegalArgumentException("unexpected JSON " + r.peek());
    }
  }
}
