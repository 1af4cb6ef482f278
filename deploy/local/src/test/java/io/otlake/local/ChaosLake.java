package io.otlake.local;

import io.otlake.local.rest.RestCatalogServer;
import io.otlake.writer.table.Catalogs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.catalog.Catalog;

/**
 * The chaos suite's own real parts, under their own folder, so that it can kill and restart them without touching
 * the lake the other tests share: a Kafka broker and an S3 server (each its own JVM, restarted on the same data and
 * ports), and an Iceberg REST catalog (local mode's server, over the JDBC catalog on SQLite) reached by the services
 * only through a {@link TcpCut}, so that the catalog can be made unreachable. The test itself reads the table through
 * the JDBC catalog directly.
 */
final class ChaosLake implements AutoCloseable {
  static final int PARTITIONS = 4;
  private final Path dir;
  private final int kafkaPort = LocalInfra.freePort();
  private final int controllerPort = LocalInfra.freePort();
  private final int s3Port = LocalInfra.freePort();
  private KafkaBroker kafka;
  private S3Server s3;
  private final RestCatalogServer rest;
  private final TcpCut catalogPath;

  ChaosLake(Path dir) {
    this.dir = dir;
    startKafka();
    startS3();
    rest = RestCatalogServer.start(jdbcCatalog(), objectStoreProperties(), "127.0.0.1", 0);
    catalogPath = TcpCut.start(rest.port());
  }

  static ChaosLake create() {
    try {
      return new ChaosLake(Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chaos-lake-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path dir() {
    return dir;
  }

  String bootstrapServers() {
    return "127.0.0.1:" + kafkaPort;
  }

  long kafkaPid() {
    return kafka.pid();
  }

  long s3Pid() {
    return s3.pid();
  }

  void startKafka() {
    kafka = KafkaBroker.start(KafkaBroker.dirIn(dir), LocalInfra.lib("kafka"), kafkaPort, controllerPort, PARTITIONS);
  }

  /** SIGKILL: no shutdown, no flush; the page cache keeps what the broker wrote, as after a crash of the process. */
  void killKafka() {
    kill(kafka.pid());
    kafka.close();
  }

  void startS3() {
    s3 = S3Server.start(S3Server.dirIn(dir), LocalInfra.lib("s3proxy"), s3Port, LocalInfra.BUCKET);
  }

  void killS3() {
    kill(s3.pid());
    s3.close();
  }

  void cutCatalog() {
    catalogPath.cut();
  }

  void restoreCatalog() {
    catalogPath.restore();
  }

  /** The catalog as the services see it: REST, through the cuttable path; the S3 settings come from its config. */
  Map<String, String> serviceCatalogProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("type", "rest");
    p.put("uri", "http://127.0.0.1:" + catalogPath.port());
    return p;
  }

  /** The catalog behind the REST server, read directly (not through the cut). */
  Catalog jdbcCatalog() {
    return Catalogs.build(LocalInfra.CATALOG_NAME, LocalInfra.catalogProperties(dir, "http://127.0.0.1:" + s3Port));
  }

  private Map<String, String> objectStoreProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    LocalInfra.catalogProperties(dir, "http://127.0.0.1:" + s3Port).forEach((k, v) -> {
      if (k.startsWith("s3.") || k.startsWith("client.")) {
        p.put(k, v);
      }
    });
    return p;
  }

  private static void kill(long pid) {
    ProcessHandle p = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
    p.destroyForcibly();
    try {
      p.onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("process " + pid + " did not die", e);
    }
  }

  @Override
  public void close() {
    catalogPath.close();
    rest.close();
    kafka.close();
    s3.close();
  }
}
