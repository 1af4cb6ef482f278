package io.otlake.writer.inspect;

import java.util.List;

/**
 * What {@code ./otlake status} shows of one table (null fields: not known, e.g. a table without a topic).
 *
 * @param table the table's name ({@code otel.traces})
 * @param exists false for a table the writer would write but has not created yet (every other field empty)
 * @param snapshots snapshots the table's metadata holds
 * @param rows rows of the current snapshot's data files
 * @param dataFiles data files of the current snapshot
 * @param bytes their size in bytes
 * @param files per partition, the most files first
 * @param lastCommitMillis when the current snapshot was committed, or null for a table without one
 * @param lastOperation the current snapshot's operation (append, replace, ...) and, for maintenance, its step
 * @param kafka the topic feeding the table, or null when none is known
 */
public record TableStatus(String table, boolean exists, int snapshots, long rows, long dataFiles, long bytes,
    List<PartitionFiles> files, Long lastCommitMillis, String lastOperation, Kafka kafka) {

  /** A table the writer would write but that does not exist yet. */
  public static TableStatus missing(String table) {
    return new TableStatus(table, false, 0, 0, 0, 0, List.of(), null, null, null);
  }

  /** One partition's data files (its path as Iceberg spells it, e.g. {@code timestamp_day=2026-01-02/service_name=a}). */
  public record PartitionFiles(String partition, int files, long rows, long bytes) {}

  /**
   * The writer group's position in the topic against Kafka, and the topic's dead letters.
   *
   * @param position what the table says (FOUND, NEW, BLOCKED) and where from
   * @param totalLag records between the table's position and the end, over the partitions with a position
   * @param deadLetters records kept in {@code deadLetterTopic} (its end offsets minus its start offsets)
   */
  public record Kafka(String topic, String group, String position, String positionSource,
      List<PartitionLag> partitions, long totalLag, String deadLetterTopic, long deadLetters) {}

  /** One partition: the table's next offset (null: none), Kafka's first and next offsets, and the lag between. */
  public record PartitionLag(int partition, Long position, long start, long end, Long lag) {}

  /** Files per partition: how many partitions, and the fewest, median and most files one has. */
  public int[] filesPerPartition() {
    if (files.isEmpty()) {
      return new int[] {0, 0, 0, 0};
    }
    int[] counts = files.stream().mapToInt(PartitionFiles::files).sorted().toArray();
    return new int[] {counts.length, counts[0], counts[counts.length / 2], counts[counts.length - 1]};
  }
}
