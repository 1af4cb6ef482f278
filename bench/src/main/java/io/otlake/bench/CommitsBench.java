package io.otlake.bench;

import static org.apache.iceberg.types.Types.NestedField.required;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otlake.local.LocalInfra;
import io.otlake.writer.maintenance.MaintenanceMetrics;
import io.otlake.writer.maintenance.MaintenanceSettings;
import io.otlake.writer.maintenance.MaintenanceSettings.Step;
import io.otlake.writer.maintenance.Maintainer;
import io.otlake.writer.maintenance.StepResult;
import io.otlake.writer.parquet.ColumnsFile;
import io.otlake.writer.parquet.RecordWriter;
import io.otlake.writer.table.Catalogs;
import io.otlake.writer.table.TableDefaults;
import io.otlake.writer.table.Tables;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;

/**
 * Commit and planning time after many commits with maintenance on, against after the first hundred. Each commit is
 * what a writer's commit is: one transaction appending a small data file per partition (two services of today,
 * written by otlake's Parquet writer) and setting the position property, one every 200 ms; every 60 commits (10
 * minutes of the default 10 s commits) maintenance runs compact, manifests and expire with the default settings,
 * except that time is compressed: files count as cold after 10 s (so today's partition, always with young files, is
 * compacted by tiers as a writer's is) and expiry keeps the newest 360 snapshots (an hour of commits) instead of an
 * hour by the clock. Planning is a full scan plan of the current snapshot (every manifest read); the early table is
 * taken at the same point of the maintenance cycle as the last.
 */
final class CommitsBench {
  private static final Schema SCHEMA = new Schema(
      required(1, "timestamp", Types.TimestampType.withZone()),
      required(2, "service_name", Types.StringType.get()),
      required(3, "span_id", Types.StringType.get()));
  private static final PartitionSpec SPEC = PartitionSpec.builderFor(SCHEMA).day("timestamp")
      .identity("service_name").build();
  private static final String POSITION = "otlake.kafka.offsets.bench_commits.bench";
  private static final int MAINTAIN_EVERY = 60;
  private static final int WINDOW = 100;
  private static final int WARM_UP = 300;
  private static final String MIN_AGE = "10s";
  /** The commit interval: the issue measured 200 ms commits of a steady trickle. */
  private static final long PACE_MS = 200;

  private CommitsBench() {}

  static void run(LocalInfra infra, boolean quick, Results results) throws IOException {
    int commits = quick ? 1_000 : 10_000;
    Catalog catalog = Catalogs.build(LocalInfra.CATALOG_NAME, infra.catalogProperties());
    // the same work on a table of its own first, so that the window at 100 is not the JVM's warm-up (without it
    // the first window's commits were ~5x slower than the last ones, and the ratio flattered the end)
    measure(catalog, infra, "bench_commits_warmup", WARM_UP, 0);
    Run run = measure(catalog, infra, "bench_commits", commits, PACE_MS);
    double earlyCommit = Bench.median(Arrays.copyOfRange(run.commitNanos, WINDOW / 2, WINDOW + WINDOW / 2)) / 1e6;
    double lateCommit = Bench.median(Arrays.copyOfRange(run.commitNanos, commits - WINDOW, commits)) / 1e6;

    Map<String, Object> c = results.section("commits");
    c.put("commits", commits);
    c.put("warm_up_commits", WARM_UP);
    c.put("commit_ms_median_at_100", Results.round(earlyCommit, 1));
    c.put("commit_ms_median_at_end", Results.round(lateCommit, 1));
    c.put("plan_ms_median_at_100", run.early.get("plan_ms"));
    c.put("plan_ms_median_at_end", run.late.get("plan_ms"));
    c.put("at_100", run.early);
    c.put("at_end", run.late);
    c.put("max_snapshots_after_100", run.maxSnapshots);
    c.put("max_data_manifests_after_100", run.maxManifests);
    c.put("maintenance_seconds", Results.round(run.maintenanceNanos / 1e9, 1));
    c.put("compact_min_age", MIN_AGE);
    c.put("commit_interval_ms", PACE_MS);
    c.put("rows_rewritten_per_row_committed", Results.round((double) run.rowsRewritten / run.rowsCommitted, 2));
    c.put("note", "after " + WARM_UP + " warm-up commits on another table, one commit every " + PACE_MS
        + " ms: commit: median of commits 51-150 against the last 100 (one transaction: a fast append of one 20-row file in each of two partitions and the"
        + " position property); plan: median of 7 full scan plans of the current snapshot"
        + " (the early one at the first commit from 150 on with as many commits since maintenance as the last);"
        + " maintenance (compact with"
        + " min-age " + MIN_AGE + ", manifests, expire keeping 360 snapshots) every 60 commits; rows rewritten per"
        + " row committed: compaction's write amplification");
    results.put("commit_time_ratio_end_to_100", Results.round(lateCommit / earlyCommit, 2));
    results.put("plan_time_ratio_end_to_100", Results.round((Double) run.late.get("plan_ms")
        / (Double) run.early.get("plan_ms"), 2));
  }

