package io.otlake.gateway.receiver;

import com.google.protobuf.Duration;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * The one place failures are classified and mapped to the answers the OTLP specification defines (its "Failures"
 * and "Throttling" sections): bad data is not retryable, overload and an unavailable Kafka are.
 */
public final class Outcomes {
  /** The retry delay suggested to clients when the gateway is overloaded. */
  static final long RETRY_AFTER_SECONDS = 1;

  private Outcomes() {}

  /** The request can never succeed as sent: INVALID_ARGUMENT, not retryable. */
  public static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  /** The store failed or timed out: UNAVAILABLE, which OTLP clients retry with backoff. */
  public static StatusRuntimeException unavailable(String message) {
    return Status.UNAVAILABLE.withDescription(message).asRuntimeException();
  }

  /** Too much is in flight: RESOURCE_EXHAUSTED with RetryInfo, which makes OTLP clients retry after the delay. */
  public static StatusRuntimeException overloaded(String message) {
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
        .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
        .setMessage(message)
        .addDetails(com.google.protobuf.Any.pack(RetryInfo.newBuilder()
            .setRetryDelay(Duration.newBuilder().setSeconds(RETRY_AFTER_SECONDS))
            .build()))
        .build();
    return StatusProto.toStatusRuntimeException(status);
  }

  /** Maps a failure of the sink to the status the client gets. */
  public static StatusRuntimeException fromSink(Throwable t) {
    Throwable cause = t;
    while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof SinkException se && se.overloaded()) {
      return overloaded(se.getMessage());
    }
    return unavailable("could not store the data in Kafka: " + cause.getMessage());
  }
}
