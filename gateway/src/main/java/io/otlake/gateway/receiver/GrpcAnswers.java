package io.otlake.gateway.receiver;

import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.otlake.proto.ops.ThrottledLog;
import java.util.EnumSet;
import java.util.Set;

/**
 * Sees the final status of every OTLP/gRPC call, whoever answered it: the services, gRPC itself for an unknown
 * service or method (UNIMPLEMENTED), an unknown compression, or a message over the inbound size limit (refused while
 * deframing, before any service sees it). Counts each in {@code otlake.gateway.requests{transport=grpc,code}} and
 * logs the ones an operator should see, one line per status code per interval ({@link ThrottledLog}).
 */
public final class GrpcAnswers extends ServerStreamTracer.Factory {
  /** Codes that are the client's own doing or its data's, answered with a message and not logged. */
  private static final Set<Status.Code> QUIET = EnumSet.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT,
      Status.Code.CANCELLED, Status.Code.DEADLINE_EXCEEDED);

  private final ReceiverMetrics metrics;
  private final ThrottledLog log;

  public GrpcAnswers(ReceiverMetrics metrics, ThrottledLog log) {
    this.metrics = metrics;
    this.log = log;
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    return new ServerStreamTracer() {
      @Override
      public void streamClosed(Status status) {
        Status.Code code = status.getCode();
        metrics.answered("grpc", code.name());
        if (!QUIET.contains(code)) {
          log.log(code, "OTLP/gRPC " + clip(fullMethodName) + " answered " + code
              + (status.getDescription() == null ? "" : ": " + clip(status.getDescription())));
        }
      }
    };
  }

  /** A client picks the method name: keep a line a line. */
  private static String clip(String s) {
    String one = s.replace('\n', ' ').replace('\r', ' ');
    return one.length() <= 200 ? one : one.substring(0, 200) + "...";
  }
}
