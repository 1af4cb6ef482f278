package io.otlake.writer;

import io.otlake.proto.ops.MetricsEndpoint;
import io.otlake.writer.dedup.Dedup;
import io.otlake.writer.config.WriterConfig;
import io.otlake.writer.deadletter.DeadLetters;
import io.otlake.writer.source.PartitionPoller;
import io.otlake.writer.source.WriterMetrics;
import io.otlake.writer.table.Catalogs;
import io.otlake.writer.table.Tables;
import io.otlake.writer.parquet.ColumnsFile;
import java.io.IOException;
import io.otlake.proto.Signal;
import io.otlake.writer.signals.ItemView;
import io.otlake.writer.signals.TableUnit;
import io.otlake.writer.signals.WriterSignal;
import io.otlake.writer.signals.WriterSignals;
import io.otlake.writer.write.OpenFileBudget;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
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

/**
 * The writer's lifecycle: catalog and tables, one poll loop per signal on its own thread (each with its own
 * consumer, group and dedup window; they share the open-file bound, the file closers and the dead-letter producer),
 * metrics, readiness and maintenance; close commits and stops.
 */
public final class WriterService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WriterService.class);

  private final Catalog catalog;
  private final MetricsEndpoint metrics;
  private final KafkaProducer<byte[], byte[]> deadLetterProducer;
  private final WriterReadiness readiness;
  private final List<PartitionPoller<?>> pollers;
  private final List<Thread> threads = new ArrayList<>();
  private final java.util.concurrent.ExecutorService closer;
  private boolean closed;
  private io.otlake.writer.maintenance.MaintenanceSchedule maintenance;
  private java.util.function.Predicate<TableIdentifier> maintains = id -> false;

  private WriterService(Catalog catalog, MetricsEndpoint metrics, KafkaProducer<byte[], byte[]> deadLetterProducer,
      WriterReadiness readiness, List<PartitionPoller<?>> pollers, java.util.concurrent.ExecutorService closer) {
    this.readiness = readiness;
    this.closer = closer;
    this.catalog = catalog;
    this.metrics = metrics;
    this.deadLetterProducer = deadLetterProducer;
    this.pollers = pollers;
    for (PartitionPoller<?> p : pollers) {
      threads.add(new Thread(p, "otlake-writer-" + p.signalName()));
    }
  }

  public static WriterService start(WriterConfig config) {
    Catalog catalog = Catalogs.build(config.catalogName(), config.catalogProperties());
    Map<Signal, List<Table>> tables = new EnumMap<>(Signal.class);
    for (Signal signal : config.signals()) {
      List<Table> own = new ArrayList<>();
      for (TableUnit<?> unit : WriterSignals.of(signal).tables()) {
        Table table = Tables.loadOrCreate(catalog, config.table(unit.defaultName()), unit.schema(), unit.spec(),
            unit.sortOrder(), unit.properties(config.targetFileSize()));
        // the table's Parquet settings are read per data file; refuse bad ones now rather than at the first write
        ColumnsFile.checkProperties(table.name(), table.properties());
        // and a partition spec whose fields the writer cannot compute (an operator's evolution) before any batch
        io.otlake.writer.write.ItemPartitioner.of(table.name(), table.spec(), table.schema(), unit);
        own.add(table);
      }
      tables.put(signal, own);
    }
    MetricsEndpoint metrics = MetricsEndpoint.start(config.metricsHost(), config.metricsPort());
    WriterReadiness readiness = WriterReadiness.start(consumerProperties(config, Signal.TRACES),
        config.bootstrapServers(), catalog, config.ownedTables().get(0), config.readinessInterval(),
        config.readinessTimeout());
    metrics.readiness(readiness.readiness());
    KafkaProducer<byte[], byte[]> deadLetterProducer = new KafkaProducer<>(producerProperties(config));
    java.util.concurrent.ExecutorService closer = java.util.concurrent.Executors.newFixedThreadPool(
        config.closeThreads(), r -> {
          Thread t = new Thread(r, "otlake-writer-close");
          t.setDaemon(true);
          return t;
        });
    OpenFileBudget files = new OpenFileBudget(config.maxOpenFiles());
    int writerId = ThreadLocalRandom.current().nextInt(1 << 20);
    List<PartitionPoller<?>> pollers = new ArrayList<>();
    for (Signal signal : config.signals()) {
      pollers.add(poller(config, WriterSignals.of(signal), tables.get(signal), deadLetterProducer, files, closer,
          metrics, writerId));
    }
    WriterService service = new WriterService(catalog, metrics, deadLetterProducer, readiness, pollers, closer);
    service.threads.forEach(Thread::start);
    Map<TableIdentifier, PartitionPoller<?>> feeders = new HashMap<>();
    for (int i = 0; i < config.signals().size(); i++) {
      for (TableUnit<?> unit : WriterSignals.of(config.signals().get(i)).tables()) {
        feeders.put(config.table(unit.defaultName()), pollers.get(i));
      }
    }
    service.maintains = id -> feeders.containsKey(id) && feeders.get(id).leads();
    service.maintenance = io.otlake.writer.maintenance.MaintenanceSchedule.start(config.maintenance(), catalog,
        config.ownedTables(), service.maintains,
        new io.otlake.writer.maintenance.MaintenanceMetrics(metrics.registry()));
    for (Signal signal : config.signals()) {
      LOG.info("writing {} from {} (group {}) into {}", config.topic(signal), config.bootstrapServers(),
          config.group(signal), tables.get(signal).stream().map(Table::name).toList());
    }
    return service;
  }

  private static <V extends ItemView> PartitionPoller<V> poller(WriterConfig config, WriterSignal<V> signal,
      List<Table> tables, KafkaProducer<byte[], byte[]> deadLetterProducer, OpenFileBudget files,
      java.util.concurrent.Executor closer, MetricsEndpoint metrics, int writerId) {
    // the window's memory bound is shared by the signals' windows
    Dedup dedup = new Dedup(config.dedupWindow(), Math.max(1000, config.dedupMaxIds() / config.signals().size()));
    WriterMetrics writerMetrics = new WriterMetrics(metrics.registry(), signal.signal().headerValue());
    writerMetrics.watch(dedup);
    Signal s = signal.signal();
    return new PartitionPoller<>(
        new KafkaConsumer<>(consumerProperties(config, s)),
        signal,
        tables,
        config.topic(s),
        config.group(s),
        new DeadLetters(deadLetterProducer),
        config.defaultEncoding(),
        config.startFrom().equals("earliest"),
        config.commitInterval(),
        config.maxBufferedBytes(),
        files,
        config.maxPartitionsPerCommit(),
        dedup,
        closer,
        System::currentTimeMillis,
        writerMetrics,
        writerId);
  }

  /** The bytes one fetch of a consumer may bring by default: a 128th of the heap, from 1 MiB to Kafka's 50 MiB. */
  static int fetchMaxBytes(long maxHeapBytes) {
    return (int) Math.max(1L << 20, Math.min(50L << 20, maxHeapBytes / 128));
  }

  static Map<String, Object> consumerProperties(WriterConfig config, Signal signal) {
    Map<String, Object> p = new HashMap<>(config.consumerProperties());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, config.group(signal));
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // every partition is positioned explicitly from the table (kafka.start-from only decides a new table's start);
    // this applies only when a stored offset is no longer in Kafka (retention deleted it): the oldest record left
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // what one poll holds is bounded by the bytes a fetch brings (compressed; records unpack to ~8x as protobuf,
    // more as JSON) and each signal has its own consumer: a 128th of the heap per fetch keeps a writer catching up
    // on a full topic within -Xmx512m (Kafka's default of 50 MiB, unpacked, filled it before the first row)
    int fetch = fetchMaxBytes(Runtime.getRuntime().maxMemory());
    p.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, fetch);
    p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Math.min(8 << 20, fetch));
    // records are whole traces (a few kB); the default of 500 per poll makes the poll loop, not the data, the cost
    p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "otlake-writer-" + signal.headerValue());
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

  /**
   * Whether this writer is the one of its group that maintains {@code table} now (it consumes partition 0 of the
   * table's topic).
   */
  public boolean maintains(TableIdentifier table) {
    return maintains.test(table);
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
    pollers.forEach(PartitionPoller::stop);
    long deadline = System.currentTimeMillis() + 60_000;
    try {
      for (Thread t : threads) {
        t.join(Math.max(1, deadline - System.currentTimeMillis()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closer.shutdown();
    if (maintenance != null) {
      maintenance.close();
    }
    deadLetterProducer.close();
    readiness.close();
    metrics.close();
    IOException closing = Catalogs.close(catalog);
    if (closing != null) {
      LOG.warn("closing the catalog: {}", closing.toString());
    }
    LOG.info("writer stopped");
  }
}
