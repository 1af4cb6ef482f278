package io.otlake.gateway;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.otlake.gateway.config.GatewayConfig;
import io.otlake.gateway.http.OtlpHttpServer;
import io.otlake.gateway.kafka.KafkaReachability;
import io.otlake.gateway.kafka.KafkaSink;
import io.otlake.gateway.receiver.FanOutLimits;
import io.otlake.gateway.receiver.GrpcAdmission;
import io.otlake.gateway.receiver.GrpcAnswers;
import io.otlake.gateway.receiver.Admission;
import io.otlake.gateway.receiver.Intake;
import io.otlake.gateway.receiver.ReceiverMetrics;
import io.otlake.gateway.receiver.SignalReceiver;
import io.otlake.gateway.signals.SignalUnit;
import io.otlake.gateway.signals.Signals;
import io.otlake.proto.RecordSplitter;
import java.util.ArrayList;
import java.util.List;
import io.otlake.proto.ops.MetricsEndpoint;
import io.otlake.proto.ops.Readiness;
import io.otlake.proto.ops.ThrottledLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway's lifecycle: start the OTLP servers and the Kafka sink; shut down draining within a deadline. */
public final class GatewayServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

  /** At most one log line per kind of gRPC refusal per this interval. */
  static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

  private final GatewayConfig config;
  private final KafkaSink sink;
  private final KafkaReachability kafkaCheck;
  private final MetricsEndpoint metrics;
  private final JvmGcMetrics gcMetrics;
  private final Server grpc;
  private final OtlpHttpServer http; // null when disabled
  private boolean closed;

  private GatewayServer(GatewayConfig config, KafkaSink sink, KafkaReachability kafkaCheck, MetricsEndpoint metrics,
      JvmGcMetrics gcMetrics, Server grpc, OtlpHttpServer http) {
    this.config = config;
    this.gcMetrics = gcMetrics;
    this.sink = sink;
    this.kafkaCheck = kafkaCheck;
    this.metrics = metrics;
    this.grpc = grpc;
    this.http = http;
  }

  public static GatewayServer start(GatewayConfig config) {
    MetricsEndpoint metrics = MetricsEndpoint.start(config.metricsHost(), config.metricsPort());
    KafkaSink sink = KafkaSink.create(config);
    KafkaReachability kafkaCheck = new KafkaReachability(KafkaSink.producerProperties(config), "otlake-gateway-ready");
    metrics.readiness(Readiness.start(Map.of("kafka at " + config.bootstrapServers(), kafkaCheck::check),
        config.readinessInterval(), config.readinessTimeout()));
    new JvmMemoryMetrics().bindTo(metrics.registry()); // heap use against -Xmx (jvm_memory_used_bytes)
    JvmGcMetrics gcMetrics = new JvmGcMetrics(); // old generation after a GC (jvm_gc_live_data_size_bytes)
    gcMetrics.bindTo(metrics.registry());
    ReceiverMetrics receiverMetrics = new ReceiverMetrics(metrics.registry());
    Intake intake = new Intake(new Admission(config.admissionMaxInFlightBytes()), receiverMetrics);
    FanOutLimits limits = new FanOutLimits(config.maxResourcesPerRequest(), config.maxServicesPerRequest(),
        config.maxPartitionsPerRequest());
    RecordSplitter splitter = new RecordSplitter(config.maxRecordBytes(), config.maxSplitBytes());
    List<SignalReceiver> receivers = new ArrayList<>();
    for (SignalUnit unit : Signals.ALL) {
      receivers.add(new SignalReceiver(unit, limits, splitter, sink, System::currentTimeMillis, intake,
          config.recordPerKey()));
    }
    GrpcLogs.quietTransportWarnings();
    NettyServerBuilder grpcBuilder = NettyServerBuilder
        .forAddress(new InetSocketAddress(config.grpcHost(), config.grpcPort()))
        .maxInboundMessageSize(config.maxRequestBytes())
        .maxConcurrentCallsPerConnection(config.grpcMaxConcurrentCallsPerConnection())
        .directExecutor()
        .addStreamTracerFactory(new GrpcAdmission(intake))
        .addStreamTracerFactory(new GrpcAnswers(receiverMetrics, ThrottledLog.warnings(LOG, LOG_INTERVAL)));
    for (SignalReceiver r : receivers) {
      grpcBuilder.addService(r.service(config.maxRequestBytes(), GatewayConfig.GRPC_MAX_REQUEST_BYTES));
    }
    Server grpc = grpcBuilder.build();
    try {
      grpc.start();
    } catch (IOException e) {
      sink.close();
      metrics.close();
      kafkaCheck.close();
      gcMetrics.close();
      throw new UncheckedIOException("cannot listen for OTLP/gRPC on " + config.grpcHost() + ":" + config.grpcPort(), e);
    }
    OtlpHttpServer http = null;
    if (config.httpPort() >= 0) {
      try {
        http = OtlpHttpServer.start(config.httpHost(), config.httpPort(), new OtlpHttpServer.Limits(
            config.httpMaxRequestBytes(), config.httpMaxPipelinedRequests(), config.httpMaxQueuedRequests(),
            config.httpBodyTimeout().toMillis()),
            config.httpCorsAllowedOrigins(), intake, receivers);
      } catch (RuntimeException e) {
        grpc.shutdownNow();
        sink.close();
        metrics.close();
        kafkaCheck.close();
        gcMetrics.close();
        throw e;
      }
    }
    LOG.info("OTLP/gRPC on {}:{}, OTLP/HTTP on {}, producing to {} at {}", config.grpcHost(), grpc.getPort(),
        http == null ? "(disabled)" : config.httpHost() + ":" + http.port(), config.topics().values(),
        config.bootstrapServers());
    return new GatewayServer(config, sink, kafkaCheck, metrics, gcMetrics, grpc, http);
  }

  public int grpcPort() {
    return grpc.getPort();
  }

  /** The OTLP/HTTP port, or -1 when OTLP/HTTP is disabled. */
  public int httpPort() {
    return http == null ? -1 : http.port();
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
    if (http != null) {
      http.close(java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
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
    kafkaCheck.close();
    gcMetrics.close();
    LOG.info("gateway stopped");
  }
}
