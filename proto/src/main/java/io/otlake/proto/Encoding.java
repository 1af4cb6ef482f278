package io.otlake.proto;

/**
 * How a Kafka record value is encoded; the names are the OpenTelemetry Collector kafka exporter's
 * {@code encoding} values.
 */
public enum Encoding {
  /** A serialized {@code Export*ServiceRequest} protobuf message. */
  OTLP_PROTO("otlp_proto"),
  /** The same message in the OTLP/JSON mapping. */
  OTLP_JSON("otlp_json");

  private final String id;

  Encoding(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Encoding fromId(String id) {
    for (Encoding e : values()) {
      if (e.id.equals(id)) {
        return e;
      }
    }
    throw new IllegalArgumentException("unknown encoding '" + id + "' (known: otlp_proto, otlp_json)");
  }
}
