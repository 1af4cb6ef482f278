package io.otlake.gateway.receiver;

import io.otlake.proto.OtlpRecord;
import io.otlake.proto.Signal;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToIntFunction;

/**
 * Where accepted records go. The future completes normally only when every record is durably stored (for Kafka:
 * acknowledged with acks=all), and exceptionally with {@link SinkException} otherwise.
 */
public interface RecordSink {
  CompletableFuture<Void> send(Signal signal, List<OtlpRecord> records, RequestContext context);

  /**
   * The partition a record key of {@code signal} goes to, when the sink knows its topic's partitions without
   * waiting; null when it does not (or has no partitions), and records are then made one per key.
   */
  default ToIntFunction<byte[]> partitioner(Signal signal) {
    return null;
  }
}
