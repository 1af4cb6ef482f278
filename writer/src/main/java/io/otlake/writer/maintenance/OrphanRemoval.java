package io.otlake.writer.maintenance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * Deletes files under the table's location that nothing references and that are older than
 * {@code maintenance.orphans.min-age} (default 3 days): data and delete files no manifest of any kept snapshot lists,
 * manifests and manifest lists of no kept snapshot, metadata files that are neither current nor in the metadata log,
 * statistics files the metadata does not name. This is what a fenced writer (its files are deleted, unless it died
 * first), a failed or unknown-state commit, or an interrupted compaction leave behind.
 *
 * <p>The listing comes from the FileIO's {@link SupportsPrefixOperations} (S3FileIO lists with ListObjectsV2) under
 * {@code <location>/} (the slash matters: {@code traces} must not list {@code traces_old}). The references are read
 * after the listing, so every file committed before the listing ended is known; a file committed later was written
 * recently and is younger than the safety window, which is why the window must exceed the longest a commit can take
 * from writing its first file to landing. Only files of known kinds (Parquet, ORC, Avro, metadata JSON, Puffin) are
 * ever deleted; anything else under the location (e.g. a Hadoop table's version-hint) is left alone.
 */
final class OrphanRemoval {
  private static final List<String> KINDS = List.of(".parquet", ".orc", ".avro", ".metadata.json",
      ".metadata.json.gz", ".gz.metadata.json", ".puffin", ".stats");

  private final MaintenanceSettings settings;

  OrphanRemoval(MaintenanceSettings settings) {
    this.settings = settings;
  }

  StepResult.Counts run(Table table, long nowMillis, StringBuilder note) {
    StepResult.Counts counts = new StepResult.Counts();
    FileIO io = table.io();
    if (!(io instanceof SupportsPrefixOperations lister)) {
      note.append("the table's FileIO ").append(io.getClass().getSimpleName()).append(" cannot list files");
      return counts;
    }
    String prefix = table.location().endsWith("/") ? table.location() : table.location() + "/";
    String normalPrefix = normalize(prefix);
    long cutoff = nowMillis - settings.orphanMinAge().toMillis();
    List<FileInfo> old = new java.util.ArrayList<>();
    long listed = 0;
    long young = 0;
    for (FileInfo f : lister.listPrefix(prefix)) {
      if (!normalize(f.location()).startsWith(normalPrefix)) {
        continue;
      }
      listed++;
      if (f.createdAtMillis() > cutoff) {
        young++;
      } else {
        old.add(f);
      }
    }
    Set<String> referenced = old.isEmpty() ? Set.of() : referenced(table);
    long removed = 0;
    long bytes = 0;
    long unknownKind = 0;
    for (FileInfo f : old) {
      String location = normalize(f.location());
      if (referenced.contains(location)) {
        continue;
      }
      if (KINDS.stream().noneMatch(location::endsWith)) {
        unknownKind++;
        continue;
      }
      io.deleteFile(f.location());
      removed++;
      bytes += f.size();
    }
    note.append(listed).append(" files listed, ").append(young).append(" younger than ")
        .append(settings.orphanMinAge());
    if (unknownKind > 0) {
      note.append(", ").append(unknownKind).append(" unreferenced files of unknown kinds left alone");
    }
    return counts.add("orphans.removed", removed).add("bytes.orphaned", bytes);
  }

  /** Every file the table's metadata references, locations normalized. */
  static Set<String> referenced(Table table) {
    TableMetadata meta = ((HasTableOperations) table).operations().refresh();
    FileIO io = table.io();
    Map<Integer, PartitionSpec> specs = meta.specsById();
    Set<String> refs = new HashSet<>();
    refs.add(normalize(meta.metadataFileLocation()));
    meta.previousFiles().forEach(e -> refs.add(normalize(e.file())));
    meta.statisticsFiles().forEach(s -> refs.add(normalize(s.path())));
    meta.partitionStatisticsFiles().forEach(s -> refs.add(normalize(s.path())));
    Set<String> manifestsRead = new HashSet<>();
    for (Snapshot s : meta.snapshots()) {
      if (s.manifestListLocation() != null) {
        refs.add(normalize(s.manifestListLocation()));
      }
      for (ManifestFile m : s.allManifests(io)) {
        String path = normalize(m.path());
        refs.add(path);
        if (!manifestsRead.add(path)) {
          continue;
        }
        try {
          if (m.content() == ManifestContent.DATA) {
            try (ManifestReader<DataFile> r = ManifestFiles.read(m, io, specs)) {
              r.forEach(f -> refs.add(normalize(f.location())));
            }
          } else {
            try (ManifestReader<DeleteFile> r = ManifestFiles.readDeleteManifest(m, io, specs)) {
              r.forEach(f -> refs.add(normalize(f.location())));
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return refs;
  }

  /** {@code s3a://} and {@code s3n://} name the same objects as {@code s3://}. */
  static String normalize(String location) {
    if (location.startsWith("s3a://") || location.startsWith("s3n://")) {
      return "s3://" + location.substring(6);
    }
    return location;
  }
}
