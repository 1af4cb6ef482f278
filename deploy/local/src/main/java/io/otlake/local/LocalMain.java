package io.otlake.local;

import io.otlake.gateway.GatewayServer;
import io.otlake.gateway.config.GatewayConfig;
import io.otlake.proto.config.ConfigException;
import io.otlake.writer.WriterService;
import io.otlake.writer.config.WriterConfig;
import java.nio.file.Path;

/**
 * {@code ./otlake local [--data DIR] [--listen-all]}: everything on one machine ({@link LocalOptions}). Starts a
 * Kafka broker, an S3 API server, the catalog, a writer and the gateway; prints the endpoints; writes
 * {@code <data>/catalog.properties}.
 */
public final class LocalMain {
  private LocalMain() {}

  public static void main(String[] args) throws InterruptedException {
    LocalOptions options;
    try {
      options = LocalOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + " (see --help)");
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.println(LocalOptions.USAGE);
      return;
    }

    LocalInfra infra = LocalInfra.start(options.data(), options.kafkaPort(), options.s3Port(), 4);
    Path catalogFile = infra.writeCatalogProperties();
    infra.writeKafkaProperties();
    WriterService writer;
    GatewayServer gateway;
    try {
      writer = WriterService.start(WriterConfig.load(null, System.getenv(),
          options.writerOverrides(infra.writerOverrides())));
      gateway = GatewayServer.start(GatewayConfig.load(null, System.getenv(),
          options.gatewayOverrides(infra.bootstrapServers())));
    } catch (ConfigException e) {
      System.err.println("configuration error: " + e.getMessage());
      infra.close();
      System.exit(2);
      return;
    }
    String h = options.shownHost();
    System.out.println(String.join("\n",
        "otlake is running",
        "  OTLP/gRPC          " + h + ":" + gateway.grpcPort() + "   (point OTEL_EXPORTER_OTLP_ENDPOINT at http://" + h
            + ":" + gateway.grpcPort() + ")",
        "  OTLP/HTTP          http://" + h + ":" + gateway.httpPort() + "/v1/traces   (protobuf or JSON; with"
            + " OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf point the endpoint at http://" + h + ":" + gateway.httpPort()
            + ")",
        "  Kafka              " + infra.bootstrapServers(),
        "  S3 API             " + infra.s3Endpoint() + "   (access key " + S3Server.ACCESS_KEY + ")",
        "  metrics            http://" + h + ":" + gateway.metricsPort() + "/metrics (gateway), http://" + h + ":"
            + writer.metricsPort() + "/metrics (writer); /readyz and /healthz beside them",
        "  listening on       " + options.host() + (options.host().equals(LocalOptions.LOOPBACK)
            ? " only (--listen-all or --host ADDR to open the OTLP and metrics ports)" : ""),
        "  table              otel.traces in catalog '" + LocalInfra.CATALOG_NAME + "'",
        "  catalog properties " + catalogFile,
        "  data               " + infra.dataDir(),
        "Stop with Ctrl-C."));
    infra.closeFirst(writer);
    infra.closeFirst(gateway);
    Thread.currentThread().join();
  }
}
