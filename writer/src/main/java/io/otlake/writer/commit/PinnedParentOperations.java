package io.otlake.writer.commit;

import org.apache.iceberg.Snapshot;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.exceptions.CleanableFailure;

/**
 * Table operations that let a commit through only if it builds on one given snapshot. Iceberg re-bases an append
 * onto whatever is current when it retries; that is right for data but wrong for our offsets, which were merged
 * from the parent we validated. This turns a re-based attempt into {@link StaleParentException}, so the committer
 * validates and merges again instead.
 */
final class PinnedParentOperations extends ForwardingTableOperations {
  private final long parentSnapshotId;

  PinnedParentOperations(TableOperations delegate, Snapshot parent) {
    super(delegate);
    this.parentSnapshotId = parent == null ? -1L : parent.snapshotId();
  }

  @Override
  public void commit(TableMetadata base, TableMetadata metadata) {
    Snapshot current = base.currentSnapshot();
    long baseId = current == null ? -1L : current.snapshotId();
    if (baseId != parentSnapshotId) {
      throw new StaleParentException("table moved from snapshot " + parentSnapshotId + " to " + baseId);
    }
    super.commit(base, metadata);
  }

  /**
   * The table moved on between validation and commit; validate again. Nothing of the attempt landed, so what it wrote
   * (manifests, manifest list) may be cleaned up.
   */
  static final class StaleParentException extends RuntimeException implements CleanableFailure {
    StaleParentException(String message) {
      super(message);
    }
  }
}
