package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.otlake.gateway.GatewayServer;
import io.otlake.gateway.config.GatewayConfig;
import io.otlake.writer.WriterService;
import io.otlake.writer.config.WriterConfig;
import io.otlake.proto.RecordHeaders;
import io.otlake.writer.table.Catalogs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The real parts every integration test shares: one Kafka broker, one S3Proxy and one SQLite catalog, started once
 * per test JVM under target/ and stopped when it exits. Each test uses its own topic, group and table.
 */
final class TestLake {
  private static LocalInfra infra;

  private TestLake() {}

  static synchronized LocalInfra infra() {
    if (infra == null) {
      try {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "it-lake-");
        infra = LocalInfra.start(dir, 0, 0, 4);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return infra;
  }

  static GatewayServer gateway(String topic, Map<String, String> extra) {
    Map<String, String> o = new HashMap<>();
    o.put("kafka.bootstrap.servers", infra().bootstrapServers());
    o.put("kafka.topic.traces", topic);
    o.put("grpc.host", "127.0.0.1");
    o.put("grpc.port", "0");
    o.put("http.host", "127.0.0.1");
    o.put("http.port", "0");
    o.put("metrics.host", "127.0.0.1");
    o.put("metrics.port", "0");
    // the default budget (4 s) is about clients' export timeouts; a busy 2-core test machine can stall a broker
    // longer than that, and a test client that is answered UNAVAILABLE does not retry
    o.put("kafka.delivery-timeout", "30s");
    o.putAll(extra);
    return GatewayServer.start(GatewayConfig.load(null, Map.of(), o));
  }

  static Map<String, String> writerSettings(String topic, String table, Map<String, String> extra) {
    Map<String, String> o = new HashMap<>(infra().writerOverrides());
    o.put("kafka.topic.traces", topic);
    o.put("kafka.group-id", "group-" + topic);
    o.put("table.traces", table);
    // tests of traces write traces only (each test its own topic and table); tests of other signals say so
    o.put("signals", "traces");
    o.put("commit.interval", "1s");
    // a killed writer's partitions move on after 6 s instead of the default 45 s
    o.put("kafka.consumer.session.timeout.ms", "6000");
    o.put("kafka.consumer.heartbeat.interval.ms", "1000");
    o.put("metrics.host", "127.0.0.1");
    o.put("metrics.port", "0");
    o.putAll(extra);
    return o;
  }

  /**
   * Writes {@code settings} as the YAML file an operator would give a service ({@code --config}), under the test
   * lake's data folder at {@code relative}; values quoted, so every key keeps its text.
   */
  static Path writeConfig(String relative, Map<String, String> settings) {
    Path config = infra().dataDir().resolve(relative);
    writeConfig(config, settings);
    return config;
  }

  /** Writes {@code settings} to the file {@code config}, as {@link #writeConfig(String, Map)} does. */
  static void writeConfig(Path config, Map<String, String> settings) {
    StringBuilder yaml = new StringBuilder();
    new java.util.TreeMap<>(settings).forEach((k, v) ->
        yaml.append(k).append(": \"").append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n"));
    try {
      Files.createDirectories(config.getParent());
      Files.writeString(config, yaml.toString(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static WriterService writer(String topic, String table, Map<String, String> extra) {
    return WriterService.start(WriterConfig.load(null, Map.of(), writerSettings(topic, table, extra)));
  }

  static Catalog catalog() {
    return Catalogs.build(LocalInfra.CATALOG_NAME, infra().catalogProperties());
  }

  static List<Record> rows(Catalog catalog, String table) {
    Table t = catalog.loadTable(TableIdentifier.of("otel", table));
    List<Record> out = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(t).build()) {
      it.forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Reads the table until {@code done} holds for its rows, or fails after {@code timeout}. */
  static List<Record> awaitRows(Catalog catalog, String table, Duration timeout, Predicate<List<Record>> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Record> rows = List.of();
    while (System.nanoTime() < deadline) {
      if (catalog.tableExists(TableIdentifier.of("otel", table))) {
        rows = rows(catalog, table);
        if (done.test(rows)) {
          return rows;
        }
      }
      ChildJvm.sleep(500);
    }
    assertThat(done.test(rows)).as("table %s reached the expected state within %s (has %d rows)", table, timeout,
        rows.size()).isTrue();
    return rows;
  }

  /** A producer of raw records, as a Collector's kafka exporter would write them. */
  static KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra().bootstrapServers(),
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
  }

  static KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra().bootstrapServers(),
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
  }

  /** Reads {@code <topic>_dlq} from the start until it has {@code count} records (or 30 s passed). */
  static List<ConsumerRecord<byte[], byte[]>> deadLetters(String topic, int count) {
    List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> dlq = consumer.partitionsFor(topic + "_dlq").stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(dlq);
      consumer.seekToBeginning(dlq);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (dead.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(dead::add);
      }
    }
    return dead;
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return RecordHeaders.text(r.headers().lastHeader(name).value());
  }
}
