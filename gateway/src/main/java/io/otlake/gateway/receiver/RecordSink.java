package io.otlake.gateway.receiver;

import io.otlake.proto.OtlpRecord;
import io.otlake.proto.Signal;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where accepted records go. The future completes normally only when every record is durably stored (for Kafka:
 * acknowledged with acks=all), and exceptionally with {@link SinkException} otherwise.
 */
public interface RecordSink {
  CompletableFuture<Void> send(Signal signal, List<OtlpRecord> records, RequestContext context);
}
