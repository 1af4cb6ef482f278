package io.otlake.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otlake.local.LocalInfra;
import io.otlake.writer.maintenance.MaintenanceMetrics;
import io.otlake.writer.maintenance.MaintenanceSettings;
import io.otlake.writer.maintenance.MaintenanceSettings.Step;
import io.otlake.writer.maintenance.Maintainer;
import io.otlake.writer.maintenance.StepResult;
import io.otlake.writer.table.Catalogs;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.compat.RowGroupFilter;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Compaction on the streaming writer's own output: the writer fills a traces table from a pre-filled topic (its CPU
 * per span measured as {@link WriterBench} does), then maintenance's compaction rewrites every file of it (its CPU
 * over the step); rows per CPU-second of each, bytes per span before and after, and a trace-id lookup over the
 * busiest day before and after: the row groups Iceberg's file pruning and parquet-mr's row-group filtering
 * (statistics, dictionaries, bloom filters) keep for a trace id, against the row groups that hold it.
 */
final class CompactionBench {
  /** Only the traces loop: its meters are then the only ones of their names (the timing reads them). */
  private static final Map<String, String> TRACES_ONLY = Map.of("signals", "traces");
  private static final Map<String, String> SMALL_FILES = Map.of("signals", "traces", "commit.interval", "1s");

  private static final int SLICES = 4;

  private CompactionBench() {}

  private static List<byte[]> slice(List<byte[]> requests, int k) {
    return requests.subList(requests.size() * k / SLICES, requests.size() * (k + 1) / SLICES);
  }

