package io.otlake.writer.decode;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * How an OTLP attribute value is kept in a {@code map<string,string>} column without losing its type.
 *
 * <p>The value column holds text; the matching {@code *_types} column holds an entry only for values that are not
 * strings, so seed-style queries ({@code attributes['http.method']}) work unchanged and string values cost nothing
 * extra:
 *
 * <pre>
 * OTLP type     type entry   text
 * string        (none)       the string
 * int           int          decimal, e.g. 200
 * double        double       Java's shortest round-trip form, e.g. 0.25, 1.0E10, NaN
 * bool          bool         true / false
 * bytes         bytes        base64 (RFC 4648)
 * array         array        the value's OTLP/JSON, e.g. {"arrayValue":{"values":[{"intValue":"1"}]}}
 * kvlist        kvlist       the value's OTLP/JSON, e.g. {"kvlistValue":{"values":[...]}}
 * (no value)    empty        empty string
 * </pre>
 *
 * {@link #parse} turns text and type back into the original {@link AnyValue}.
 */
public final class AttributeText {
  private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser JSON_PARSER = JsonFormat.parser();

  private AttributeText() {}

  /** Adds each attribute's text to {@code values} and, when not a string, its type to {@code types}. */
  public static void put(List<KeyValue> attributes, Map<String, String> values, Map<String, String> types) {
    for (int i = 0, n = attributes.size(); i < n; i++) {
      KeyValue kv = attributes.get(i);
      AnyValue v = kv.getValue();
      if (v.getValueCase() == AnyValue.ValueCase.STRING_VALUE) {
        values.put(kv.getKey(), v.getStringValue());
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

  public static String text(AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE: return v.getStringValue();
      case INT_VALUE: return Long.toString(v.getIntValue());
      case DOUBLE_VALUE: return Double.toString(v.getDoubleValue());
      case BOOL_VALUE: return Boolean.toString(v.getBoolValue());
      case BYTES_VALUE: return Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      case ARRAY_VALUE:
      case KVLIST_VALUE:
        try {
          return JSON.print(v);
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("cannot print an OTLP value as JSON", e);
        }
      default: return "";
    }
  }

  /** The inverse of {@link #text} and {@link #type}; a null type means string. */
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
        return AnyValue.newBuilder()
            .setBytesValue(com.google.protobuf.ByteString.copyFrom(Base64.getDecoder().decode(text))).build();
      case "array":
      case "kvlist":
        try {
          AnyValue.Builder b = AnyValue.newBuilder();
          JSON_PARSER.merge(text, b);
          return b.build();
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalArgumentException("not OTLP/JSON of an AnyValue: " + text, e);
        }
      case "empty": return AnyValue.getDefaultInstance();
      default: throw new IllegalArgumentException("unknown attribute type '" + type + "'");
    }
  }
}
