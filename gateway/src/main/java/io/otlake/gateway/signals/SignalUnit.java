package io.otlake.gateway.signals;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.otlake.proto.SignalContract;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedRequest;
import java.util.function.LongSupplier;

/**
 * Everything the gateway needs to know of one OTLP signal, and nothing the transports, the pipeline or the Kafka
 * sink share: its contract with the writer (wire table, record key), its gRPC method and HTTP path, its answer, its
 * OTLP/JSON reading, and what makes one of its items invalid. Registered in {@link Signals#ALL}.
 */
public interface SignalUnit {
  SignalContract contract();

  /** The generated gRPC method ({@code .../Export}); only its name and type are used. */
  MethodDescriptor<?, ?> exportMethod();

  /** The OTLP/HTTP path, e.g. {@code /v1/logs}. */
  String httpPath();

  /**
   * The export answer: empty when nothing was rejected, else with {@code partial_success} counting the rejected
   * items and saying why.
   */
  Message response(long rejected, String message);

  /** An OTLP/JSON request of this signal as protobuf bytes. */
  byte[] jsonToProto(byte[] json) throws MalformedRequestException;

  /** The checks of one item, with {@code nowNanos} the gateway's clock. */
  ItemCheck check(LongSupplier nowNanos);

  /**
   * The time that decides which table partition (day) an item's rows fall into, for the fan-out bound; only asked of
   * items that passed {@link #check}.
   */
  long partitionTimeNanos(ScannedRequest request, int item);

  /** What is wrong with one item, or null when it is fine. */
  @FunctionalInterface
  interface ItemCheck {
    String problem(ScannedRequest request, int item);
  }
}
