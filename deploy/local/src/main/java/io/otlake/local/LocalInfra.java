package io.otlake.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The real parts otlake runs on, all on this machine: a Kafka broker, an S3 API server and a JDBC catalog on SQLite,
 * with everything kept under one data folder so that it survives a restart. Used by {@code ./otlake local} and by
 * the integration tests.
 */
public final class LocalInfra implements AutoCloseable {
  public static final String CATALOG_NAME = "otlake";
  public static final String BUCKET = "otlake";
  /** The region clients name (S3Proxy takes any). */
  public static final String REGION = "us-east-1";

  private final DataFolder folder;
  private final Path dataDir;
  private final KafkaBroker kafka;
  private final S3Server s3;
  private final List<AutoCloseable> closeFirst = new CopyOnWriteArrayList<>();
  private boolean closed;

  private LocalInfra(DataFolder folder, KafkaBroker kafka, S3Server s3) {
    this.folder = folder;
    this.dataDir = folder.dir();
    this.kafka = kafka;
    this.s3 = s3;
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "otlake-local-stop"));
  }

  /**
   * Services running on this infrastructure, closed (last added first) before the servers stop, whether by
   * {@link #close} or at JVM exit; so a writer can commit before Kafka goes away.
   */
  public void closeFirst(AutoCloseable service) {
    closeFirst.add(0, service);
  }

  /**
   * Locks {@code dataDir} ({@link DataFolder}: refused with {@link DataFolder.InUseException} while another instance
   * holds it), stops the children an earlier launcher on it left running, then starts. Ports of 0 are picked free.
   */
  public static LocalInfra start(Path dataDir, int kafkaPort, int s3Port, int partitions) {
    DataFolder folder = DataFolder.lock(dataDir);
    try {
      folder.stopLeftovers().forEach(System.err::println);
      return start(folder, kafkaPort, 0, s3Port, partitions);
    } catch (RuntimeException e) {
      folder.close();
      throw e;
    }
  }

  /**
   * Starts on a folder this process holds (and whose leftovers it stopped); the infrastructure releases it when it
   * closes. Ports of 0 are picked free. Kafka and S3 start side by side.
   */
  static LocalInfra start(DataFolder folder, int kafkaPort, int controllerPort, int s3Port, int partitions) {
    Path data = folder.dir();
    int kPort = kafkaPort == 0 ? freePort() : kafkaPort;
    int cPort = controllerPort == 0 ? freePort() : controllerPort;
    int sPort = s3Port == 0 ? freePort() : s3Port;
    CompletableFuture<S3Server> s3 = CompletableFuture.supplyAsync(
        () -> S3Server.start(S3Server.dirIn(data), lib("s3proxy"), sPort, BUCKET));
    KafkaBroker kafka;
    try {
      kafka = KafkaBroker.start(KafkaBroker.dirIn(data), lib("kafka"), kPort, cPort, partitions);
    } catch (RuntimeException e) {
      s3.thenAccept(S3Server::close);
      throw e;
    }
    try {
      return new LocalInfra(folder, kafka, s3.join());
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  /** Where the jars of a child server lie: {@code -Dotlake.<name>.lib}, else beside the sources. */
  static Path lib(String name) {
    String explicit = System.getProperty("otlake." + name + ".lib");
    if (explicit != null) {
      return Path.of(explicit);
    }
    String home = System.getProperty("otlake.home", ".");
    String module = name.equals("kafka") ? "kafka-broker" : name;
    return Path.of(home, "deploy", module, "target", "lib");
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The Kafka broker's process id (fault-injection tests pause it with SIGSTOP). */
  public long kafkaPid() {
    return kafka.pid();
  }

  /** The S3 server's process id. */
  public long s3Pid() {
    return s3.pid();
  }

  public String s3Endpoint() {
    return s3.endpoint();
  }

  public Path dataDir() {
    return dataDir;
  }

  /**
   * What a reader (or the writer) needs to open the catalog, in the property names Iceberg's {@code CatalogUtil}
   * takes; {@code name} is the catalog's name.
   */
  public Map<String, String> catalogProperties() {
    return catalogProperties(dataDir, s3.endpoint());
  }

  /** {@link #catalogProperties()} of a data folder whose S3 server answers at {@code s3Endpoint}. */
  static Map<String, String> catalogProperties(Path dataDir, String s3Endpoint) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("type", "jdbc");
    p.put("uri", "jdbc:sqlite:" + dataDir.resolve("catalog.db"));
    p.put("jdbc.schema-version", "V1");
    p.put("warehouse", "s3://" + BUCKET + "/warehouse");
    p.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    p.put("s3.endpoint", s3Endpoint);
    p.put("s3.path-style-access", "true");
    p.put("s3.access-key-id", S3Server.ACCESS_KEY);
    p.put("s3.secret-access-key", S3Server.SECRET_KEY);
    p.put("s3.chunked-encoding-enabled", "false");
    p.put("client.region", REGION);
    return p;
  }

  /**
   * What an engine reading through the REST catalog needs besides the catalog's URI: the S3 server's endpoint and
   * keys in Iceberg's FileIO property names (PyIceberg's too: it reads {@code s3.region}). The REST server gives
   * them to every client in its {@code config} answer and every table answer's config.
   */
  public Map<String, String> objectStoreProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    catalogProperties().forEach((k, v) -> {
      if (k.startsWith("s3.") || k.startsWith("client.")) {
        p.put(k, v);
      }
    });
    p.put("s3.region", p.get("client.region"));
    return p;
  }

  /** Writes {@link #catalogProperties()} plus {@code name} to {@code <data>/catalog.properties}; returns the path. */
  public Path writeCatalogProperties() {
    Properties props = new Properties();
    props.setProperty("name", CATALOG_NAME);
    catalogProperties().forEach(props::setProperty);
    Path file = dataDir.resolve("catalog.properties");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      props.store(w, "Iceberg catalog of this otlake; 'name' is the catalog name, the rest go to CatalogUtil");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /**
   * Writes {@code bootstrap.servers} to {@code <data>/kafka.properties}, where the writer's commands
   * ({@code ./otlake status --data DIR}, ...) find this Kafka; returns the path.
   */
  public Path writeKafkaProperties() {
    Properties props = new Properties();
    props.setProperty("bootstrap.servers", bootstrapServers());
    Path file = dataDir.resolve("kafka.properties");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      props.store(w, "Kafka of this otlake (for ./otlake status, trace, position, maintain --data DIR)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** The writer settings that point it at this infrastructure, as configuration overrides. */
  public Map<String, String> writerOverrides() {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("kafka.bootstrap.servers", bootstrapServers());
    o.put("iceberg.catalog-name", CATALOG_NAME);
    catalogProperties().forEach((k, v) -> o.put("iceberg.catalog." + k, v));
    return o;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (AutoCloseable c : closeFirst) {
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("stopping " + c + ": " + e);
      }
    }
    kafka.close();
    s3.close();
    folder.close();
  }
}
