package io.otlake.writer.commit;

import org.apache.iceberg.Snapshot;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;

/**
 * Table operations that let a commit through only if it builds on one given snapshot. Iceberg re-bases an append
 * onto whatever is current when it retries; that is right for data but wrong for our offsets, which were merged
 * from the parent we validated. This turns a re-based attempt into {@link StaleParentException}, so the committer
 * validates and merges again instead.
 */
final class PinnedParentOperations implements TableOperations {
  private final TableOperations delegate;
  private final long parentSnapshotId;

  PinnedParentOperations(TableOperations delegate, Snapshot parent) {
    this.delegate = delegate;
    this.parentSnapshotId = parent == null ? -1L : parent.snapshotId();
  }

  @Override
  public TableMetadata current() {
    return delegate.current();
  }

  @Override
  public TableMetadata refresh() {
    return delegate.refresh();
  }

  @Override
  public void commit(TableMetadata base, TableMetadata metadata) {
    Snapshot current = base.currentSnapshot();
    long baseId = current == null ? -1L : current.snapshotId();
    if (baseId != parentSnapshotId) {
      throw new StaleParentException("table moved from snapshot " + parentSnapshotId + " to " + baseId);
    }
    delegate.commit(base, metadata);
  }

  @Override
  public FileIO io() {
    return delegate.io();
  }

  @Override
  public EncryptionManager encryption() {
    return delegate.encryption();
  }

  @Override
  public String metadataFileLocation(String fileName) {
    return delegate.metadataFileLocation(fileName);
  }

  @Override
  public LocationProvider locationProvider() {
    return delegate.locationProvider();
  }

  @Override
  public TableOperations temp(TableMetadata uncommittedMetadata) {
    return delegate.temp(uncommittedMetadata);
  }

  @Override
  public long newSnapshotId() {
    return delegate.newSnapshotId();
  }

  @Override
  public boolean requireStrictCleanup() {
    return delegate.requireStrictCleanup();
  }

  /** The table moved on between validation and commit; validate again. */
  static final class StaleParentException extends RuntimeException {
    StaleParentException(String message) {
      super(message);
    }
  }
}
