package io.otlake.gateway.receiver;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;

/**
 * One OTLP/gRPC request as the transport delivered it: its bytes, or, when they could not be read, the answer to give
 * instead. gRPC decompresses a message while the marshaller reads it and stops at the inbound size limit by throwing;
 * thrown from a marshaller, that would become UNKNOWN ("Application error processing RPC") and a logged stack trace,
 * so the marshaller turns it into a value the service answers like any other refusal.
 */
record GrpcRequest(byte[] bytes, Status refusal) {

  /** Reads request bytes (as {@link RawBytes} does) and catches what reading them can throw. */
  static final class Marshaller implements MethodDescriptor.Marshaller<GrpcRequest> {
    private final int maxBytes;
    private final String limitKey;

    /** @param limitKey the config key that sets {@code maxBytes}, named in the answer to a larger message */
    Marshaller(int maxBytes, String limitKey) {
      this.maxBytes = maxBytes;
      this.limitKey = limitKey;
    }

    @Override
    public GrpcRequest parse(InputStream stream) {
      try {
        return new GrpcRequest(RawBytes.INSTANCE.parse(stream), null);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
          // no RetryInfo: the same message will never fit, so OTLP clients do not retry it
          return refused(Status.RESOURCE_EXHAUSTED.withDescription("request larger than " + limitKey + "="
              + maxBytes + " bytes once decompressed; send smaller batches"));
        }
        return refused(e.getStatus());
      } catch (RuntimeException e) { // a corrupt compressed stream (UncheckedIOException of a ZipException, ...)
        return refused(Status.INVALID_ARGUMENT.withDescription("request could not be decompressed: " + e.getMessage()));
      }
    }

    private static GrpcRequest refused(Status status) {
      return new GrpcRequest(null, status);
    }

    @Override
    public InputStream stream(GrpcRequest value) {
      return RawBytes.INSTANCE.stream(value.bytes());
    }
  }
}
