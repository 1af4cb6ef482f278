package io.otlake.local;

import io.otlake.gateway.GatewayServer;
import io.otlake.gateway.config.GatewayConfig;
import io.otlake.local.rest.RestCatalogServer;
import io.otlake.proto.config.ConfigException;
import io.otlake.writer.WriterService;
import io.otlake.writer.config.WriterConfig;
import io.otlake.writer.table.Catalogs;
import java.nio.file.Path;
import org.apache.iceberg.IcebergBuild;

/**
 * {@code ./otlake local [--data DIR] [--listen-all] [--*-port N]}: everything on one machine ({@link LocalOptions}).
 * Before anything starts it locks the data folder ({@link DataFolder}: a second instance on it exits at once),
 * stops the child servers a launcher killed earlier left behind, and checks that every port is free
 * ({@link PortCheck}); each refusal is one line on stderr and exit code 2. Then it starts a Kafka broker, an S3 API
 * server, the catalog, the Iceberg REST catalog server over it, a writer and the gateway; prints the endpoints and
 * the engine snippets ({@link EngineSnippets}); writes {@code <data>/catalog.properties}.
 */
public final class LocalMain {
  private LocalMain() {}

  public static void main(String[] args) throws InterruptedException {
    LocalOptions options;
    try {
      options = LocalOptions.parse(args);
    } catch (IllegalArgumentException e) {
      fail(e.getMessage() + " (see --help)");
      return;
    }
    if (options.help()) {
      System.out.println(LocalOptions.USAGE);
      return;
    }

    DataFolder folder;
    try {
      folder = DataFolder.lock(options.data());
    } catch (DataFolder.InUseException | java.io.UncheckedIOException e) {
      fail(e.getMessage());
      return;
    }
    LocalInfra infra;
    try {
      folder.stopLeftovers().forEach(line -> System.err.println("otlake local: " + line));
      PortCheck.check(options.wantedPorts());
      LocalOptions.Ports p = options.ports();
      infra = LocalInfra.start(folder, p.kafka(), p.kafkaController(), p.s3(), 4);
    } catch (PortCheck.BusyException e) {
      folder.close();
      fail(e.getMessage());
      return;
    } catch (RuntimeException e) {
      folder.close();
      fail("could not start: " + e.getMessage());
      return;
    }
    Path catalogFile = infra.writeCatalogProperties();
    infra.writeKafkaProperties();
    WriterService writer;
    GatewayServer gateway;
    RestCatalogServer rest;
    try {
      rest = RestCatalogServer.start(Catalogs.build(LocalInfra.CATALOG_NAME, infra.catalogProperties()),
          infra.objectStoreProperties(), options.host(), options.ports().rest());
      infra.closeFirst(rest);
      writer = WriterService.start(WriterConfig.load(null, System.getenv(),
          options.writerOverrides(infra.writerOverrides())));
      infra.closeFirst(writer);
      gateway = GatewayServer.start(GatewayConfig.load(null, System.getenv(),
          options.gatewayOverrides(infra.bootstrapServers())));
      infra.closeFirst(gateway);
    } catch (ConfigException e) {
      infra.close();
      fail("configuration error: " + e.getMessage());
      return;
    } catch (RuntimeException e) {
      infra.close();
      fail("could not start: " + e.getMessage());
      return;
    }
    String h = options.shownHost();
    String restUri = "http://" + h + ":" + rest.port();
    System.out.println(String.join("\n",
        "otlake is running",
        "  OTLP/gRPC          " + h + ":" + gateway.grpcPort() + "   (point OTEL_EXPORTER_OTLP_ENDPOINT at http://" + h
            + ":" + gateway.grpcPort() + ")",
        "  OTLP/HTTP          http://" + h + ":" + gateway.httpPort() + "/v1/traces   (protobuf or JSON; with"
            + " OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf point the endpoint at http://" + h + ":" + gateway.httpPort()
            + ")",
        "  Iceberg REST       " + restUri + "   (catalog of otel.traces; S3 settings in its config answer)",
        "  Kafka              " + infra.bootstrapServers(),
        "  S3 API             " + infra.s3Endpoint() + "   (access key " + S3Server.ACCESS_KEY + ", secret key "
            + S3Server.SECRET_KEY + ", region " + LocalInfra.REGION + ")",
        "  metrics            http://" + h + ":" + gateway.metricsPort() + "/metrics (gateway), http://" + h + ":"
            + writer.metricsPort() + "/metrics (writer); /readyz and /healthz beside them",
        "  listening on       " + options.host() + (options.host().equals(LocalOptions.LOOPBACK)
            ? " only (--listen-all or --host ADDR to open the OTLP, REST catalog and metrics ports)" : ""),
        "  table              otel.traces in catalog '" + LocalInfra.CATALOG_NAME + "'",
        "  catalog properties " + catalogFile + "   (the JDBC catalog, for JVM readers)",
        "  data               " + infra.dataDir(),
        "",
        snippets(infra, restUri).all(),
        "Stop with Ctrl-C."));
    Thread.currentThread().join();
  }

  static EngineSnippets snippets(LocalInfra infra, String restUri) {
    return new EngineSnippets(LocalInfra.CATALOG_NAME, restUri, infra.s3Endpoint(), S3Server.ACCESS_KEY,
        S3Server.SECRET_KEY, LocalInfra.REGION, IcebergBuild.version());
  }

  private static void fail(String line) {
    System.err.println("otlake local: " + line);
    System.exit(2);
  }
}
