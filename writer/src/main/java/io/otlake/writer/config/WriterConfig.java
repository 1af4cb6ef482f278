package io.otlake.writer.config;

import io.otlake.proto.Encoding;
import io.otlake.proto.Signal;
import io.otlake.proto.config.Config;
import io.otlake.proto.config.ConfigDef;
import io.otlake.proto.config.ConfigDef.Type;
import io.otlake.proto.config.ConfigException;
import io.otlake.writer.maintenance.MaintenanceSettings;
import io.otlake.writer.maintenance.MaintenanceSettings.Step;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** The writer's typed configuration. {@code ./otlake writer --help} prints {@link #DEF}. */
public record WriterConfig(
    String bootstrapServers,
    java.util.List<Signal> signals,
    Map<Signal, String> topics,
    String groupId,
    Encoding defaultEncoding,
    String startFrom,
    String catalogName,
    String namespace,
    Map<String, String> tableNames,
    long targetFileSize,
    int maxOpenFiles,
    int maxPartitionsPerCommit,
    Duration dedupWindow,
    int dedupMaxIds,
    int closeThreads,
    Duration commitInterval,
    long maxBufferedBytes,
    String metricsHost,
    int metricsPort,
    Duration readinessInterval,
    Duration readinessTimeout,
    Map<String, String> consumerProperties,
    Map<String, String> producerProperties,
    Map<String, String> catalogProperties,
    MaintenanceSettings maintenance) {

  public static final String ENV_PREFIX = "OTLAKE_WRITER_";

  /** An open data file's page buffers on demo data (bench HeapBench: ~217 MiB of heap at ~940 open partitions). */
  private static final long OPEN_FILE_BYTES = 300L << 10;
  private static final int DEFAULT_MAX_OPEN_FILES =
      (int) Math.max(16, Math.min(2000, Runtime.getRuntime().maxMemory() * 2 / 5 / OPEN_FILE_BYTES));
  /**
   * A batch's rows wait in their files' open pages (unencoded, ~1.6x the record bytes on attribute-rich spans) until
   * the commit, per signal: a tenth of the heap per signal's batch leaves room for the others, the fetches and the
   * dedup window (256 MiB, the bound before it followed the heap, took -Xmx512m out of memory on a full topic).
   */
  private static final long DEFAULT_MAX_BUFFERED_BYTES =
      Math.max(1L << 20, Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 10));
  private static final int DEFAULT_DEDUP_IDS =
      (int) Math.max(10_000, Math.min(2_000_000, Runtime.getRuntime().maxMemory() / 16 / 40));

  public static final ConfigDef DEF = new ConfigDef()
      .define("kafka.bootstrap.servers", Type.STRING, "localhost:9092", "Kafka brokers, host:port[,host:port]",
          ConfigDef.nonEmpty(), "non-empty")
      .define("signals", Type.STRING, allSignals(),
          "the signals this writer writes, each from its topic (kafka.topic.<signal>) into its tables",
          v -> signalList(v.toString()) != null, "a comma-separated list of traces, logs, metrics")
      .define("kafka.topic.traces", Type.STRING, Signal.TRACES.defaultTopic(), "topic spans are read from",
          ConfigDef.nonEmpty(), "non-empty")
      .define("kafka.topic.logs", Type.STRING, Signal.LOGS.defaultTopic(), "topic log records are read from",
          ConfigDef.nonEmpty(), "non-empty")
      .define("kafka.topic.metrics", Type.STRING, Signal.METRICS.defaultTopic(), "topic data points are read from",
          ConfigDef.nonEmpty(), "non-empty")
      .define("kafka.group-id", Type.STRING, "otlake-writer",
          "consumer group of the traces topic; writers of one group share the topic's partitions. Each other signal's"
              + " topic is read by its own group, <group-id>-<signal> (e.g. otlake-writer-logs), so that one"
              + " signal's rebalances never stop another's; table positions are kept per topic and group",
          ConfigDef.nonEmpty(), "non-empty")
      .define("kafka.default-encoding", Type.STRING, Encoding.OTLP_PROTO.id(),
          "encoding of records without an otlake.encoding header (e.g. written by an OTel Collector)",
          v -> v.equals("otlp_proto") || v.equals("otlp_json"), "otlp_proto or otlp_json")
      .define("kafka.start-from", Type.STRING, "earliest",
          "where the group starts in a table it never committed to (a table that holds its data but no position is"
              + " refused, never read from here; partitions the topic gains later start at their beginning)",
          v -> v.equals("earliest") || v.equals("latest"), "earliest or latest")
      .define("iceberg.catalog-name", Type.STRING, "otlake",
          "the catalog's name (JDBC catalogs key their rows by it: every process must use the same)",
          ConfigDef.nonEmpty(), "non-empty")
      .define("table.namespace", Type.STRING, "otel", "namespace of the tables", ConfigDef.nonEmpty(), "non-empty")
      .define("table.target-file-size", Type.SIZE, 128L << 20,
          "write.target-file-size-bytes of tables the writer creates", ConfigDef.between(1 << 20, 1L << 40), ">= 1MiB")
      .define("write.max-open-files", Type.INT, DEFAULT_MAX_OPEN_FILES,
          "data files open at once (~0.3 MiB heap each on demo data); past it the fullest open file is finished early."
              + " Default: what 40% of the heap holds, 16..2000", ConfigDef.between(1, 100_000), "1..100000")
      .define("commit.max-partitions", Type.INT, Math.min(1000, DEFAULT_MAX_OPEN_FILES),
          "distinct partitions (day, service_name) one batch may write; a record that would start past it commits the"
              + " batch first (each partition is at least one file and one manifest entry per commit). Default: 1000,"
              + " or write.max-open-files' default when that is lower",
          ConfigDef.between(1, 100_000), "1..100000")
      .define("dedup.window", Type.DURATION, Duration.ofMinutes(5),
          "spans whose (trace id, span id) was read within this much record time are dropped as a client's retry"
              + " (0 turns it off); covers the OTel SDKs' whole retry budget (~1 min) and the Collector's (5 min)",
          ConfigDef.atLeast(Duration.ZERO), ">= 0")
      .define("dedup.max-ids", Type.INT, DEFAULT_DEDUP_IDS,
          "span ids remembered at most (24-48 bytes of heap each); at higher rates the window is shorter (counted in"
              + " otlake_writer_dedup_window_shortened_total). Default: what a sixteenth of the heap holds, at most 2M", ConfigDef.between(1000, 500_000_000), "1000..500000000")
      .define("write.close-threads", Type.INT, 8,
          "threads finishing and uploading a commit's data files in parallel (each file is one upload on close)",
          ConfigDef.between(1, 256), "1..256")
      .define("commit.interval", Type.DURATION, Duration.ofSeconds(10),
          "how often buffered data is committed (sooner when commit.max-buffered-bytes is reached)",
          ConfigDef.atLeast(Duration.ofMillis(100)), ">= 100ms")
      .define("commit.max-buffered-bytes", Type.SIZE, DEFAULT_MAX_BUFFERED_BYTES,
          "Kafka record bytes consumed since the last commit that trigger a commit, per signal (a batch's rows wait in"
              + " memory until its commit). Default: a tenth of the heap, at most 256MiB",
          ConfigDef.between(1 << 10, 1L << 40), ">= 1KiB")
      .define("metrics.host", Type.STRING, "0.0.0.0", "address the Prometheus endpoint binds to",
          ConfigDef.nonEmpty(), "a host name or address")
      .define("metrics.port", Type.INT, 9465,
          "port of GET /metrics, /healthz (liveness) and /readyz (503 while Kafka or the catalog and its table do not"
              + " answer); 0 picks one, -1 disables", ConfigDef.between(-1, 65535), "-1..65535")
      .define("readiness.interval", Type.DURATION, Duration.ofSeconds(10),
          "how often /readyz's checks ask Kafka for metadata and load the table from the catalog (reading its"
              + " metadata file from storage), in the background (the probe reads the last answers)",
          ConfigDef.atLeast(Duration.ofMillis(100)), ">= 100ms")
      .define("readiness.timeout", Type.DURATION, Duration.ofSeconds(5),
          "how long Kafka or the catalog may take to answer a readiness check before /readyz says not ready",
          ConfigDef.atLeast(Duration.ofMillis(100)), ">= 100ms")
      .define("maintenance.enabled", Type.BOOLEAN, true,
          "run table maintenance (maintenance.steps) on the writer's tables every maintenance.interval, on a thread of"
              + " its own; ./otlake maintain runs it once whatever this says", v -> true, "true or false")
      .define("maintenance.interval", Type.DURATION, Duration.ofMinutes(10),
          "time between the end of one scheduled maintenance run and the start of the next",
          ConfigDef.atLeast(Duration.ofSeconds(1)), ">= 1s")
      .define("maintenance.steps", Type.STRING, "retention,compact,manifests,expire,orphans",
          "the maintenance steps to run (any of retention, compact, manifests, expire, orphans; they always run in that"
              + " order)",
          v -> Step.parseList((String) v) != null, "a comma-separated list of retention, compact, manifests, expire,"
              + " orphans")
      .define("maintenance.expire.max-age", Type.DURATION, Duration.ofHours(1),
          "snapshots older than this are expired and the files only they reference deleted (time travel reaches"
              + " back this far); the current snapshot is never expired",
          ConfigDef.atLeast(Duration.ZERO), ">= 0")
      .define("maintenance.expire.min-snapshots", Type.INT, 10,
          "snapshots of the current history kept whatever their age", ConfigDef.between(1, 1_000_000), "1..1000000")
      .define("maintenance.manifests.max-per-snapshot", Type.INT, 50,
          "when the current snapshot has more data manifests than this, they are rewritten into one per partition"
              + " time bucket (e.g. day) and spec", ConfigDef.between(2, 1_000_000), "2..1000000")
      .define("maintenance.compact.min-age", Type.DURATION, Duration.ofHours(1),
          "a data file is compacted only once it was added this long ago (a partition with no newer file is cold"
              + " and compacted whole)", ConfigDef.atLeast(Duration.ZERO), ">= 0")
      .define("maintenance.compact.small-file-percent", Type.INT, 75,
          "files below this percentage of the table's write.target-file-size-bytes are compacted",
          ConfigDef.between(1, 100), "1..100")
      .define("maintenance.compact.max-rows-in-memory", Type.INT, 100_000,
          "rows compaction holds in memory to sort (~1-3 KiB heap each for spans); more rows are sorted in runs"
              + " spilled to maintenance.compact.spill-dir and merged", ConfigDef.between(100, 10_000_000),
          "100..10000000")
      .define("maintenance.compact.spill-dir", Type.STRING, "",
          "local folder for compaction's sorted runs (empty: java.io.tmpdir)", v -> true, "a folder path or empty")
      .define("maintenance.retention.days", Type.INT, 0,
          "drop whole day partitions whose day is more than this many days before today (UTC) by a metadata"
              + " delete; 0 keeps everything. A table property otlake.retention-days overrides it per table",
          ConfigDef.between(0, 1_000_000), "0 (off) or a number of days")
      .define("maintenance.orphans.min-age", Type.DURATION, Duration.ofDays(3),
          "files under a table's location that no snapshot or metadata file references are deleted once older"
              + " than this (a commit in flight must never take this long)",
          ConfigDef.atLeast(Duration.ofHours(1)), ">= 1h")
      .passThrough("kafka.consumer.", "the Kafka consumer (e.g. kafka.consumer.max.poll.records)")
      .passThrough("kafka.producer.", "the dead-letter Kafka producer")
      .passThrough("iceberg.catalog.", "Iceberg's CatalogUtil: type, uri, warehouse, io-impl, s3.endpoint, ...");

  static {
    for (io.otlake.writer.signals.WriterSignal<?> signal : io.otlake.writer.signals.WriterSignals.ALL) {
      for (io.otlake.writer.signals.TableUnit<?> table : signal.tables()) {
        DEF.define(tableKey(table.defaultName()), Type.STRING, table.defaultName(),
            "name of the " + signal.signal().headerValue() + " table " + table.defaultName() + " in table.namespace",
            ConfigDef.nonEmpty(), "non-empty");
      }
    }
  }

  /** The key naming a table: {@code table.<its default name, '_' as '-'>}, e.g. table.traces, table.metrics-sum. */
  public static String tableKey(String defaultName) {
    return "table." + defaultName.replace('_', '-');
  }

  private static String allSignals() {
    java.util.StringJoiner j = new java.util.StringJoiner(",");
    io.otlake.writer.signals.WriterSignals.ALL.forEach(s -> j.add(s.signal().headerValue()));
    return j.toString();
  }

  private static java.util.List<Signal> signalList(String value) {
    java.util.List<Signal> out = new java.util.ArrayList<>();
    for (String part : value.split(",")) {
      String name = part.trim();
      if (name.isEmpty()) {
        continue;
      }
      Signal found = null;
      for (io.otlake.writer.signals.WriterSignal<?> s : io.otlake.writer.signals.WriterSignals.ALL) {
        if (s.signal().headerValue().equals(name)) {
          found = s.signal();
        }
      }
      if (found == null || out.contains(found)) {
        return null;
      }
      out.add(found);
    }
    return out.isEmpty() ? null : java.util.List.copyOf(out);
  }

  /** The topic of {@code signal}. */
  public String topic(Signal signal) {
    return topics.get(signal);
  }

  public String tracesTopic() {
    return topic(Signal.TRACES);
  }

  /** The consumer group reading {@code signal}'s topic (see kafka.group-id). */
  public String group(Signal signal) {
    return signal == Signal.TRACES ? groupId : groupId + "-" + signal.headerValue();
  }

  /** The table of a signal's table unit, by the unit's default name. */
  public org.apache.iceberg.catalog.TableIdentifier table(String defaultName) {
    String name = tableNames.get(defaultName);
    if (name == null) {
      throw new IllegalArgumentException("no table " + defaultName);
    }
    return org.apache.iceberg.catalog.TableIdentifier.of(org.apache.iceberg.catalog.Namespace.of(namespace), name);
  }

  private static final Set<String> OWNED_CONSUMER_KEYS = Set.of("bootstrap.servers", "group.id", "enable.auto.commit",
      "key.deserializer", "value.deserializer", "auto.offset.reset");

  /** The tables this writer writes (and maintains): every table of every signal it writes. */
  public java.util.List<org.apache.iceberg.catalog.TableIdentifier> ownedTables() {
    java.util.List<org.apache.iceberg.catalog.TableIdentifier> out = new java.util.ArrayList<>();
    for (Signal signal : signals) {
      for (io.otlake.writer.signals.TableUnit<?> t : io.otlake.writer.signals.WriterSignals.of(signal).tables()) {
        out.add(table(t.defaultName()));
      }
    }
    return out;
  }

  private static Map<Signal, String> topics(Config c) {
    Map<Signal, String> out = new java.util.EnumMap<>(Signal.class);
    for (Signal s : Signal.values()) {
      out.put(s, c.getString("kafka.topic." + s.headerValue()));
    }
    return out;
  }

  private static Map<String, String> tableNames(Config c) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (io.otlake.writer.signals.WriterSignal<?> signal : io.otlake.writer.signals.WriterSignals.ALL) {
      for (io.otlake.writer.signals.TableUnit<?> t : signal.tables()) {
        out.put(t.defaultName(), c.getString(tableKey(t.defaultName())));
      }
    }
    return out;
  }

  public static WriterConfig load(Path yamlFile, Map<String, String> env, Map<String, String> overrides) {
    Config c = Config.load(DEF, yamlFile, env, ENV_PREFIX, overrides);
    WriterConfig w = new WriterConfig(
        c.getString("kafka.bootstrap.servers"),
        signalList(c.getString("signals")),
        topics(c),
        c.getString("kafka.group-id"),
        Encoding.fromId(c.getString("kafka.default-encoding")),
        c.getString("kafka.start-from"),
        c.getString("iceberg.catalog-name"),
        c.getString("table.namespace"),
        tableNames(c),
        c.getLong("table.target-file-size"),
        c.getInt("write.max-open-files"),
        c.getInt("commit.max-partitions"),
        c.getDuration("dedup.window"),
        c.getInt("dedup.max-ids"),
        c.getInt("write.close-threads"),
        c.getDuration("commit.interval"),
        c.getLong("commit.max-buffered-bytes"),
        c.getString("metrics.host"),
        c.getInt("metrics.port"),
        c.getDuration("readiness.interval"),
        c.getDuration("readiness.timeout"),
        c.withPrefix("kafka.consumer."),
        c.withPrefix("kafka.producer."),
        c.withPrefix("iceberg.catalog."),
        new MaintenanceSettings(
            c.getBoolean("maintenance.enabled"),
            c.getDuration("maintenance.interval"),
            Step.parseList(c.getString("maintenance.steps")),
            c.getDuration("maintenance.expire.max-age"),
            c.getInt("maintenance.expire.min-snapshots"),
            c.getInt("maintenance.manifests.max-per-snapshot"),
            c.getDuration("maintenance.compact.min-age"),
            c.getInt("maintenance.compact.small-file-percent"),
            c.getInt("maintenance.compact.max-rows-in-memory"),
            c.getString("maintenance.compact.spill-dir"),
            c.getInt("maintenance.retention.days"),
            c.getDuration("maintenance.orphans.min-age")));
    for (String owned : OWNED_CONSUMER_KEYS) {
      if (w.consumerProperties.containsKey(owned)) {
        throw new ConfigException("key 'kafka.consumer." + owned + "' is set by the writer itself"
            + (owned.equals("group.id") ? "; use 'kafka.group-id'" : "")
            + (owned.equals("auto.offset.reset") ? "; use 'kafka.start-from'" : ""));
      }
    }
    if (!w.catalogProperties.containsKey("type") && !w.catalogProperties.containsKey("catalog-impl")) {
      throw new ConfigException("key 'iceberg.catalog.type' (rest, jdbc, glue, ...) or 'iceberg.catalog.catalog-impl'"
          + " is required");
    }
    if (!w.catalogProperties.containsKey("warehouse") && !"rest".equals(w.catalogProperties.get("type"))) {
      throw new ConfigException("key 'iceberg.catalog.warehouse' is required (e.g. s3://bucket/warehouse)");
    }
    return w;
  }
}
