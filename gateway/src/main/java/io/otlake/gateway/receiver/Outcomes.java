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
 *
 * <p>Overload is decided before the expensive work: {@link Admission} refuses a request by its size on arrival
 * (gRPC RESOURCE_EXHAUSTED with RetryInfo, HTTP 429 with Retry-After), and so do the OTLP/HTTP server's bounds on its
 * work queue and on requests pipelined per connection. A sink whose in-flight buffer is full refuses the same way.
 *
 * <p>An item (span, log record, data point) that does not fit in one Kafka record even on its own ({@link #recordTooLarge}) is a 400 /
 * INVALID_ARGUMENT naming {@code kafka.max-record-bytes} and its value, not a 413: the request as a whole may be
 * well within {@code http.max-request-bytes}, and 413 says the body is too large, which it is not; the OTLP
 * specification answers data that can never be accepted with 400 Bad Request, and a client must not retry it (413 is
 * not retryable in OTLP either, so the choice changes the hint, not the client's behaviour).
 *
 * <p>Protocol errors of OTLP/HTTP (404, 405, 415, 431, 414, a malformed request) carry a {@code google.rpc.Status}
 * too ({@link #protocolStatus}), as the specification asks of every error answer.
 */
public final class Outcomes {
  /** The retry delay suggested to clients when the gateway is overloaded. */
  public static final long RETRY_AFTER_SECONDS = 1;

  private Outcomes() {}

  /** The request can never succeed as sent. */
  public static Rejection invalid(String message) {
    return new Rejection(Rejection.Kind.INVALID, message);
  }

  /** The gateway has too many request bytes in flight: retryable after {@link #RETRY_AFTER_SECONDS}. */
  public static Rejection overloaded(Admission admission) {
    return new Rejection(Rejection.Kind.OVERLOADED, "the gateway has " + admission.maxBytes()
        + " request bytes in flight (admission.max-in-flight-bytes); retry later");
  }

  /** An overload of some other bound, named in {@code message}: retryable after {@link #RETRY_AFTER_SECONDS}. */
  public static Rejection overloaded(String message) {
    return new Rejection(Rejection.Kind.OVERLOADED, message);
  }

  /**
   * An item that does not fit in one record of {@code kafka.max-record-bytes} even on its own: it can never be
   * accepted as sent, so 400 / INVALID_ARGUMENT (see the class comment for why not 413).
   */
  public static Rejection recordTooLarge(String splitterMessage, int maxRecordBytes) {
    return invalid(splitterMessage + " (the gateway's kafka.max-record-bytes is " + maxRecordBytes
        + "); this item can never be accepted: make it smaller (fewer attributes, events or links) or raise"
        + " kafka.max-record-bytes");
  }

  /**
   * The {@code google.rpc.Status} of an OTLP/HTTP answer that is not about the data: 404 NOT_FOUND, 405 UNIMPLEMENTED,
   * 429 RESOURCE_EXHAUSTED, 503 UNAVAILABLE, any other 4xx (400, 413, 414, 415, 431) INVALID_ARGUMENT.
   */
  public static com.google.rpc.Status protocolStatus(int httpStatus, String message) {
    int code = switch (httpStatus) {
      case 404 -> Code.NOT_FOUND_VALUE;
      case 405 -> Code.UNIMPLEMENTED_VALUE;
      case 429 -> Code.RESOURCE_EXHAUSTED_VALUE;
      case 503 -> Code.UNAVAILABLE_VALUE;
      default -> httpStatus >= 500 ? Code.INTERNAL_VALUE : Code.INVALID_ARGUMENT_VALUE;
    };
    return com.google.rpc.Status.newBuilder().setCode(code).setMessage(message).build();
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
