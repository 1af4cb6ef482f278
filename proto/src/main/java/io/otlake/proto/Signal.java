package io.otlake.proto;

/** The three OTLP signals, each with its default Kafka topic (the OpenTelemetry Collector kafka exporter's names). */
public enum Signal {
  TRACES("traces", "otlp_spans"),
  METRICS("metrics", "otlp_metrics"),
  LOGS("logs", "otlp_logs");

  private final String headerValue;
  private final String defaultTopic;

  Signal(String headerValue, String defaultTopic) {
    this.headerValue = headerValue;
    this.defaultTopic = defaultTopic;
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
