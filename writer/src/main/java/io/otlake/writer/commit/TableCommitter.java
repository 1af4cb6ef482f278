package io.otlake.writer.commit;

import java.time.Instant;
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
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits data files and the Kafka offsets they cover, for one topic and consumer group, as one Iceberg commit,
 * exactly once.
 *
 * <p>Each attempt: refresh the table; read the group's position ({@link TablePosition}); check that every partition
 * this batch covers is still where the batch started (otherwise another writer took the partition over and committed
 * past us, or the table was rolled back or re-positioned: the batch is <em>fenced</em> and must be dropped); merge the
 * batch's end offsets into the stored map; then one transaction appends the files with the merged map in the new
 * snapshot's summary and sets the position property to the merged map and that snapshot, allowed to land only on the
 * very snapshot that was checked ({@link PinnedParentOperations}). A conflict or an unknown commit state leads to a
 * fresh attempt, whose check also recognises a commit of ours that did land. Any failure of the catalog call itself
 * (not only Iceberg's {@link CommitStateUnknownException}: a REST catalog's connection cut after the request left
 * is another) counts as unknown; when the catalog then cannot be read to tell, {@link #commit} throws
 * {@link CommitStateUnknownException}, and the caller must keep the batch's files (the table may reference them).
 */
public final class TableCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(TableCommitter.class);

  /** What became of a batch. */
  public enum Outcome {
    COMMITTED,
    /**
     * The table's position for a partition of the batch is not where the batch started (another writer committed
     * past it, the table was rolled back or re-positioned, or the position is missing): nothing was committed.
     */
    FENCED
  }

  /**
   * @param offsets after {@link Outcome#COMMITTED}, the group's whole position as the table now holds it
   * @param reason after {@link Outcome#FENCED}, what did not match
   */
  public record Result(Outcome outcome, Map<Integer, Long> offsets, String reason) {}

  private final String topic;
  private final String group;
  private final int maxAttempts;
  private final long backoffMillis;

  public TableCommitter(String topic, String group, int maxAttempts, long backoffMillis) {
    this.topic = topic;
    this.group = group;
    this.maxAttempts = maxAttempts;
    this.backoffMillis = backoffMillis;
  }

  public String topic() {
    return topic;
  }

  public String group() {
    return group;
  }

  /** The group's position in the table as it is now (refreshing it first). */
  public Position position(Table table) {
    TableMetadata base = ((HasTableOperations) table).operations().refresh();
    return TablePosition.resolve(base, topic, group);
  }

  /**
   * @param expected per partition, the stored next offset the batch started from (null value: none stored yet)
   * @param next per partition, the next offset after the batch
   * @param initial start offsets of partitions the table holds no offset for yet (a new table's or new partitions of
   *     the topic), stored with this commit unless the table has one by then
   */
  public Result commit(Table table, List<DataFile> files, Map<Integer, Long> expected, Map<Integer, Long> next,
      Map<Integer, Long> initial, Map<String, String> extraSummary) {
    TableOperations ops = ((HasTableOperations) table).operations();
    String key = KafkaOffsets.key(topic, group);
    RuntimeException last = null;
    // whether the last attempt reached the catalog and no answer says what became of it
    boolean unknown = false;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      TableMetadata base;
      try {
        base = ops.refresh();
      } catch (RuntimeException e) {
        if (unknown) {
          // the catalog is unreachable after an attempt that may have landed: the caller must keep the files
          e.addSuppressed(last);
          throw new CommitStateUnknownException(e);
        }
        throw e;
      }
      unknown = false;
      Snapshot parent = base.currentSnapshot();
      Position position = TablePosition.resolve(base, topic, group);
      if (position.kind() == Position.Kind.BLOCKED) {
        return new Result(Outcome.FENCED, Map.of(), position.problem());
      }
      Map<Integer, Long> stored = position.offsets();
      if (covers(stored, next)) {
        LOG.info("offsets {} of {} already committed (an earlier attempt landed)", next, topic);
        return new Result(Outcome.COMMITTED, stored, null);
      }
      for (Map.Entry<Integer, Long> e : expected.entrySet()) {
        if (!Objects.equals(stored.get(e.getKey()), e.getValue())) {
          String reason = "partition " + e.getKey() + " of " + topic + " is at " + stored.get(e.getKey())
              + " in the table (" + position.source() + "), the batch started at " + e.getValue();
          return new Result(Outcome.FENCED, stored, reason);
        }
      }
      Map<Integer, Long> merged = new HashMap<>(stored);
      initial.forEach(merged::putIfAbsent);
      merged.putAll(next);
      Transaction txn = new BaseTable(new PinnedParentOperations(ops, parent), table.name()).newTransaction();
      AppendFiles append = txn.newFastAppend();
      files.forEach(append::appendFile);
      append.set(key, KafkaOffsets.format(merged));
      extraSummary.forEach(append::set);
      append.commit();
      Snapshot staged = txn.table().currentSnapshot();
      UpdateProperties props = txn.updateProperties()
          .set(key, new StoredPosition(merged, staged.snapshotId(), staged.sequenceNumber()).format());
      if (!base.properties().containsKey(KafkaOffsets.firstCommitKey(topic, group))) {
        props.set(KafkaOffsets.firstCommitKey(topic, group), Instant.ofEpochMilli(staged.timestampMillis()).toString());
      }
      props.commit();
      try {
        txn.commitTransaction();
      } catch (PinnedParentOperations.StaleParentException | CommitFailedException e) {
        LOG.debug("commit attempt {} raced another commit: {}", attempt, e.getMessage());
        last = e;
        sleep(backoffMillis * attempt);
        continue;
      } catch (RuntimeException e) {
        // CommitStateUnknownException, and any other failure once the request may have reached the catalog (a REST
        // catalog's connection reset after the request was sent is a RESTException): the commit may have landed.
        // The next attempt's check recognises it if it did.
        LOG.warn("commit attempt {} ended in an unknown state; checking the table: {}", attempt, e.toString());
        last = e;
        unknown = true;
        sleep(backoffMillis * attempt);
        continue;
      }
      try {
        table.refresh();
      } catch (RuntimeException e) {
        LOG.debug("refresh after a commit failed (the next commit refreshes again): {}", e.toString());
      }
      return new Result(Outcome.COMMITTED, merged, null);
    }
    String message = "could not commit to " + table.name() + " in " + maxAttempts + " attempts";
    if (unknown) {
      throw new CommitStateUnknownException(new IllegalStateException(message, last));
    }
    throw new IllegalStateException(message, last);
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
