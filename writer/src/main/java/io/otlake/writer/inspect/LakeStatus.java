package io.otlake.writer.inspect;

import io.otlake.proto.Topics;
import io.otlake.writer.commit.Position;
import io.otlake.writer.commit.TablePosition;
import io.otlake.writer.config.WriterConfig;
import io.otlake.writer.inspect.TableStatus.PartitionFiles;
import io.otlake.writer.inspect.TableStatus.PartitionLag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;

/** Gathers {@link TableStatus} of a table from its metadata (planning its files) and from Kafka. */
public final class LakeStatus {
  /** Summary key maintenance commits carry (see {@code maintenance/OwnSnapshot}). */
  private static final String MAINTENANCE_MARK = "otlake.maintenance";

  private LakeStatus() {}

  public static TableStatus of(WriterConfig config, TableIdentifier id, Table table, KafkaView kafka) {
    table.refresh();
    TableMetadata metadata = ((HasTableOperations) table).operations().current();
    int snapshots = metadata.snapshots().size();
    Snapshot current = table.currentSnapshot();
    Map<String, long[]> perPartition = new HashMap<>();
    long rows = 0;
    long files = 0;
    long bytes = 0;
    if (current != null) {
      try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
        for (FileScanTask t : tasks) {
          DataFile f = t.file();
          rows += f.recordCount();
          files++;
          bytes += f.fileSizeInBytes();
          String path = table.specs().get(f.specId()).partitionToPath(f.partition());
          long[] p = perPartition.computeIfAbsent(path.isEmpty() ? "(unpartitioned)" : path, k -> new long[3]);
          p[0]++;
          p[1] += f.recordCount();
          p[2] += f.fileSizeInBytes();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    List<PartitionFiles> parts = new ArrayList<>();
    perPartition.forEach((k, v) -> parts.add(new PartitionFiles(k, (int) v[0], v[1], v[2])));
    parts.sort(Comparator.comparingInt(PartitionFiles::files).reversed()
        .thenComparing(Comparator.comparingLong(PartitionFiles::bytes).reversed())
        .thenComparing(PartitionFiles::partition));
    Long lastCommit = current == null ? null : current.timestampMillis();
    String operation = null;
    if (current != null) {
      operation = current.operation();
      String mark = current.summary() == null ? null : current.summary().get(MAINTENANCE_MARK);
      if (mark != null) {
        int colon = mark.indexOf(':');
        operation += " (maintenance: " + (colon > 0 ? mark.substring(0, colon) : mark) + ")";
      }
    }
    String topic = TableTopics.topicOf(config, id);
    TableStatus.Kafka k = topic == null ? null : kafka(metadata, topic, TableTopics.groupOf(config, id), kafka);
    return new TableStatus(id.toString(), true, snapshots, rows, files, bytes, List.copyOf(parts), lastCommit,
        operation, k);
  }

  private static TableStatus.Kafka kafka(TableMetadata metadata, String topic, String group, KafkaView kafka) {
    Position position = TablePosition.resolve(metadata, topic, group);
    Map<Integer, long[]> offsets = kafka.startAndEnd(topic);
    List<PartitionLag> lags = new ArrayList<>();
    long total = 0;
    for (Map.Entry<Integer, long[]> e : offsets.entrySet()) {
      Long at = position.offset(e.getKey());
      long start = e.getValue()[0];
      long end = e.getValue()[1];
      Long lag = at == null ? null : Math.max(0, end - Math.max(at, start));
      if (lag != null) {
        total += lag;
      }
      lags.add(new PartitionLag(e.getKey(), at, start, end, lag));
    }
    String dlq = Topics.deadLetterTopic(topic);
    long dead = 0;
    for (long[] se : kafka.startAndEnd(dlq).values()) {
      dead += se[1] - se[0];
    }
    String source = position.problem() != null ? position.problem() : position.source();
    return new TableStatus.Kafka(topic, group, position.kind().name(), source, List.copyOf(lags), total, dlq, dead);
  }
}
