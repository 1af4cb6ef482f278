package io.otlake.writer;

import io.otlake.proto.ops.MetricsEndpoint;
import io.otlake.writer.commit.TableCommitter;
import io.otlake.writer.dedup.Dedup;
import io.otlake.writer.config.WriterConfig;
import io.otlake.writer.deadletter.DeadLetters;
import io.otlake.writer.source.PartitionPoller;
import io.otlake.writer.source.WriterMetrics;
import io.otlake.writer.table.Catalogs;
import io.otlake.writer.table.Tables;
import io.otlake.writer.parquet.ColumnsFile;
import io.otlake.writer.table.TraceTable;
import java.io.Closeable;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The writer's lifecycle: catalog and table, the poll loop on its own thread, metrics; close commits and stops. */
public final class WriterService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WriterService.class);

  private final Catalog catalog;
  private final MetricsEndpoint metrics;
  private final DeadLetters deadLetters;
  private final WriterReadiness readiness;
  private final PartitionPoller poller;
  private final Thread thread;
  private final java.util.concurrent.ExecutorService closer;
  private boolean closed;
  private io.otlake.writer.maintenance.MaintenanceSchedule maintenance;

  private WriterService(Catalog catalog, MetricsEndpoint metrics, DeadLetters deadLetters, WriterReadiness readiness,
      PartitionPoller poller, java.util.concurrent.ExecutorService closer) {
    this.readiness = readiness;
    this.closer = closer;
    this.catalog = catalog;
    this.metrics = metrics;
    this.deadLetters = deadLetters;
    this.poller = poller;
    this.thread = new Thread(poller, "otlake-writer-poller");
  }

  public static WriterService start(WriterConfig config) {
    Catalog catalog = Catalogs.build(config.catalogName(), config.catalogProperties());
    TableIdentifier tableId = TableIdentifier.of(Namespace.of(config.namespace()), config.tracesTable());
    Table table = Tables.loadOrCreate(catalog, tableId,
        TraceTable.SCHEMA, TraceTable.SPEC, TraceTable.SORT_ORDER, TraceTable.properties(config.targetFileSize()));
    // the table's Parquet settings are read per data file; refuse bad ones now rather than at the first write
    ColumnsFile.checkProperties(table.name(), table.properties());
    MetricsEndpoint metrics = MetricsEndpoint.start(config.metricsHost(), config.metricsPort());
    WriterReadiness readiness = WriterReadiness.start(consumerProperties(config), config.bootstrapServers(), catalog,
        tableId, config.readinessInterval(), config.readinessTimeout());
    metrics.readiness(readiness.readiness());
    DeadLetters deadLetters = new DeadLetters(new KafkaProducer<>(producerProperties(config)));
    java.util.concurrent.ExecutorService closer = java.util.concurrent.Executors.newFixedThreadPool(
        config.closeThreads(), r -> {
          Thread t = new Thread(r, "otlake-writer-close");
          t.setDaemon(true);
          return t;
        });
    Dedup dedup = new Dedup(config.dedupWindow(), config.dedupMaxIds());
    WriterMetrics writerMetrics = new WriterMetrics(metrics.registry());
    writerMetrics.watch(dedup);
    PartitionPoller poller = new PartitionPoller(
        new KafkaConsumer<>(consumerProperties(config)),
        table,
        new TableCommitter(config.tracesTopic(), config.groupId(), 10, 200),
        deadLetters,
        config.defaultEncoding(),
        config.startFrom().equals("earliest"),
        config.commitInterval(),
        config.maxBufferedBytes(),
        config.maxOpenFiles(),
        config.maxPartitionsPerCommit(),
        dedup,
        closer,
        System::currentTimeMillis,
        writerMetrics,
        ThreadLocalRandom.current().nextInt(1 << 20));
    WriterService service = new WriterService(catalog, metrics, deadLetters, readiness, poller, closer);
    service.thread.start();
    service.maintenance = io.otlake.writer.maintenance.MaintenanceSchedule.start(config.maintenance(), catalog,
        config.ownedTables(), new io.otlake.writer.maintenance.MaintenanceMetrics(metrics.registry()));
    LOG.info("writing {} from {} (group {}) into {}", config.tracesTopic(), config.bootstrapServers(),
        config.groupId(), table.name());
    return service;
  }

  static Map<String, Object> consumerProperties(WriterConfig config) {
    Map<String, Object> p = new HashMap<>(config.consumerProperties());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // every partition is positioned explicitly from the table (kafka.start-from only decides a new table's start);
    // this applies only when a stored offset is no longer in Kafka (retention deleted it): the oldest record left
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
    // records are whole traces (a few kB); the default of 500 per poll makes the poll loop, not the data, the cost
    p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "otlake-writer");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  static Map<String, Object> producerProperties(WriterConfig config) {
    Map<String, Object> p = new HashMap<>(config.producerProperties());
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20);
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "otlake-writer-dlq");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /** The writer's meters (rows decoded and committed, files, dead letters, commit latency). */
  public io.micrometer.core.instrument.MeterRegistry meterRegistry() {
    return metrics.registry();
  }

  public int metricsPort() {
    return metrics.port();
  }

  /** Commits what is buffered and stops; waits for the loop to end. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    poller.stop();
    try {
      thread.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closer.shutdown();
    if (maintenance != null) {
      maintenance.close();
    }
    deadLetters.close();
    readiness.close();
    metrics.close();
    if (catalog instanceof Closeable c) {
      try {
        c.close();
      } catch (IOException e) {
        LOG.warn("closing the catalog: {}", e.toString());
      }
    }
    LOG.info("writer stopped");
  }
}
