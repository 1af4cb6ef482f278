package io.otlake.writer.inspect;

import io.otlake.proto.Signal;
import io.otlake.writer.config.WriterConfig;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

/** Which Kafka topic feeds which of the writer's tables, and which table holds a trace's logs. */
public final class TableTopics {
  /** The logs table's name in the writer's namespace. */
  public static final String LOGS_TABLE = "logs";

  private TableTopics() {}

  /**
   * The topic whose records the writer writes into {@code table}, or null when none is known: the one place the
   * commands map a table to its topic (to be extended as the writer's configuration gains a topic per signal).
   */
  public static String topicOf(WriterConfig config, TableIdentifier table) {
    String name = table.name();
    if (name.equals(config.tracesTable())) {
      return config.tracesTopic();
    }
    if (name.equals(LOGS_TABLE)) {
      return Signal.LOGS.defaultTopic();
    }
    if (name.startsWith("metrics")) {
      return Signal.METRICS.defaultTopic();
    }
    return null;
  }

  /** The table a trace's log records are read from. */
  public static TableIdentifier logsTable(WriterConfig config) {
    return TableIdentifier.of(Namespace.of(config.namespace()), LOGS_TABLE);
  }
}
