package io.otlake.writer.commit;

import java.time.Instant;
import java.util.Map;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.exceptions.CommitFailedException;

/**
 * Sets a consumer group's position in a table by hand ({@code ./otlake position set}): a metadata-only commit of the
 * position property, recorded as the position of the current snapshot, pinned to that snapshot so that a writer
 * commit landing meanwhile makes it try again instead of attaching the offsets to the wrong snapshot. Writers of
 * the group take it at their next check: a batch read from the old position is fenced, blocked partitions resume.
 */
public final class PositionSetter {
  private PositionSetter() {}

  /** Stores {@code offsets} as the whole position of {@code group} in {@code topic}; returns what was stored. */
  public static StoredPosition set(Table table, String topic, String group, Map<Integer, Long> offsets) {
    TableOperations ops = ((HasTableOperations) table).operations();
    RuntimeException last = null;
    for (int attempt = 1; attempt <= 10; attempt++) {
      TableMetadata base = ops.refresh();
      Snapshot current = base.currentSnapshot();
      StoredPosition value = new StoredPosition(offsets, current == null ? -1L : current.snapshotId(),
          current == null ? 0L : current.sequenceNumber());
      UpdateProperties update = new BaseTable(new PinnedParentOperations(ops, current), table.name())
          .updateProperties()
          .set(KafkaOffsets.key(topic, group), value.format());
      if (!base.properties().containsKey(KafkaOffsets.firstCommitKey(topic, group))) {
        update.set(KafkaOffsets.firstCommitKey(topic, group), Instant.now().toString());
      }
      try {
        update.commit();
        table.refresh();
        return value;
      } catch (PinnedParentOperations.StaleParentException | CommitFailedException e) {
        last = e;
      }
    }
    throw new IllegalStateException("could not set the position in " + table.name() + ": the table kept moving", last);
  }
}
