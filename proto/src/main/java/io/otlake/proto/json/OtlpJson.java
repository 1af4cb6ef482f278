package io.otlake.proto.json;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.otlake.proto.Hex;
import io.otlake.proto.wire.MalformedRequestException;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The OTLP/JSON encoding of trace export requests (OTLP specification, "JSON Protobuf Encoding"): protobuf's JSON
 * mapping, except that trace and span ids are hex strings, not base64, and enums are integers. Used by the gateway's
 * OTLP/HTTP receiver for {@code application/json} bodies and by the writer for {@code otlp_json} records (what an
 * OpenTelemetry Collector's kafka exporter writes with that encoding).
 *
 * <p>Reading follows the specification's rules for receivers: field names in lowerCamelCase or as in the .proto file,
 * int64 as a string or a number, enums as integers (names are accepted too), unknown fields ignored.
 */
public final class OtlpJson {
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace().printingEnumsAsInts();

  /** Id fields per message, in both spellings a receiver accepts. */
  private static final String[] SPAN_IDS = {"traceId", "trace_id", "spanId", "span_id", "parentSpanId", "parent_span_id"};
  private static final String[] LINK_IDS = {"traceId", "trace_id", "spanId", "span_id"};

  private OtlpJson() {}

  /** Parses an OTLP/JSON {@code ExportTraceServiceRequest} into its protobuf encoding. */
  public static byte[] traceRequestToProto(byte[] json) throws MalformedRequestException {
    return parseTraceRequest(json).toByteArray();
  }

  /** Parses an OTLP/JSON {@code ExportTraceServiceRequest}. */
  public static ExportTraceServiceRequest parseTraceRequest(byte[] json) throws MalformedRequestException {
    JsonElement root;
    try {
      JsonReader reader = new JsonReader(new InputStreamReader(new ByteArrayInputStream(json), StandardCharsets.UTF_8));
      reader.setStrictness(Strictness.STRICT); // RFC 8259 only: no comments, single quotes or bare words
      root = JsonParser.parseReader(reader);
    } catch (JsonParseException | StackOverflowError e) {
      throw new MalformedRequestException("not valid JSON" + syntaxPosition(rootMessage(e)));
    }
    if (!root.isJsonObject()) {
      throw new MalformedRequestException("an ExportTraceServiceRequest must be a JSON object");
    }
    String where = "";
    try {
      JsonArray resourceSpans = array(root.getAsJsonObject(), "resourceSpans", "resource_spans");
      for (int r = 0; r < resourceSpans.size(); r++) {
        JsonArray scopeSpans = array(object(resourceSpans.get(r)), "scopeSpans", "scope_spans");
        for (int s = 0; s < scopeSpans.size(); s++) {
          JsonArray spans = array(object(scopeSpans.get(s)), "spans");
          for (int i = 0; i < spans.size(); i++) {
            where = "resourceSpans[" + r + "].scopeSpans[" + s + "].spans[" + i + "]";
            JsonObject span = object(spans.get(i));
            hexToBase64(span, SPAN_IDS, where);
            JsonArray links = array(span, "links");
            for (int l = 0; l < links.size(); l++) {
              hexToBase64(object(links.get(l)), LINK_IDS, where + ".links[" + l + "]");
            }
          }
        }
      }
    } catch (IllegalStateException e) {
      throw new MalformedRequestException((where.isEmpty() ? "" : where + ": ") + e.getMessage());
    }
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    try {
      PARSER.merge(root.toString(), b);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new MalformedRequestException("not a valid OTLP/JSON ExportTraceServiceRequest: " + rootMessage(e));
    }
    return b.build();
  }

  /** Writes a request as OTLP/JSON: lowerCamelCase names, hex ids, enums as integers. */
  public static byte[] traceRequestToJson(ExportTraceServiceRequest request) {
    String printed;
    try {
      printed = PRINTER.print(request);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e); // only for Any fields with unknown types; OTLP has none
    }
    JsonObject root = JsonParser.parseString(printed).getAsJsonObject();
    for (JsonElement rs : array(root, "resourceSpans")) {
      for (JsonElement ss : array(object(rs), "scopeSpans")) {
        for (JsonElement span : array(object(ss), "spans")) {
          base64ToHex(object(span), SPAN_IDS);
          for (JsonElement link : array(object(span), "links")) {
            base64ToHex(object(link), LINK_IDS);
          }
        }
      }
    }
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Prints any OTLP message in the protobuf JSON mapping with enums as integers (responses, error statuses). */
  public static byte[] print(com.google.protobuf.MessageOrBuilder message) {
    try {
      return PRINTER.print(message).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void hexToBase64(JsonObject o, String[] names, String where) {
    for (String name : names) {
      JsonElement e = o.get(name);
      if (e == null || e.isJsonNull()) {
        continue;
      }
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
        throw new IllegalStateException(name + " must be a hex string");
      }
      ByteString bytes;
      try {
        bytes = Hex.decode(e.getAsString());
      } catch (IllegalArgumentException bad) {
        throw new IllegalStateException(name + ": " + bad.getMessage());
      }
      o.add(name, new JsonPrimitive(Base64.getEncoder().encodeToString(bytes.toByteArray())));
    }
  }

  private static void base64ToHex(JsonObject o, String[] names) {
    for (String name : names) {
      JsonElement e = o.get(name);
      if (e != null && e.isJsonPrimitive()) {
        o.add(name, new JsonPrimitive(Hex.encode(ByteString.copyFrom(Base64.getDecoder().decode(e.getAsString())))));
      }
    }
  }

  private static JsonObject object(JsonElement e) {
    if (!e.isJsonObject()) {
      throw new IllegalStateException("expected a JSON object, got " + kind(e));
    }
    return e.getAsJsonObject();
  }

  /** The array under the first name present, or an empty one; anything else there is an error. */
  private static JsonArray array(JsonObject o, String... names) {
    for (String name : names) {
      JsonElement e = o.get(name);
      if (e == null || e.isJsonNull()) {
        continue;
      }
      if (!e.isJsonArray()) {
        throw new IllegalStateException(name + " must be an array, got " + kind(e));
      }
      return e.getAsJsonArray();
    }
    return new JsonArray();
  }

  private static String kind(JsonElement e) {
    return e.isJsonObject() ? "an object" : e.isJsonArray() ? "an array" : e.isJsonNull() ? "null" : e.toString();
  }

  /** Gson's message without its advice: " at line L column C path P", or ": " and the message. */
  private static String syntaxPosition(String message) {
    int at = message.indexOf(" at line ");
    if (at < 0) {
      return ": " + message;
    }
    int end = message.indexOf('\n', at);
    return message.substring(at, end < 0 ? message.length() : end);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
