package io.otlake.gateway.receiver;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.otlake.proto.Signal;
import java.util.EnumMap;
import java.util.Map;

/** Items accepted (stored in Kafka), refused (bad input) and failed (Kafka or overload) per signal. */
public final class ReceiverMetrics {
  private final Map<Signal, Counter> accepted = new EnumMap<>(Signal.class);
  private final Map<Signal, Counter> refused = new EnumMap<>(Signal.class);
  private final Map<Signal, Counter> failed = new EnumMap<>(Signal.class);
  private final MeterRegistry registry;
  private final Map<String, Counter> answers = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Counter> refusedBytes = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Counter> overLimit = new java.util.concurrent.ConcurrentHashMap<>();

  public ReceiverMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Signal s : Signal.values()) {
      accepted.put(s, counter(registry, "otlake.gateway.items.accepted", s, "items stored in Kafka and acknowledged"));
      refused.put(s, counter(registry, "otlake.gateway.items.refused", s, "items refused as invalid (not retryable)"));
      failed.put(s, counter(registry, "otlake.gateway.items.failed", s, "items answered with a retryable error"));
    }
  }

  private static Counter counter(MeterRegistry registry, String name, Signal s, String doc) {
    return Counter.builder(name).tag("signal", s.headerValue()).description(doc).register(registry);
  }

  /** One answered request: {@code transport} grpc or http, {@code code} the gRPC status code or the HTTP status. */
  void answered(String transport, String code) {
    answers.computeIfAbsent(transport + ' ' + code, k -> Counter.builder("otlake.gateway.requests")
        .tag("transport", transport).tag("code", code)
        .description("export requests answered, by transport and status code").register(registry)).increment();
  }

  /**
   * Request bytes refused unread as overload, by transport and by the bound that refused them: {@code in_flight_bytes}
   * (admission.max-in-flight-bytes), {@code pipelined} (http.max-pipelined-requests), {@code work_queue}
   * (http.max-queued-requests).
   */
  void refusedUnread(String transport, String reason, long bytes) {
    refusedBytes.computeIfAbsent(transport + ' ' + reason, k -> Counter.builder("otlake.gateway.refused.bytes")
        .tag("transport", transport).tag("reason", reason)
        .description("request bytes refused unread because too many request bytes were in flight (retryable)")
        .baseUnit("bytes").register(registry)).increment(bytes);
  }

  /**
   * One request refused whole (INVALID_ARGUMENT / 400) because it passed a per-request bound, by the bound's config key:
   * {@code request.max-resources}, {@code request.max-services}, {@code request.max-partitions},
   * {@code request.max-split-bytes}, {@code kafka.max-record-bytes}.
   */
  void overLimit(String limit) {
    overLimit.computeIfAbsent(limit, k -> Counter.builder("otlake.gateway.requests.over.limit").tag("limit", limit)
        .description("export requests refused whole for passing a per-request bound, by its config key")
        .register(registry)).increment();
  }

  /** The request bytes holding an admission permit, as a gauge. */
  void inFlightBytes(Admission admission) {
    io.micrometer.core.instrument.Gauge.builder("otlake.gateway.in.flight.bytes", admission,
            Admission::inFlightBytes)
        .description("request bytes admitted and not yet answered (bound: admission.max-in-flight-bytes)")
        .baseUnit("bytes").register(registry);
  }

  void accepted(Signal s, int n) {
    accepted.get(s).increment(n);
  }

  void refused(Signal s, int n) {
    refused.get(s).increment(n);
  }

  void failed(Signal s, int n) {
    failed.get(s).increment(n);
  }
}
