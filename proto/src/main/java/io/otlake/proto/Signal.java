package io.otlake.proto;

/** The three OTLP signals, each with its default Kafka topic (the OpenTelemetry Collector kafka exporter's names). */
public enum Signal {
  TRACES("traces", "otlp_spans", "spans"),
  METRICS("metrics", "otlp_metrics", "data points"),
  LOGS("logs", "otlp_logs", "log records");

  private final String headerValue;
  private final String defaultTopic;
  private final String items;

  Signal(String headerValue, String defaultTopic, String items) {
    this.headerValue = headerValue;
    this.defaultTopic = defaultTopic;
    this.items = items;
  }

  /** What the signal's items are called, plural: spans, data points, log records. */
  public String items() {
    return items;
  }

  /** The value of the {@link RecordHeaders#SIGNAL} header. */
  public String headerValue() {
    return headerValue;
  }

  public String defaultTopic() {
    return defaultTopic;
  }

  public static Signal fromHeader(String value) {
    for (Signal s : values()) {
      if (s.headerValue.equals(value)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown signal '" + value + "'");
  }
}
