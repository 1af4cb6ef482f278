package io.otlake.gateway;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.otlake.gateway.config.GatewayConfig;
import io.otlake.gateway.kafka.KafkaSink;
import io.otlake.gateway.receiver.ReceiverMetrics;
import io.otlake.gateway.receiver.SpanValidator;
import io.otlake.gateway.receiver.TraceReceiver;
import io.otlake.proto.TraceSplitter;
import io.otlake.proto.ops.MetricsEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway's lifecycle: start the OTLP servers and the Kafka sink; shut down draining within a deadline. */
public final class GatewayServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

  private final GatewayConfig config;
  private final KafkaSink sink;
  private final MetricsEndpoint metrics;
  private final Server grpc;
  private boolean closed;

  private GatewayServer(GatewayConfig config, KafkaSink sink, MetricsEndpoint metrics, Server grpc) {
    this.config = config;
    this.sink = sink;
    this.metrics = metrics;
    this.grpc = grpc;
  }

  public static GatewayServer start(GatewayConfig config) {
    MetricsEndpoint metrics = MetricsEndpoint.start(config.metricsHost(), config.metricsPort());
    KafkaSink sink = KafkaSink.create(config);
    TraceReceiver traces = new TraceReceiver(
        new SpanValidator(() -> System.currentTimeMillis() * 1_000_000L),
        new TraceSplitter(config.maxRecordBytes()),
        sink,
        System::currentTimeMillis,
        new ReceiverMetrics(metrics.registry()));
    Server grpc = NettyServerBuilder.forAddress(new InetSocketAddress(config.grpcHost(), config.grpcPort()))
        .maxInboundMessageSize(config.maxRequestBytes())
        .addService(traces.service())
        .build();
    try {
      grpc.start();
    } catch (IOException e) {
      sink.close();
      metrics.close();
      throw new UncheckedIOException("cannot listen for OTLP/gRPC on " + config.grpcHost() + ":" + config.grpcPort(), e);
    }
    LOG.info("OTLP/gRPC on {}:{}, producing to {} at {}", config.grpcHost(), grpc.getPort(), config.tracesTopic(),
        config.bootstrapServers());
    return new GatewayServer(config, sink, metrics, grpc);
  }

  public int grpcPort() {
    return grpc.getPort();
  }

  public int metricsPort() {
    return metrics.port();
  }

  /** Stops taking requests, lets in-flight ones finish until the grace period ends, then closes the producer. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
    grpc.shutdown();
    try {
      if (!grpc.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        grpc.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      grpc.shutdownNow();
    }
    sink.close(java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    metrics.close();
    LOG.info("gateway stopped");
  }
}
