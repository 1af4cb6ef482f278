package io.otlake.gateway.receiver;

import com.google.protobuf.Duration;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.concurrent.CompletionException;

/**
 * The one place failures are classified and mapped to the answers the OTLP specification defines (its "Failures"
 * and "Throttling" sections), for OTLP/gRPC and OTLP/HTTP alike: bad data is not retryable, overload and an
 * unavailable Kafka are.
 */
public final class Outcomes {
  /** The retry delay suggested to clients when the gateway is overloaded. */
  public static final long RETRY_AFTER_SECONDS = 1;

  private Outcomes() {}

  /** The request can never succeed as sent. */
  public static Rejection invalid(String message) {
    return new Rejection(Rejection.Kind.INVALID, message);
  }

  /** Maps a failure of the sink to a rejection: a full in-flight buffer is overload, anything else unavailability. */
  public static Rejection fromSink(Throwable t) {
    Throwable cause = unwrap(t);
    if (cause instanceof Rejection r) {
      return r;
    }
    if (cause instanceof SinkException se && se.overloaded()) {
      return new Rejection(Rejection.Kind.OVERLOADED, se.getMessage());
    }
    return new Rejection(Rejection.Kind.UNAVAILABLE, "could not store the data in Kafka: " + cause.getMessage());
  }

  /**
   * The gRPC answer: INVALID_ARGUMENT (not retryable), RESOURCE_EXHAUSTED with RetryInfo (OTLP clients retry after
   * the delay), UNAVAILABLE (retried with backoff).
   */
  public static StatusRuntimeException grpc(Throwable t) {
    Rejection r = fromSink(t);
    return switch (r.kind()) {
      case INVALID -> Status.INVALID_ARGUMENT.withDescription(r.getMessage()).asRuntimeException();
      case UNAVAILABLE -> Status.UNAVAILABLE.withDescription(r.getMessage()).asRuntimeException();
      case OVERLOADED -> StatusProto.toStatusRuntimeException(status(r).toBuilder()
          .addDetails(com.google.protobuf.Any.pack(RetryInfo.newBuilder()
              .setRetryDelay(Duration.newBuilder().setSeconds(RETRY_AFTER_SECONDS))
              .build()))
          .build());
    };
  }

  /**
   * The OTLP/HTTP status code: 400 (not retryable), 429 with Retry-After for overload, 503 when Kafka is unavailable
   * (429 and 503 are among the codes OTLP/HTTP clients retry).
   */
  public static int httpStatus(Rejection r) {
    return switch (r.kind()) {
      case INVALID -> 400;
      case OVERLOADED -> 429;
      case UNAVAILABLE -> 503;
    };
  }

  /** The {@code google.rpc.Status} an OTLP/HTTP error response carries as its body. */
  public static com.google.rpc.Status status(Rejection r) {
    int code = switch (r.kind()) {
      case INVALID -> Code.INVALID_ARGUMENT_VALUE;
      case OVERLOADED -> Code.RESOURCE_EXHAUSTED_VALUE;
      case UNAVAILABLE -> Code.UNAVAILABLE_VALUE;
    };
    return com.google.rpc.Status.newBuilder().setCode(code).setMessage(r.getMessage()).build();
  }

  private static Throwable unwrap(Throwable t) {
    Throwable cause = t;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
