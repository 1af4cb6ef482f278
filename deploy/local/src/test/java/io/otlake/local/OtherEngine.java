package io.otlake.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;

/**
 * What another engine (Spark's {@code rewrite_data_files} and {@code expire_snapshots}, Trino's {@code optimize}, an
 * operator's rollback) does to a table, done through Iceberg's own API as those engines do it: none of it knows
 * about otlake's offsets.
 */
final class OtherEngine {
  private OtherEngine() {}

  /**
   * Rewrites the files of every partition that has more than one into one file (Iceberg's generic Parquet writer),
   * committed with {@link RewriteFiles} validated from the snapshot it read; returns the number of files replaced.
   */
  static int compact(Table table) {
    table.refresh();
    Snapshot start = table.currentSnapshot();
    Map<String, List<DataFile>> byPartition = new LinkedHashMap<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(start.snapshotId()).planFiles()) {
      for (FileScanTask t : tasks) {
        PartitionSpec spec = table.specs().get(t.file().specId());
        byPartition.computeIfAbsent(spec.specId() + "/" + spec.partitionToPath(t.file().partition()),
            k -> new ArrayList<>()).add(t.file());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(start.snapshotId());
    OutputFileFactory outputs = OutputFileFactory.builderFor(table, 77, System.nanoTime())
        .format(FileFormat.PARQUET).operationId(UUID.randomUUID().toString()).build();
    GenericFileWriterFactory writers = new GenericFileWriterFactory.Builder(table)
        .dataFileFormat(FileFormat.PARQUET).dataSchema(table.schema()).build();
    int replaced = 0;
    for (List<DataFile> files : byPartition.values()) {
      if (files.size() < 2) {
        continue;
      }
      PartitionSpec spec = table.specs().get(files.get(0).specId());
      StructLike partition = files.get(0).partition();
      DataWriter<Record> out = writers.newDataWriter(outputs.newOutputFile(spec, partition), spec, partition);
      try (out) {
        for (DataFile f : files) {
          try (CloseableIterable<Record> rows = Parquet.read(table.io().newInputFile(f.location()))
              .project(table.schema())
              .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(table.schema(), fileSchema))
              .build()) {
            rows.forEach(out::write);
          }
          rewrite.deleteFile(f);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      rewrite.addFile(out.toDataFile());
      replaced += files.size();
    }
    if (replaced > 0) {
      rewrite.commit();
    }
    return replaced;
  }

  /** {@code expire_snapshots(retain_last => 1)} now: only the current snapshot is left, expired files removed. */
  static void expireAllButCurrent(Table table) {
    table.refresh();
    table.expireSnapshots().expireOlderThan(System.currentTimeMillis() + 1).retainLast(1).commit();
  }

  /** {@code rewrite_manifests}: every manifest of the current snapshot rewritten into one per partition spec. */
  static void rewriteManifests(Table table) {
    table.refresh();
    table.rewriteManifests().clusterBy(f -> "all").commit();
  }

  /** {@code rollback_to_snapshot}. */
  static void rollbackTo(Table table, long snapshotId) {
    table.refresh();
    table.manageSnapshots().rollbackTo(snapshotId).commit();
  }

  /**
   * {@code ALTER TABLE ... ADD COLUMN}: Iceberg does not retry a schema change that raced another commit (an engine
   * fails the statement and the user runs it again), so this tries again on a refreshed table, as the user would.
   */
  static void addColumn(Table table, String name) {
    for (int attempt = 1; ; attempt++) {
      table.refresh();
      try {
        table.updateSchema().addColumn(name, org.apache.iceberg.types.Types.StringType.get()).commit();
        return;
      } catch (org.apache.iceberg.exceptions.CommitFailedException e) {
        if (attempt == 20) {
          throw e;
        }
      }
    }
  }

  /** The snapshot {@code steps} parents back from the current one. */
  static long ancestor(Table table, int steps) {
    table.refresh();
    Snapshot s = table.currentSnapshot();
    for (int i = 0; i < steps; i++) {
      s = table.snapshot(s.parentId());
    }
    return s.snapshotId();
  }
}
