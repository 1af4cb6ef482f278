package io.otlake.writer.commit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits data files and the Kafka offsets they cover as one Iceberg snapshot, exactly once.
 *
 * <p>Each attempt: refresh the table; read the stored offsets (see {@link KafkaOffsets}); check that every partition
 * this batch covers is still where the batch started (otherwise another writer took the partition over and committed
 * past us: the batch is <em>fenced</em> and must be dropped); merge the batch's end offsets into the stored map;
 * append the files with the merged map, allowed to land only on the very snapshot that was checked
 * ({@link PinnedParentOperations}). A conflict or an unknown commit state leads to a fresh attempt, whose check
 * also recognises a commit of ours that did land.
 */
public final class TableCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(TableCommitter.class);

  /** What became of a batch. */
  public enum Outcome {
    COMMITTED,
    /** Another writer committed these partitions past the batch's start: nothing was committed. */
    FENCED
  }

  private final int maxAttempts;
  private final long backoffMillis;

  public TableCommitter(int maxAttempts, long backoffMillis) {
    this.maxAttempts = maxAttempts;
    this.backoffMillis = backoffMillis;
  }

  /**
   * @param expected per partition, the stored next offset the batch started from (null value: none stored yet)
   * @param next per partition, the next offset after the batch
   */
  public Outcome commit(Table table, String topic, List<DataFile> files, Map<Integer, Long> expected,
      Map<Integer, Long> next, Map<String, String> extraSummary) {
    TableOperations ops = ((HasTableOperations) table).operations();
    RuntimeException last = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      TableMetadata base = ops.refresh();
      Snapshot parent = base.currentSnapshot();
      Map<Integer, Long> stored = KafkaOffsets.latest(base, topic);
      if (covers(stored, next)) {
        LOG.info("offsets {} already committed (an earlier attempt landed)", next);
        return Outcome.COMMITTED;
      }
      for (Map.Entry<Integer, Long> e : expected.entrySet()) {
        if (!Objects.equals(stored.get(e.getKey()), e.getValue())) {
          LOG.warn("fenced: partition {} of {} is at {} in the table, the batch started at {}", e.getKey(), topic,
              stored.get(e.getKey()), e.getValue());
          return Outcome.FENCED;
        }
      }
      Map<Integer, Long> merged = new HashMap<>(stored);
      merged.putAll(next);
      AppendFiles append = new BaseTable(new PinnedParentOperations(ops, parent), table.name()).newFastAppend();
      files.forEach(append::appendFile);
      append.set(KafkaOffsets.summaryKey(topic), KafkaOffsets.format(merged));
      extraSummary.forEach(append::set);
      try {
        append.commit();
        table.refresh();
        return Outcome.COMMITTED;
      } catch (PinnedParentOperations.StaleParentException | CommitFailedException e) {
        LOG.debug("commit attempt {} raced another commit: {}", attempt, e.getMessage());
        last = e;
      } catch (CommitStateUnknownException e) {
        LOG.warn("commit attempt {} ended in an unknown state; checking the table: {}", attempt, e.getMessage());
        last = e;
      }
      sleep(backoffMillis * attempt);
    }
    throw new IllegalStateException("could not commit to " + table.name() + " in " + maxAttempts + " attempts", last);
  }

  private static boolean covers(Map<Integer, Long> stored, Map<Integer, Long> next) {
    for (Map.Entry<Integer, Long> e : next.entrySet()) {
      if (!Objects.equals(stored.get(e.getKey()), e.getValue())) {
        return false;
      }
    }
    return !next.isEmpty();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while committing", e);
    }
  }
}
