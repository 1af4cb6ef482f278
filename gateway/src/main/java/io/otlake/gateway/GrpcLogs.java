package io.otlake.gateway;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * gRPC logs through java.util.logging. Its Netty server stream logs a WARNING with the whole stack trace for every
 * message it refuses while deframing (one over the size limit: 40 lines a request); those refusals are counted and
 * logged, throttled, by {@link io.otlake.gateway.receiver.GrpcAnswers} instead, so that logger is turned down to
 * SEVERE. The logger is held here: java.util.logging keeps only weak references, and a collected logger would
 * forget its level.
 */
final class GrpcLogs {
  private static final Logger DEFRAME_FAILURES =
      Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");

  private GrpcLogs() {}

  static void quietTransportWarnings() {
    DEFRAME_FAILURES.setLevel(Level.SEVERE);
  }
}
