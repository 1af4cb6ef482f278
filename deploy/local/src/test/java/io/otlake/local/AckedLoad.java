package io.otlake.local;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.otlake.gateway.GatewayServer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Sends requests through the gateway and remembers every span id the gateway acknowledged. */
final class AckedLoad implements AutoCloseable {
  static final int TRACES = 3;
  static final int SPANS = 5;
  private final ManagedChannel channel;
  private final TraceServiceGrpc.TraceServiceBlockingStub stub;
  private final String service;
  final Set<String> acked = ConcurrentHashMap.newKeySet();
  private int next;

  AckedLoad(GatewayServer gateway, String service) {
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.grpcPort()).usePlaintext().build();
    this.stub = TraceServiceGrpc.newBlockingStub(channel);
    this.service = service;
  }

  void send(int requests) {
    for (int i = 0; i < requests; i++) {
      int n = next++;
      stub.withDeadlineAfter(30, TimeUnit.SECONDS).export(Spans.request(service, n, TRACES, SPANS));
      for (int t = 0; t < TRACES; t++) {
        for (int s = 0; s < SPANS; s++) {
          acked.add(Spans.spanIdHex(((long) n * TRACES + t) * SPANS + s + 1));
        }
      }
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