  private record Run(long[] commitNanos, Map<String, Object> early, Map<String, Object> late, long maintenanceNanos,
      int maxSnapshots, int maxManifests, long rowsRewritten, long rowsCommitted) {}

  /** {@code commits} writer-like commits into a new table {@code name}, with maintenance every 60. */
  private static Run measure(Catalog catalog, LocalInfra infra, String name, int commits, long paceMs)
      throws IOException {
    TableIdentifier id = TableIdentifier.of("otel", name);
    if (catalog.tableExists(id)) {
      catalog.dropTable(id, true);
    }
    Table table = Tables.loadOrCreate(catalog, id, SCHEMA, SPEC,
        SortOrder.builderFor(SCHEMA).asc("timestamp").asc("service_name").build(),
        TableDefaults.of(128L << 20, List.of("span_id"), List.of()));
    MaintenanceSettings settings = Bench.writerConfig(infra, "unused", "unused", Map.of(
            // today's partition always has young files, as a writer committing every few seconds leaves it, so it
            // is compacted by tiers as in production (with 0s it was cold at every run and rewritten whole)
            "maintenance.compact.min-age", MIN_AGE,
            "maintenance.expire.max-age", "0s",
            "maintenance.expire.min-snapshots", "360"))
        .maintenance().withSteps(List.of(Step.COMPACT, Step.MANIFESTS, Step.EXPIRE));
    Maintainer maintainer = new Maintainer(settings, new MaintenanceMetrics(new SimpleMeterRegistry()),
        System::currentTimeMillis, () -> false);
    MetricsConfig metrics = MetricsConfig.forTable(table);
    OffsetDateTime today = OffsetDateTime.now(ZoneOffset.UTC).withHour(0).withMinute(0).withSecond(0).withNano(0);
    long[] commitNanos = new long[commits];
    Map<String, Object> early = null;
    long maintenanceNanos = 0;
    int maxSnapshots = 0;
    int maxManifests = 0;
    int rowNo = 0;
    long rowsRewritten = 0;
    // the early shape at the same point of the maintenance cycle as the last one (as many commits since the last
    // run): at 150 against 10,000 the early table had 30 commits' manifests and files since maintenance, the last 40
    int earlyAt = WINDOW + WINDOW / 2 + Math.floorMod(commits - (WINDOW + WINDOW / 2), MAINTAIN_EVERY);
    long paceStart = System.nanoTime();
    for (int i = 0; i < commits; i++) {
      // one commit every PACE_MS at most, as a writer committing on an interval: the files younger than the
      // compaction's min-age are then always about the same number of commits' worth, however fast commits are
      long due = paceStart + i * paceMs * 1_000_000L - System.nanoTime();
      if (due > 0) {
        try {
          Thread.sleep(due / 1_000_000L, (int) (due % 1_000_000L));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      OutputFileFactory outputs = OutputFileFactory.builderFor(table, 1, i).format(FileFormat.PARQUET).build();
      Transaction tx = table.newTransaction();
      var append = tx.newFastAppend();
      for (String service : List.of("checkout", "cart")) {
        List<Record> rows = new ArrayList<>();
        for (int r = 0; r < 20; r++) {
          Record row = GenericRecord.create(SCHEMA);
          row.setField("timestamp", today.plusNanos((i * 20L + r) * 1_000_000L));
          row.setField("service_name", service);
          row.setField("span_id", String.format("%016x", rowNo++));
          rows.add(row);
        }
        append.appendFile(file(table, outputs, metrics, rows));
      }
      long t0 = System.nanoTime();
      append.commit();
      tx.updateProperties().set(POSITION, "0:" + (i + 1)).commit();
      tx.commitTransaction();
      commitNanos[i] = System.nanoTime() - t0;
      if (i + 1 == earlyAt) {
        early = shape(table, i + 1);
      }
      if ((i + 1) % MAINTAIN_EVERY == 0) {
        long m0 = System.nanoTime();
        for (StepResult r : maintainer.run(table)) {
          if (r.failed()) {
            throw new IllegalStateException(r.line());
          }
          rowsRewritten += r.count("rows.rewritten");
        }
        maintenanceNanos += System.nanoTime() - m0;
      }
      if (i >= WINDOW) {
        table.refresh();
        maxSnapshots = Math.max(maxSnapshots, count(table.snapshots()));
        maxManifests = Math.max(maxManifests, table.currentSnapshot().dataManifests(table.io()).size());
      }
      if ((i + 1) % 1000 == 0) {
        System.out.printf("   %d commits, last %.0f ms%n", i + 1, commitNanos[i] / 1e6);
      }
    }
    Map<String, Object> late = shape(table, commits);
    return new Run(commitNanos, early, late, maintenanceNanos, maxSnapshots, maxManifests, rowsRewritten,
        rowNo);
  }

  private static DataFile file(Table table, OutputFileFactory outputs, MetricsConfig metrics, List<Record> rows) {
    PartitionKey key = new PartitionKey(SPEC, SCHEMA);
    key.partition(new InternalRecordWrapper(SCHEMA.asStruct()).wrap(rows.get(0)));
    EncryptedOutputFile out = outputs.newOutputFile(SPEC, key);
    ColumnsFile f = new ColumnsFile(SCHEMA, table.properties(), out.encryptingOutputFile());
    RecordWriter w = new RecordWriter(f, SCHEMA);
    rows.forEach(w::write);
    f.close();
    return DataFiles.builder(SPEC).withPath(out.encryptingOutputFile().location()).withFormat(FileFormat.PARQUET)
        .withPartition(key).withFileSizeInBytes(f.closedLength()).withMetrics(f.metrics(metrics))
        .withSplitOffsets(f.splitOffsets()).build();
  }

  /** Planning time and the table's shape now. */
  private static Map<String, Object> shape(Table table, int commits) throws IOException {
    table.refresh();
    long[] plan = new long[7];
    long files = 0;
    for (int k = 0; k < plan.length; k++) {
      long t0 = System.nanoTime();
      files = 0;
      try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
        for (FileScanTask ignored : tasks) {
          files++;
        }
      }
      plan[k] = System.nanoTime() - t0;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("commits", commits);
    out.put("plan_ms", Results.round(Bench.median(plan) / 1e6, 1));
    out.put("snapshots", count(table.snapshots()));
    out.put("data_manifests", table.currentSnapshot().dataManifests(table.io()).size());
    out.put("data_files", files);
    String metadata = ((org.apache.iceberg.HasTableOperations) table).operations().current().metadataFileLocation();
    out.put("metadata_json_kib", Results.round(table.io().newInputFile(metadata).getLength() / 1024.0, 1));
    return out;
  }

  private static int count(Iterable<?> it) {
    int n = 0;
    for (Object ignored : it) {
      n++;
    }
    return n;
  }
}
