package io.otlake.local;

import io.otlake.gateway.GatewayServer;
import io.otlake.gateway.config.GatewayConfig;
import io.otlake.proto.config.ConfigException;
import io.otlake.writer.WriterService;
import io.otlake.writer.config.WriterConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code ./otlake local [--data DIR]}: everything on one machine. Starts a Kafka broker, an S3 API server, the
 * catalog, a writer and the gateway; prints the endpoints; writes {@code <data>/catalog.properties}.
 */
public final class LocalMain {
  private LocalMain() {}

  public static void main(String[] args) throws InterruptedException {
    Path data = Path.of("otlake-data");
    int grpcPort = 4317;
    int httpPort = 4318;
    int kafkaPort = 9092;
    int s3Port = 9000;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        System.out.println(String.join("\n",
            "usage: otlake local [--data DIR] [--grpc-port N] [--http-port N] [--kafka-port N] [--s3-port N]",
            "",
            "Runs otlake and everything it needs on this machine: a Kafka broker (KRaft), an S3 API server",
            "(S3Proxy) storing under DIR, a JDBC catalog on SQLite, one writer and the gateway.",
            "DIR defaults to ./otlake-data; data survives a restart. Ports default to 4317 (OTLP/gRPC),",
            "4318 (OTLP/HTTP), 9092 (Kafka), 9000 (S3), 9464 and 9465 (gateway and writer metrics). The gateway and writer",
            "also take their usual OTLAKE_GATEWAY_* and OTLAKE_WRITER_* environment variables.",
            ""));
        return;
      } else if (i + 1 < args.length && a.equals("--data")) {
        data = Path.of(args[++i]);
      } else if (i + 1 < args.length && a.equals("--grpc-port")) {
        grpcPort = Integer.parseInt(args[++i]);
      } else if (i + 1 < args.length && a.equals("--http-port")) {
        httpPort = Integer.parseInt(args[++i]);
      } else if (i + 1 < args.length && a.equals("--kafka-port")) {
        kafkaPort = Integer.parseInt(args[++i]);
      } else if (i + 1 < args.length && a.equals("--s3-port")) {
        s3Port = Integer.parseInt(args[++i]);
      } else {
        System.err.println("unknown argument: " + a + " (see --help)");
        System.exit(2);
      }
    }

    LocalInfra infra = LocalInfra.start(data, kafkaPort, s3Port, 4);
    Path catalogFile = infra.writeCatalogProperties();
    WriterService writer;
    GatewayServer gateway;
    try {
      writer = WriterService.start(WriterConfig.load(null, System.getenv(), infra.writerOverrides()));
      Map<String, String> g = new HashMap<>();
      g.put("kafka.bootstrap.servers", infra.bootstrapServers());
      g.put("grpc.port", Integer.toString(grpcPort));
      g.put("http.port", Integer.toString(httpPort));
      gateway = GatewayServer.start(GatewayConfig.load(null, System.getenv(), g));
    } catch (ConfigException e) {
      System.err.println("configuration error: " + e.getMessage());
      infra.close();
      System.exit(2);
      return;
    }
    System.out.println(String.join("\n",
        "otlake is running",
        "  OTLP/gRPC          localhost:" + gateway.grpcPort() + "   (point OTEL_EXPORTER_OTLP_ENDPOINT at http://localhost:"
            + gateway.grpcPort() + ")",
        "  OTLP/HTTP          http://localhost:" + gateway.httpPort() + "/v1/traces   (protobuf or JSON; with"
            + " OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf point the endpoint at http://localhost:" + gateway.httpPort() + ")",
        "  Kafka              " + infra.bootstrapServers(),
        "  S3 API             " + infra.s3Endpoint() + "   (access key " + S3Server.ACCESS_KEY + ")",
        "  metrics            http://localhost:" + gateway.metricsPort() + "/metrics (gateway), http://localhost:"
            + writer.metricsPort() + "/metrics (writer)",
        "  table              otel.traces in catalog '" + LocalInfra.CATALOG_NAME + "'",
        "  catalog properties " + catalogFile,
        "  data               " + infra.dataDir(),
        "Stop with Ctrl-C."));
    infra.closeFirst(writer);
    infra.closeFirst(gateway);
    Thread.currentThread().join();
  }
}
