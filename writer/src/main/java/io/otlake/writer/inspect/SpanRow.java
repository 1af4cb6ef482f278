package io.otlake.writer.inspect;

/**
 * One span of a trace as {@code ./otlake trace} shows it.
 *
 * @param parentSpanId null or empty for a root span
 * @param startMicros span start, microseconds since the epoch
 * @param statusCode OTLP status code: 0 unset, 1 ok, 2 error
 */
public record SpanRow(String spanId, String parentSpanId, String service, String operation, long startMicros,
    double durationMs, int statusCode, String statusMessage) {
  public boolean isError() {
    return statusCode == 2;
  }
}
