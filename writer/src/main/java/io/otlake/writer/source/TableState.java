package io.otlake.writer.source;

import io.otlake.writer.commit.TableCommitter;
import io.otlake.writer.signals.ItemView;
import io.otlake.writer.signals.TableUnit;
import io.otlake.writer.write.OpenFileBudget;
import io.otlake.writer.write.PartitionedFiles;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.iceberg.Table;

/**
 * One table a poll loop feeds, with its own position: a record of a signal with several tables (metrics) may be
 * committed to some of them and not yet to others, so every table keeps its own offsets, and a record re-read after a
 * crash adds rows only to the tables whose position is at or before it.
 */
final class TableState<V extends ItemView> {
  final TableUnit<V> unit;
  final Table table;
  final TableCommitter committer;
  /** Per assigned partition: the next offset the table holds for it, or null when it holds none. */
  final Map<Integer, Long> stored = new HashMap<>();
  /**
   * Start offsets of partitions the table holds none for (all of a new table's, or partitions the topic gained),
   * stored with the table's next commit so that every partition of the topic below the highest stored one has one.
   */
  final Map<Integer, Long> initial = new HashMap<>();
  /** The batch's files for this table, or null before its first row. */
  PartitionedFiles<V> files;
  /** When this table last committed (or was positioned), for position-only commits of a table that gets no rows. */
  long lastCommitMillis;

  TableState(TableUnit<V> unit, Table table, TableCommitter committer) {
    this.unit = unit;
    this.table = table;
    this.committer = committer;
  }

  /** The first offset of {@code partition} this table takes: what it stores, or where it starts; null if unknown. */
  Long from(int partition) {
    Long s = stored.get(partition);
    return s != null ? s : initial.get(partition);
  }

  /** Whether a record at {@code offset} of {@code partition} still belongs in this table (it has not committed it). */
  boolean takes(int partition, long offset) {
    Long f = from(partition);
    return f == null || offset >= f;
  }

  PartitionedFiles<V> files(int writerId, long batchId, OpenFileBudget budget, Executor closer) {
    if (files == null) {
      files = new PartitionedFiles<>(table, unit, writerId, batchId, budget, closer);
    }
    return files;
  }

  int partitionsTouched() {
    return files == null ? 0 : files.partitionsTouched();
  }

  void forget(int partition) {
    stored.remove(partition);
    initial.remove(partition);
  }

  String name() {
    return table.name();
  }
}
