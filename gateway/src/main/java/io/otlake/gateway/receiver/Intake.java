package io.otlake.gateway.receiver;

import io.otlake.proto.Signal;

/**
 * What every signal's receiver shares with both transports: the one bound on request bytes in flight
 * ({@link Admission}) and the counters of answers and refusals ({@link ReceiverMetrics}).
 */
public final class Intake {
  /** Refused by {@code admission.max-in-flight-bytes}. */
  public static final String IN_FLIGHT_BYTES = "in_flight_bytes";
  /** Refused by {@code http.max-pipelined-requests}. */
  public static final String PIPELINED = "pipelined";
  /** Refused by {@code http.max-queued-requests}. */
  public static final String WORK_QUEUE = "work_queue";

  private final Admission admission;
  private final ReceiverMetrics metrics;

  public Intake(Admission admission, ReceiverMetrics metrics) {
    this.admission = admission;
    this.metrics = metrics;
    metrics.inFlightBytes(admission);
  }

  /** No bound of its own on request bytes in flight (the sink's bound still holds). */
  public static Intake unbounded(ReceiverMetrics metrics) {
    return new Intake(new Admission(Long.MAX_VALUE), metrics);
  }

  public Admission admission() {
    return admission;
  }

  ReceiverMetrics metrics() {
    return metrics;
  }

  /** Counts an OTLP/HTTP answer by its status code. */
  public void answeredHttp(int status) {
    metrics.answered("http", Integer.toString(status));
  }

  /**
   * Counts a request refused before anything was read of it: {@code bytes} its size as far as known (gRPC: the
   * message; OTLP/HTTP: Content-Length, or the body so far); {@code reason} the bound that refused it
   * ({@link #IN_FLIGHT_BYTES}, {@link #PIPELINED}, {@link #WORK_QUEUE}).
   */
  public void refusedOverloaded(String transport, String reason, long bytes) {
    metrics.refusedUnread(transport, reason, bytes);
  }

  /** Counts a request of {@code signal} refused before its items could be read (an undecodable body). */
  public void refusedUnread(Signal signal) {
    metrics.refused(signal, 0);
  }
}