  static void run(LocalInfra infra, boolean quick, BenchData data, Path scratch, Results results)
      throws Exception {
    int spans = quick ? 150_000 : 600_000;
    String x = data.suffix;
    String topic = "bench_compaction" + x;
    List<byte[]> requests = new ArrayList<>();
    int total = 0;
    for (byte[] r : data.requests(spans)) {
      requests.add(r);
      total += Bench.spanCount(ExportTraceServiceRequest.parseFrom(r));
    }
    Bench.fillBytes(infra, topic, requests);
    String warm = "bench_compaction_warmup" + x;
    // a writer catching up on a topic commits it all at once (one file per partition, nothing to compact): the
    // small-files tables are written from slices of the data, one topic each, a commit (and a file) per slice
    for (int k = 0; k < SLICES; k++) {
      Bench.fillBytes(infra, topic + "_slice" + k, slice(requests, k));
    }
    Catalog catalog = Catalogs.build(LocalInfra.CATALOG_NAME, infra.catalogProperties());

    // warm up both (the JIT) on the measured data itself, twice, in tables of their own; then the measured runs on
    // a fresh table. With one warm-up on a fifth of the data, compaction's code was still being compiled in the
    // measured step (1.6 s of the JIT compiler threads' CPU in a 2.9 s step, quick rich run); with one on all of
    // it, still 1.6 s: methods compiled by C1 in the warm-up reached C2's threshold only in the measured step
    for (int round = 0; round < 2; round++) {
      String warmTable = warm + "_" + round;
      for (int k = 0; k < SLICES; k++) {
        WriterBench.timeWriter(infra, catalog, topic + "_slice" + k, warmTable, SMALL_FILES);
      }
      compact(infra, catalog.loadTable(TableIdentifier.of("otel", warmTable)));
    }

    // the writer's CPU per span at its defaults; then the table to compact, written with 1 s commits (at full speed
    // the default 10 s interval makes a file or two per partition, nothing to compact)
    Cpu.settle();
    String name = "bench_compaction" + x;
    WriterBench.Timed w = WriterBench.timeWriter(infra, catalog, topic, name + "_defaults", TRACES_ONLY);
    System.gc();
    long smallCpu = 0;
    for (int k = 0; k < SLICES; k++) {
      smallCpu += WriterBench.timeWriter(infra, catalog, topic + "_slice" + k, name, SMALL_FILES).steadyCpuNanos();
    }
    Table table = catalog.loadTable(TableIdentifier.of("otel", name));
    long streamed = table.currentSnapshot().snapshotId();
    Map<String, Object> before = new LinkedHashMap<>();
    long streamedBytes = dataBytes(table, streamed, before);

    Cpu.settle();
    long cpu0 = Cpu.processCpuNanos();
    long jit0 = Cpu.jitCpuNanos();
    long t0 = System.nanoTime();
    StepResult step = compact(infra, table);
    long compactNanos = System.nanoTime() - t0;
    long compactCpu = Cpu.processCpuNanos() - cpu0;
    long jit1 = Cpu.jitCpuNanos();
    long compactJit = jit0 < 0 || jit1 < 0 ? -1 : jit1 - jit0;
    table.refresh();
    long compacted = table.currentSnapshot().snapshotId();
    Map<String, Object> after = new LinkedHashMap<>();
    long compactedBytes = dataBytes(table, compacted, after);

    Map<String, Object> c = results.section("compaction" + x);
    c.put("spans", total);
    long rows = step.count("rows.rewritten");
    c.put("rows_rewritten", rows);
    c.put("rows_columnar", step.count("rows.columnar"));
    c.put("files_rewritten", step.count("files.rewritten"));
    c.put("files_written", step.count("files.written"));
    c.put("seconds", Results.round(compactNanos / 1e9, 2));
    c.put("rows_per_second", Math.round(rows / (compactNanos / 1e9)));
    double compactPerCore = rows / (compactCpu / 1e9);
    // the writer to its commit, as compaction is timed to its own: files finished, uploaded and committed
    double writerPerCore = total / (w.committedCpuNanos() / 1e9);
    double writerSteadyPerCore = total / (w.steadyCpuNanos() / 1e9);
    c.put("rows_per_cpu_second", Math.round(compactPerCore));
    c.put("writer_rows_per_cpu_second", Math.round(writerPerCore));
    c.put("writer_rows_per_cpu_second_steady", Math.round(writerSteadyPerCore));
    if (compactJit >= 0 && w.committedJitNanos() >= 0) {
      double compactNoJit = rows / ((compactCpu - compactJit) / 1e9);
      double writerNoJit = total / ((w.committedCpuNanos() - w.committedJitNanos()) / 1e9);
      c.put("rows_per_cpu_second_without_jit", Math.round(compactNoJit));
      c.put("writer_rows_per_cpu_second_without_jit", Math.round(writerNoJit));
      c.put("ratio_without_jit", Results.round(compactNoJit / writerNoJit, 2));
    }
    c.put("ratio_to_writer_steady", Results.round(compactPerCore / writerSteadyPerCore, 2));
    c.put("writer_1s_commits_rows_per_cpu_second", Math.round(total / (smallCpu / 1e9)));
    c.put("streaming", before);
    c.put("compacted", after);
    c.put("bytes_per_span_streaming", Results.round((double) streamedBytes / total, 1));
    c.put("bytes_per_span_compacted", Results.round((double) compactedBytes / total, 1));
    c.put("columns_compacted", WriterBench.columns(table));
    c.put("lookup_streaming", lookup(table, streamed, scratch.resolve("lookup-streaming" + x), quick));
    c.put("lookup_compacted", lookup(table, compacted, scratch.resolve("lookup-compacted" + x), quick));
    c.put("note", "compaction: one maintenance compact step (min-age 0) over the writer's files, this JVM's CPU over"
        + " the whole step (read, sort, write with otlake's Parquet writer, commit; rows_columnar of them by the"
        + " columnar path); the writer's CPU from its first decoded row until its table held every row (files"
        + " finished, uploaded, committed), at its defaults, each after a warm-up on the same data (tables of their"
        + " own) and once the JIT compiler threads are idle;"
        + " *_steady: the writer's CPU from its first decoded row to its last only, as writer.cpu_us_per_span_steady,"
        + " which leaves out closing its files (compression, bloom filters, upload) and committing; *_without_jit: less"
        + " the JIT compiler threads' CPU in each window. writer_1s_commits: the steady CPU of the 1 s commits that"
        + " wrote the streaming files compacted here. lookup: for trace"
        + " ids drawn from the busiest day, row groups kept by Iceberg's file pruning (trace_id bounds) then"
        + " parquet-mr's row-group filtering (statistics, dictionary, bloom filter), against the row groups holding"
        + " the id");
    results.put("compaction_to_writer_rows_per_core" + x, Results.round(compactPerCore / writerPerCore, 2));
    results.put("bytes_per_span_compacted" + x, Results.round((double) compactedBytes / total, 1));
  }

  private static StepResult compact(LocalInfra infra, Table table) {
    MaintenanceSettings settings = Bench.writerConfig(infra, "unused", "unused",
        Map.of("maintenance.compact.min-age", "0s")).maintenance().withSteps(List.of(Step.COMPACT));
    Maintainer m = new Maintainer(settings, new MaintenanceMetrics(new SimpleMeterRegistry()),
        System::currentTimeMillis, () -> false);
    StepResult r = m.run(table).get(0);
    System.out.println("   " + r.line());
    if (r.failed()) {
      throw new IllegalStateException(r.line());
    }
    return r;
  }

