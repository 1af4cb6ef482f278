package io.otlake.writer.inspect;

import io.otlake.proto.Signal;
import io.otlake.writer.config.WriterConfig;
import org.apache.iceberg.catalog.TableIdentifier;

/** Which Kafka topic feeds which of the writer's tables, and which table holds a trace's logs. */
public final class TableTopics {
  private TableTopics() {}

  /** The signal whose items the writer writes into {@code table}, or null when the table is none of its. */
  public static Signal signalOf(WriterConfig config, TableIdentifier table) {
    for (Signal signal : config.signals()) {
      for (io.otlake.writer.signals.TableUnit<?> unit : io.otlake.writer.signals.WriterSignals.of(signal).tables()) {
        if (config.table(unit.defaultName()).equals(table)) {
          return signal;
        }
      }
    }
    return null;
  }

  /**
   * The topic whose records the writer writes into {@code table}, or null when none is known: the one place the
   * commands map a table to its topic.
   */
  public static String topicOf(WriterConfig config, TableIdentifier table) {
    Signal signal = signalOf(config, table);
    return signal == null ? null : config.topic(signal);
  }

  /** The consumer group whose position the table holds, or null (see {@link #topicOf}). */
  public static String groupOf(WriterConfig config, TableIdentifier table) {
    Signal signal = signalOf(config, table);
    return signal == null ? null : config.group(signal);
  }

  /** The table a trace's log records are read from. */
  public static TableIdentifier logsTable(WriterConfig config) {
    return config.table(io.otlake.writer.signals.logs.LogTable.DEFAULT_NAME);
  }
}
