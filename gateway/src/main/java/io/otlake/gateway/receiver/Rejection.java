package io.otlake.gateway.receiver;

/**
 * Why an export request was not accepted, independent of the transport it came by. {@link Outcomes} maps each kind to
 * the gRPC status and the HTTP status the OTLP specification defines.
 */
public final class Rejection extends RuntimeException {
  /** The kinds of refusal the OTLP specification tells apart. */
  public enum Kind {
    /** The data can never be accepted as sent: not retryable. */
    INVALID,
    /** The gateway has too much in flight: retryable after a delay. */
    OVERLOADED,
    /** Kafka failed or timed out: retryable with backoff. */
    UNAVAILABLE
  }

  private final Kind kind;

  public Rejection(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
