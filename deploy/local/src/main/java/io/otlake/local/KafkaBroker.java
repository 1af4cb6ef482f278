package io.otlake.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/** A real single-node Apache Kafka broker (KRaft, broker and controller in one) in its own JVM. */
public final class KafkaBroker implements AutoCloseable {
  private final ChildJvm jvm;
  private final int port;

  private KafkaBroker(ChildJvm jvm, int port) {
    this.jvm = jvm;
    this.port = port;
  }

  /** The broker's folder inside local mode's data folder. */
  static Path dirIn(Path dataDir) {
    return dataDir.resolve("kafka");
  }

  /**
   * Starts a broker keeping its log under {@code dir}; formats the storage on first use, so data survives restarts.
   *
   * @param partitions default partition count of auto-created topics
   */
  public static KafkaBroker start(Path dir, Path libDir, int port, int controllerPort, int partitions) {
    try {
      Files.createDirectories(dir);
      Path logs = dir.resolve("logs");
      Path props = dir.resolve("server.properties");
      String config = String.join("\n",
          "process.roles=broker,controller",
          "node.id=1",
          "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
          "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
          "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
          "controller.listener.names=CONTROLLER",
          "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
          "log.dirs=" + logs.toAbsolutePath(),
          "num.partitions=" + partitions,
          "offsets.topic.replication.factor=1",
          "offsets.topic.num.partitions=4",
          "transaction.state.log.replication.factor=1",
          "transaction.state.log.min.isr=1",
          "share.coordinator.state.topic.replication.factor=1",
          "share.coordinator.state.topic.min.isr=1",
          "group.initial.rebalance.delay.ms=0",
          "auto.create.topics.enable=true",
          "message.max.bytes=16777216",
          "log.retention.hours=168",
          "");
      Files.writeString(props, config, StandardCharsets.UTF_8);
      Path log4j = dir.resolve("log4j2.properties");
      Files.writeString(log4j, String.join("\n",
          "status = warn",
          "appender.out.type = Console",
          "appender.out.name = OUT",
          "appender.out.layout.type = PatternLayout",
          "appender.out.layout.pattern = [%d] %p %m (%c)%n",
          "rootLogger.level = INFO",
          "rootLogger.appenderRef.out.ref = OUT",
          "logger.state.name = state.change.logger",
          "logger.state.level = WARN",
          ""), StandardCharsets.UTF_8);
      List<String> jvmArgs = List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
          "-Dlog4j2.configurationFile=" + log4j.toAbsolutePath());
      Path log = dir.resolve("broker.log");
      if (!Files.exists(logs.resolve("meta.properties"))) {
        ChildJvm.runToEnd("kafka", libDir, jvmArgs, "kafka.tools.StorageTool",
            List.of("format", "-t", Uuid.randomUuid().toString(), "-c", props.toAbsolutePath().toString()), log, 120);
      }
      ChildJvm jvm = ChildJvm.start("kafka", libDir, jvmArgs, "kafka.Kafka", List.of(props.toAbsolutePath().toString()),
          log);
      KafkaBroker broker = new KafkaBroker(jvm, port);
      jvm.awaitPort(port, 120);
      broker.awaitReady(120);
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the Kafka broker in " + dir, e);
    }
  }

  private void awaitReady(long timeoutSeconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    Exception last = null;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      while (System.nanoTime() < deadline) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          last = e;
          if (!jvm.isAlive()) {
            break;
          }
          ChildJvm.sleep(200);
        }
      }
    }
    throw new IllegalStateException("Kafka broker on port " + port + " did not become ready", last);
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** The server's process id. */
  public long pid() {
    return jvm.pid();
  }

  @Override
  public void close() {
    jvm.close();
  }
}
