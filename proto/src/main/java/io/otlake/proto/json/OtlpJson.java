package io.otlake.proto.json;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.otlake.proto.Hex;
import io.otlake.proto.wire.MalformedRequestException;
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
 * Writing (for tests, benchmarks and tools) goes through protobuf's JsonFormat and rewrites the ids.
 */
public final class OtlpJson {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace().printingEnumsAsInts();

  /** The id fields JsonFormat prints as base64 and OTLP/JSON writes as hex. */
  private static final String[] SPAN_IDS = {"traceId", "spanId", "parentSpanId"};
  private static final String[] LINK_IDS = {"traceId", "spanId"};

  private OtlpJson() {}

  /**
   * Turns an OTLP/JSON {@code ExportTraceServiceRequest} into its protobuf encoding in one streaming pass over its
   * bytes ({@link JsonToProto}). On the bench's attribute-rich spans (1,581 B of JSON a span, records of one trace)
   * that is ~1.3 µs of CPU a span on a loaded machine here ({@code bench JsonTranscode}; ~3.2 before its guessed
   * names and attribute fast path), against ~14 µs with the Gson-based reader before it and more with protobuf's
   * JsonFormat over a JSON tree, which the tests check it by.
   */
  public static byte[] traceRequestToProto(byte[] json) throws MalformedRequestException {
    return JsonToProto.transcode(json, ExportTraceServiceRequest.getDescriptor());
  }

  /** {@link #traceRequestToProto} for an {@code ExportLogsServiceRequest}. */
  public static byte[] logsRequestToProto(byte[] json) throws MalformedRequestException {
    return JsonToProto.transcode(json, ExportLogsServiceRequest.getDescriptor());
  }

  /** {@link #traceRequestToProto} for an {@code ExportMetricsServiceRequest}. */
  public static byte[] metricsRequestToProto(byte[] json) throws MalformedRequestException {
    return JsonToProto.transcode(json, ExportMetricsServiceRequest.getDescriptor());
  }

  /** Writes any OTLP request as OTLP/JSON: every traceId, spanId and parentSpanId (log records, exemplars) as hex. */
  public static byte[] requestToJson(com.google.protobuf.MessageOrBuilder request) {
    JsonElement root = JsonParser.parseString(new String(print(request), StandardCharsets.UTF_8));
    idsToHex(root);
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void idsToHex(JsonElement e) {
    if (e.isJsonArray()) {
      for (JsonElement x : e.getAsJsonArray()) {
        idsToHex(x);
      }
    } else if (e.isJsonObject()) {
      JsonObject o = e.getAsJsonObject();
      base64ToHex(o, SPAN_IDS);
      for (String key : o.keySet()) {
        idsToHex(o.get(key));
      }
    }
  }

  /** Parses an OTLP/JSON {@code ExportTraceServiceRequest}. */
  public static ExportTraceServiceRequest parseTraceRequest(byte[] json) throws MalformedRequestException {
    try {
      return ExportTraceServiceRequest.parseFrom(traceRequestToProto(json));
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedRequestException("not a valid OTLP/JSON ExportTraceServiceRequest: " + e.getMessage());
    }
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
      for (JsonElement ss : array(rs, "scopeSpans")) {
        for (JsonElement span : array(ss, "spans")) {
          base64ToHex(span.getAsJsonObject(), SPAN_IDS);
          for (JsonElement link : array(span, "links")) {
            base64ToHex(link.getAsJsonObject(), LINK_IDS);
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

  private static void base64ToHex(JsonObject o, String[] names) {
    for (String name : names) {
      JsonElement e = o.get(name);
      if (e != null && e.isJsonPrimitive()) {
        byte[] id = Base64.getDecoder().decode(e.getAsString());
        o.add(name, new JsonPrimitive(Hex.encode(id, 0, id.length)));
      }
    }
  }

  /** The array JsonFormat printed under {@code name}, or an empty one where it left the field out (empty). */
  private static JsonArray array(JsonElement message, String name) {
    JsonElement e = message.getAsJsonObject().get(name);
    return e == null ? new JsonArray() : e.getAsJsonArray();
  }
}
