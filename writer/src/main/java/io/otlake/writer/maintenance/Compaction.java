package io.otlake.writer.maintenance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.PropertyUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites small, cold data files into sorted files near the table's target size, partition by partition.
 *
 * <p><b>Which files.</b> A data file is a candidate when it is smaller than {@code maintenance.compact.small-file-percent}
 * of the table's {@code write.target-file-size-bytes} and was added at least {@code maintenance.compact.min-age} ago
 * (the add time is the timestamp of the snapshot whose sequence number is the file's; a file whose snapshot was
 * expired counts as old). A partition with no newer file is cold and all its small files go, into as few files as
 * the target size allows. A partition still being written (it has young files, left for later) is compacted by
 * tiers ({@link #tiered}): a small file is rewritten again only together with at least its own rows in smaller
 * files, so that a quiet service's day, which stays below the small-file bound all day, is not rewritten whole at
 * every run (a row is rewritten about log2(runs) times a day instead of runs/2). Partitions with delete files are
 * left alone (the writer writes none; compacting them would need the deletes applied). A partition with fewer than
 * two files to merge is left alone. They are packed into groups of about the target size, each rewritten by
 * {@link SortedRewrite}.
 *
 * <p><b>Concurrency.</b> Up to {@value #GROUPS_PER_COMMIT} groups' rewrites are one Iceberg {@link RewriteFiles}
 * commit (one snapshot and metadata version, not one per partition), validated from the snapshot the files were
 * planned on ({@code validateFromSnapshot}) and with that snapshot's data sequence number, as Spark's
 * {@code rewrite_data_files} does. Appends that landed meanwhile (the writer's) do not conflict: Iceberg retries the
 * rewrite on top of them, so nothing appended is lost and nothing rewritten is doubled (the rewrite replaces exactly
 * the files it read). If the files a group read are gone (another maintainer compacted or retention dropped them) or
 * deletes were added for them, Iceberg refuses the commit; the groups are then committed one by one, and the
 * refused group's rewrite is abandoned, its new files deleted, and the run goes on with the next. A maintainer asked
 * to stop commits the groups it finished. The commit touches no table property, so the writer's position stays.
 */
final class Compaction {
  private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);
  /** Rewrites committed together (at most): fewer snapshots and metadata versions per run. */
  static final int GROUPS_PER_COMMIT = 32;

  private final MaintenanceSettings settings;
  private final BooleanSupplier stopping;

  Compaction(MaintenanceSettings settings, BooleanSupplier stopping) {
    this.settings = settings;
    this.stopping = stopping;
  }

  /** The files of one partition of one spec. */
  private static final class Group {
    final PartitionSpec spec;
    final DataFile sample;
    final List<DataFile> candidates = new ArrayList<>();
    boolean hasDeletes;
    int files;
    /** Whether a file of the partition is younger than min-age: the partition is still being written. */
    boolean young;

    Group(PartitionSpec spec, DataFile sample) {
      this.spec = spec;
      this.sample = sample;
    }
  }

  StepResult.Counts run(Table table, long nowMillis, StringBuilder note) {
    table.refresh();
    StepResult.Counts counts = new StepResult.Counts();
    Snapshot start = table.currentSnapshot();
    if (start == null) {
      note.append("empty table");
      return counts;
    }
    long target = PropertyUtil.propertyAsLong(table.properties(), TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
    long small = target / 100 * settings.smallFilePercent();
    long coldBefore = nowMillis - settings.compactMinAge().toMillis();
    Map<Long, Long> addedAt = new HashMap<>();
    table.snapshots().forEach(s -> addedAt.put(s.sequenceNumber(), s.timestampMillis()));

    Map<String, Group> groups = new LinkedHashMap<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(start.snapshotId()).planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile file = task.file();
        PartitionSpec spec = table.specs().get(file.specId());
        Group g = groups.computeIfAbsent(spec.specId() + "/" + spec.partitionToPath(file.partition()),
            k -> new Group(spec, file));
        g.files++;
        if (!task.deletes().isEmpty()) {
          g.hasDeletes = true;
        }
        Long seq = file.fileSequenceNumber();
        Long added = seq == null ? null : addedAt.get(seq);
        boolean cold = added == null || added <= coldBefore;
        if (!cold) {
          g.young = true;
        } else if (file.fileSizeInBytes() < small) {
          g.candidates.add(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    Path spill = settings.spillDir().isEmpty() ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(settings.spillDir());
    SortedRewrite rewriter = new SortedRewrite(table, settings.maxRowsInMemory(), spill, stopping);
    int partitions = 0;
    List<Rewritten> pending = new ArrayList<>();
    try {
      for (Group g : groups.values()) {
        List<DataFile> merged = g.young ? tiered(g.candidates) : g.candidates;
        if (g.hasDeletes || merged.size() < 2) {
          continue;
        }
        partitions++;
        for (List<DataFile> bin : bins(merged, target)) {
          if (stopping.getAsBoolean()) {
            note.append("stopped; ");
            break;
          }
          try {
            pending.add(rewriteOne(table, g, bin, target, rewriter));
          } catch (SortedRewrite.Stopped e) {
            commit(table, start, handOver(pending), counts); // what is finished is kept
            throw e;
          }
          if (pending.size() >= GROUPS_PER_COMMIT) {
            commit(table, start, handOver(pending), counts);
          }
        }
      }
      commit(table, start, handOver(pending), counts);
    } finally {
      // a rewrite failed with others finished and never handed to a commit: their files are not ours to keep
      pending.forEach(r -> deleteAll(table, r.out().files()));
    }
    note.append(groups.size()).append(" partitions, ").append(partitions).append(" with small cold files (below ")
        .append(StepResult.bytes(small)).append(", added before ").append(settings.compactMinAge()).append(" ago)");
    return counts;
  }

  /** The rewrites pending, emptying the list (from here on, a commit attempt decides what happens to them). */
  private static List<Rewritten> handOver(List<Rewritten> pending) {
    List<Rewritten> batch = new ArrayList<>(pending);
    pending.clear();
    return batch;
  }

  /** One group's rewrite, written and not yet committed. */
  private record Rewritten(String where, List<DataFile> inputs, SortedRewrite.Output out) {}

  private static Rewritten rewriteOne(Table table, Group g, List<DataFile> bin, long target,
      SortedRewrite rewriter) {
    String where = g.spec.partitionToPath(g.sample.partition());
    SortedRewrite.Output out = rewriter.rewrite(g.spec, g.sample.partition(), bin, target);
    long inRows = bin.stream().mapToLong(DataFile::recordCount).sum();
    if (out.rows() != inRows) {
      deleteAll(table, out.files());
      throw new IllegalStateException("compaction of " + where + " read " + out.rows() + " rows from files whose"
          + " metadata says " + inRows + "; nothing was committed");
    }
    return new Rewritten(where, bin, out);
  }

  /**
   * Commits the rewrites as one {@link RewriteFiles} (a commit per group would add a snapshot, a metadata version
   * and a validation pass per partition). If Iceberg refuses it (a file a group read is gone, or another maintainer
   * won the race), each group is committed on its own, so one conflicting partition abandons only its rewrite.
   */
  private static void commit(Table table, Snapshot start, List<Rewritten> rewrites, StepResult.Counts counts) {
    if (rewrites.isEmpty()) {
      return;
    }
    if (rewrites.size() > 1) {
      Outcome o = tryCommit(table, start, rewrites);
      if (o == Outcome.COMMITTED) {
        rewrites.forEach(r -> counted(r, counts));
        return;
      }
      if (o == Outcome.UNKNOWN) {
        counts.add("partitions.abandoned", rewrites.size());
        return;
      }
    }
    for (Rewritten r : rewrites) {
      switch (tryCommit(table, start, List.of(r))) {
        case COMMITTED -> counted(r, counts);
        case REFUSED -> {
          deleteAll(table, r.out().files());
          counts.add("partitions.abandoned", 1);
        }
        case UNKNOWN -> counts.add("partitions.abandoned", 1);
      }
    }
  }

  private enum Outcome { COMMITTED, REFUSED, UNKNOWN }

  private static Outcome tryCommit(Table table, Snapshot start, List<Rewritten> rewrites) {
    RewriteFiles rewrite = table.newRewrite()
        .validateFromSnapshot(start.snapshotId())
        .dataSequenceNumber(start.sequenceNumber());
    for (Rewritten r : rewrites) {
      r.inputs().forEach(rewrite::deleteFile);
      r.out().files().forEach(rewrite::addFile);
    }
    rewrite.set(OwnSnapshot.KEY, OwnSnapshot.marker("compact"));
    String where = rewrites.size() == 1 ? rewrites.get(0).where() : rewrites.size() + " partition rewrites";
    try {
      rewrite.commit();
      return Outcome.COMMITTED;
    } catch (ValidationException | CommitFailedException e) {
      LOG.info("compaction of {} in {} {}: {}", where, table.name(),
          rewrites.size() == 1 ? "abandoned" : "refused as one commit, committing them one by one", e.getMessage());
      return Outcome.REFUSED;
    } catch (CommitStateUnknownException e) {
      // it may have landed: keep the files (orphan removal takes them if it did not)
      LOG.warn("compaction of {} in {} ended in an unknown commit state: {}", where, table.name(), e.getMessage());
      return Outcome.UNKNOWN;
    }
  }

  private static void counted(Rewritten r, StepResult.Counts counts) {
    counts.add("partitions.compacted", 1)
        .add("files.rewritten", r.inputs().size())
        .add("bytes.rewritten", r.inputs().stream().mapToLong(DataFile::fileSizeInBytes).sum())
        .add("files.written", r.out().files().size())
        .add("bytes.written", r.out().files().stream().mapToLong(DataFile::fileSizeInBytes).sum())
        .add("rows.rewritten", r.out().rows())
        .add("rows.columnar", r.out().columnar() ? r.out().rows() : 0);
  }

  /**
   * The small files of a partition still being written that are worth merging now: the largest is left out for as
   * long as it holds more rows than all smaller ones together. Each file so merged at least doubles its rows, so a
   * row is rewritten at most about log2(final rows / first file's rows) times while the partition is written, and the
   * partition keeps about that many small files (plus its young ones) until it is cold and merged whole. Without
   * the rule a day below the small-file bound would be rewritten whole at every run, its one file merged with the
   * few written since the last. Sizes are rows, not bytes: a streaming file of a few rows is mostly its footer
   * (~15 KB for ~80 columns) while a merged file is dense, so by bytes the merged file of a quiet day looked smaller
   * than the footers written since and was merged again at nearly every run (30 rows rewritten per row committed
   * over 10,000 commits in the commits benchmark); a rewrite's cost is per row.
   */
  static List<DataFile> tiered(List<DataFile> files) {
    List<DataFile> byRows = new ArrayList<>(files);
    byRows.sort(Comparator.comparingLong(DataFile::recordCount));
    long smaller = byRows.stream().mapToLong(DataFile::recordCount).sum();
    int n = byRows.size();
    while (n >= 2) {
      long largest = byRows.get(n - 1).recordCount();
      smaller -= largest;
      if (largest <= smaller) {
        break;
      }
      n--;
    }
    return n >= 2 ? byRows.subList(0, n) : List.of();
  }

  /**
   * Packs files (oldest first) into groups of about {@code target} input bytes: a file joins the current group while
   * that stays within the target or the group has fewer than two files; a last lone file joins the group before it.
   */
  static List<List<DataFile>> bins(List<DataFile> files, long target) {
    List<DataFile> sorted = new ArrayList<>(files);
    sorted.sort(Comparator.comparing(f -> f.fileSequenceNumber() == null ? 0L : f.fileSequenceNumber()));
    List<List<DataFile>> bins = new ArrayList<>();
    List<DataFile> current = new ArrayList<>();
    long bytes = 0;
    for (DataFile f : sorted) {
      if (current.size() >= 2 && bytes + f.fileSizeInBytes() > target) {
        bins.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(f);
      bytes += f.fileSizeInBytes();
    }
    if (current.size() == 1 && !bins.isEmpty()) {
      bins.get(bins.size() - 1).addAll(current);
    } else if (current.size() > 1) {
      bins.add(current);
    }
    return bins;
  }

  private static void deleteAll(Table table, List<DataFile> files) {
    Set<String> seen = new HashSet<>();
    for (DataFile f : files) {
      if (seen.add(f.location())) {
        try {
          table.io().deleteFile(f.location());
        } catch (RuntimeException e) {
          LOG.debug("could not delete {}: {}", f.location(), e.toString());
        }
      }
    }
  }
}
