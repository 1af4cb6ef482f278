package io.otlake.writer.maintenance;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.ExpireSnapshots;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Expires snapshots older than {@code maintenance.expire.max-age}, keeping at least
 * {@code maintenance.expire.min-snapshots} of the current history, with Iceberg's {@link ExpireSnapshots}; the data
 * files, manifests and manifest lists only expired snapshots referenced are deleted. Iceberg never expires the
 * current snapshot (nor a branch or tag head), and expiry changes no table property: the writer's position
 * ({@code otlake.kafka.offsets.*}) stays as it is and stays valid (the position follows the current snapshot's
 * history, which expiry only shortens; see {@code commit/TablePosition}).
 */
final class SnapshotExpiry {
  private final MaintenanceSettings settings;

  SnapshotExpiry(MaintenanceSettings settings) {
    this.settings = settings;
  }

  StepResult.Counts run(Table table, long nowMillis, StringBuilder note) {
    table.refresh();
    Set<Long> before = new HashSet<>();
    table.snapshots().forEach(s -> before.add(s.snapshotId()));
    AtomicLong deleted = new AtomicLong();
    ExpireSnapshots expire = table.expireSnapshots()
        .expireOlderThan(nowMillis - settings.expireMaxAge().toMillis())
        .retainLast(settings.expireMinSnapshots())
        .cleanExpiredFiles(true)
        .deleteWith(path -> {
          table.io().deleteFile(path);
          deleted.incrementAndGet();
        });
    List<Snapshot> expired = expire.apply();
    StepResult.Counts counts = new StepResult.Counts();
    if (expired.isEmpty()) {
      note.append("nothing older than ").append(settings.expireMaxAge()).append(" beyond the newest ")
          .append(settings.expireMinSnapshots());
      return counts.add("snapshots.expired", 0).add("snapshots.kept", before.size());
    }
    expire.commit();
    table.refresh();
    Set<Long> after = new HashSet<>();
    table.snapshots().forEach(s -> after.add(s.snapshotId()));
    long gone = before.stream().filter(id -> !after.contains(id)).count();
    return counts.add("snapshots.expired", gone).add("files.expired", deleted.get())
        .add("snapshots.kept", after.size());
  }
}