  /** Data bytes of a snapshot; puts files, row groups are counted by {@link #lookup}. */
  private static long dataBytes(Table table, long snapshot, Map<String, Object> out) throws IOException {
    long bytes = 0;
    long files = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot).planFiles()) {
      for (FileScanTask t : tasks) {
        bytes += t.file().fileSizeInBytes();
        files++;
      }
    }
    out.put("data_files", files);
    out.put("data_mib", Results.round(bytes / 1048576.0, 2));
    return bytes;
  }

  /** A downloaded data file of the day, open, and the trace ids of each of its row groups. */
  private record Local(ParquetFileReader reader, List<BlockMetaData> blocks, List<Set<Binary>> ids) {}

  private static Map<String, Object> lookup(Table table, long snapshot, Path dir, boolean quick) throws IOException {
    Files.createDirectories(dir);
    // the day with the most rows
    Map<Integer, Long> rowsByDay = new HashMap<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot).planFiles()) {
      for (FileScanTask t : tasks) {
        rowsByDay.merge(t.file().partition().get(0, Integer.class), t.file().recordCount(), Long::sum);
      }
    }
    int day = rowsByDay.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    long dayStartMicros = day * 86_400_000_000L;
    var ofDay = Expressions.and(Expressions.greaterThanOrEqual("timestamp", dayStartMicros),
        Expressions.lessThan("timestamp", dayStartMicros + 86_400_000_000L));
    Map<String, Local> files = new LinkedHashMap<>();
    int n = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot).filter(ofDay).planFiles()) {
      for (FileScanTask t : tasks) {
        DataFile f = t.file();
        if (f.partition().get(0, Integer.class) != day) {
          continue;
        }
        Path local = dir.resolve((n++) + ".parquet");
        try (InputStream in = table.io().newInputFile(f.location()).newStream()) {
          Files.copy(in, local);
        }
        files.put(f.location(), read(local));
      }
    }
    List<Binary> all = new ArrayList<>();
    long rowGroups = 0;
    for (Local l : files.values()) {
      rowGroups += l.blocks().size();
      Set<Binary> seen = new HashSet<>();
      l.ids().forEach(seen::addAll);
      all.addAll(seen);
    }
    SplittableRandom random = new SplittableRandom(3);
    int lookups = quick ? 100 : 300;
    long kept = 0;
    long holding = 0;
    long maxExtra = 0;
    int withinTarget = 0;
    for (int i = 0; i < lookups; i++) {
      Binary id = all.get(random.nextInt(all.size()));
      String hex = id.toStringUsingUTF8();
      long holders = 0;
      for (Local l : files.values()) {
        for (Set<Binary> s : l.ids()) {
          holders += s.contains(id) ? 1 : 0;
        }
      }
      long keptHere = 0;
      // Iceberg's own file pruning first (its column bounds on trace_id), then parquet-mr's row-group filters
      try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot)
          .filter(Expressions.and(ofDay, Expressions.equal("trace_id", hex))).planFiles()) {
        for (FileScanTask t : tasks) {
          Local l = files.get(t.file().location());
          if (l == null) {
            continue; // another day's file
          }
          keptHere += RowGroupFilter.filterRowGroups(List.of(RowGroupFilter.FilterLevel.STATISTICS,
              RowGroupFilter.FilterLevel.DICTIONARY, RowGroupFilter.FilterLevel.BLOOMFILTER),
              FilterCompat.get(FilterApi.eq(FilterApi.binaryColumn("trace_id"), id)), l.blocks(), l.reader()).size();
        }
      }
      if (keptHere < holders) {
        throw new IllegalStateException("trace " + hex + ": " + keptHere + " row groups kept, " + holders
            + " hold it: the filters dropped a row group holding the id");
      }
      kept += keptHere;
      holding += holders;
      maxExtra = Math.max(maxExtra, keptHere - holders);
      withinTarget += keptHere - holders <= 2 ? 1 : 0;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("day_files", files.size());
    out.put("day_row_groups", rowGroups);
    out.put("day_rows", rowsByDay.get(day));
    out.put("lookups", lookups);
    out.put("row_groups_read_mean", Results.round((double) kept / lookups, 2));
    out.put("row_groups_holding_mean", Results.round((double) holding / lookups, 2));
    out.put("extra_row_groups_max", maxExtra);
    out.put("lookups_within_2_extra_percent", Results.round(100.0 * withinTarget / lookups, 1));
    for (Local l : files.values()) {
      l.reader().close();
    }
    deleteQuietly(dir);
    return out;
  }

  /** Reads the trace ids of each row group; the returned reader stays open for the filters (footer, blooms). */
  private static Local read(Path file) throws IOException {
    List<Set<Binary>> ids = new ArrayList<>();
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      MessageType projection = new MessageType("table",
          reader.getFooter().getFileMetaData().getSchema().getType("trace_id"));
      reader.setRequestedSchema(projection);
      PageReadStore pages;
      while ((pages = reader.readNextRowGroup()) != null) {
        RecordReader<Group> records = new ColumnIOFactory().getColumnIO(projection)
            .getRecordReader(pages, new GroupRecordConverter(projection));
        Set<Binary> s = new HashSet<>();
        for (long r = 0; r < pages.getRowCount(); r++) {
          s.add(Binary.fromConstantByteArray(records.read().getBinary("trace_id", 0).getBytes()));
        }
        ids.add(s);
      }
    }
    ParquetFileReader open = ParquetFileReader.open(new LocalInputFile(file));
    return new Local(open, open.getFooter().getBlocks(), ids);
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover folder under bench/out is harmless
    }
  }
}
