package io.otlake.writer.maintenance;

import java.util.List;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;

/**
 * Bounds the manifests of the current snapshot. The writer commits with fast appends (one new manifest per commit,
 * never merged: merging appends would read and rewrite manifests inside the writer's commit, on the hot path), so when
 * the current snapshot has more than {@code maintenance.manifests.max-per-snapshot} data manifests they are all
 * rewritten with Iceberg's {@code RewriteManifests}, clustered by partition spec and the partition's time bucket (its
 * first day/hour/month/year field, so a query on a time range still prunes whole manifests): afterwards the snapshot
 * has about one manifest per spec and bucket (more only for buckets past {@code commit.manifest.target-size-bytes}).
 * A rewrite changes no data and no property.
 */
final class ManifestRewrite {
  private static final Set<String> TIME_TRANSFORMS = Set.of("year", "month", "day", "hour");

  private final MaintenanceSettings settings;

  ManifestRewrite(MaintenanceSettings settings) {
    this.settings = settings;
  }

  StepResult.Counts run(Table table, StringBuilder note) {
    table.refresh();
    Snapshot current = table.currentSnapshot();
    StepResult.Counts counts = new StepResult.Counts();
    if (current == null) {
      note.append("empty table");
      return counts;
    }
    int before = current.dataManifests(table.io()).size();
    if (before <= settings.maxManifestsPerSnapshot()) {
      note.append(before).append(" data manifests, at most ").append(settings.maxManifestsPerSnapshot())
          .append(" wanted");
      return counts.add("manifests.rewritten", 0).add("manifests.now", before);
    }
    String marker = OwnSnapshot.marker("manifests");
    table.rewriteManifests()
        .rewriteIf(m -> true)
        .clusterBy(file -> clusterKey(table, file))
        .set(OwnSnapshot.KEY, marker)
        .commit();
    Snapshot ours = OwnSnapshot.find(table, marker);
    long replaced = OwnSnapshot.summaryLong(ours, SnapshotSummary.REPLACED_MANIFESTS_COUNT);
    long written = OwnSnapshot.summaryLong(ours, SnapshotSummary.CREATED_MANIFESTS_COUNT);
    List<ManifestFile> now = table.currentSnapshot().dataManifests(table.io());
    return counts.add("manifests.rewritten", replaced).add("manifests.written", written)
        .add("manifests.now", now.size());
  }

  static Object clusterKey(Table table, DataFile file) {
    PartitionSpec spec = table.specs().get(file.specId());
    List<PartitionField> fields = spec.fields();
    for (int i = 0; i < fields.size(); i++) {
      if (TIME_TRANSFORMS.contains(fields.get(i).transform().toString())) {
        return file.specId() + "/" + fields.get(i).name() + "=" + file.partition().get(i, Object.class);
      }
    }
    return Integer.toString(file.specId());
  }
}
