package io.otlake.proto;

import java.nio.charset.StandardCharsets;

/**
 * The Kafka record headers the gateway writes and the writer reads. They let the writer route and decode a record
 * without parsing it. All values are UTF-8 text. A record without them (for example one written by an OpenTelemetry
 * Collector) is read with the writer's configured defaults.
 */
public final class RecordHeaders {
  /** {@link Signal#headerValue()}: traces, metrics or logs. */
  public static final String SIGNAL = "otlake.signal";
  /** {@link Encoding#id()}: otlp_proto or otlp_json. */
  public static final String ENCODING = "otlake.encoding";
  /** When the gateway received the request, epoch milliseconds in decimal. */
  public static final String RECEIVED_AT_MS = "otlake.received_at_ms";
  /** The version of these conventions; a writer refuses (dead-letters) a version it does not know. */
  public static final String FORMAT_VERSION = "otlake.format";
  /** On dead-letter records: why the writer could not take the record. */
  public static final String DLQ_REASON = "otlake.dlq.reason";
  /** On dead-letter records: where the record came from, as topic/partition/offset. */
  public static final String DLQ_SOURCE = "otlake.dlq.source";

  /** The current value of {@link #FORMAT_VERSION}. */
  public static final String CURRENT_FORMAT_VERSION = "1";

  private RecordHeaders() {}

  public static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  public static String text(byte[] value) {
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }
}
