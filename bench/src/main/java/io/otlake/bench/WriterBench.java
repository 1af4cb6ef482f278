package io.otlake.bench;

import io.otlake.writer.signals.TableUnit;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

import com.github.luben.zstd.Zstd;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import io.otlake.local.LocalInfra;
import io.otlake.writer.WriterService;

import io.otlake.writer.table.Catalogs;
import io.otlake.writer.table.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * Committed items (spans, log records, data points) per second from a pre-filled topic into Iceberg on the S3 API
 * server, against Iceberg's own generic Parquet writer writing the same rows from memory into the same table layout;
 * the writer's CPU per item (in steady state, and with start-up); the same for OTLP/JSON records; bytes per item at
 * rest beside OTLP protobuf and zstd-compressed OTLP, and per column (compressed column chunks summed over the files,
 * from the footers as Iceberg's column_sizes metrics record them). One data set ({@link BenchData}) per call; the
 * signal's tables are its {@code WriterSignal}'s, so nothing here knows which signal it measures.
 */
final class WriterBench {
  private WriterBench() {}

  /**
   * A timed writer run: work nanoseconds, this JVM's CPU over the work (first to last decoded row), and the part of
   * that CPU its JIT compiler threads spent (-1 where unknown); and this JVM's CPU from the first decoded row until
   * the table held every row (the files finished, uploaded and committed: what the steady figure leaves out, as
   * the files of a catching-up writer are closed after its last row is decoded), with its JIT part.
   */
  record Timed(long nanos, long steadyCpuNanos, long steadyJitNanos, long committedCpuNanos,
      long committedJitNanos, Map<String, Long> threadsBefore, Map<String, Long> threadsAfter) {
    /** The work's CPU without compiling code, or -1 where the compilers' CPU is unknown. */
    long steadyCpuWithoutJitNanos() {
      return steadyJitNanos < 0 ? -1 : steadyCpuNanos - steadyJitNanos;
    }
  }

  static void run(LocalInfra infra, boolean quick, BenchData data, Results results) throws Exception {
    run(infra, quick, data, quick ? 150_000 : 600_000, results);
  }

  static void run(LocalInfra infra, boolean quick, BenchData data, int wanted, Results results) throws Exception {
    String x = data.suffix;
    String topic;
    // kept serialized: as message objects they were gigabytes of live heap, and the GC pauses that made in this
    // JVM (100-400 ms each) fell on whichever writer was running
    List<byte[]> requests = data.requests(wanted);
    long otlpBytes = 0;
    long zstdBytes = 0;
    int total = 0;
    for (byte[] b : requests) {
      otlpBytes += b.length;
      zstdBytes += Zstd.compress(b, 3).length;
      total += data.itemCount(b);
    }
    topic = fill(infra, data, "bench_writer" + x, requests);
    // OTLP/JSON records (as a Collector's kafka exporter writes them with otlp_json): every item in a full run, so
    // both encodings are measured at the same steady state (file sizes, batches); a fifth in a quick one, since
    // protobuf's JSON printer that makes them is slow
    List<byte[]> jsonRequests = quick ? requests.subList(0, Math.max(1, requests.size() / 5)) : requests;
    String jsonTopic = "bench_writer_json" + x;
    long jsonBytes = 0;
    int jsonItems = 0;
    if (data.json) {
      jsonBytes = Bench.fillJson(infra, data, jsonTopic, jsonRequests);
      for (byte[] r : jsonRequests) {
        jsonItems += data.itemCount(r);
      }
    }
    Catalog catalog = Catalogs.build(LocalInfra.CATALOG_NAME, infra.catalogProperties());

    // warm up: both writers run once on a smaller set first, so the measured runs compare steady states
    List<byte[]> warmup = requests.subList(0, Math.max(1, requests.size() / 5));
    String warmupTopic = fill(infra, data, "bench_warmup" + x, warmup);
    timeWriter(infra, catalog, data, warmupTopic, "bench_warmup" + x, count(data, warmup), Map.of());
    generic(catalog, data, warmup, "bench_generic_warmup" + x);
    if (data.json) {
      // the JSON path has code of its own to compile (the transcoder), so it gets a warm-up of its own too
      List<byte[]> jsonWarmup = quick ? warmup.subList(0, Math.max(1, warmup.size() / 4)) : warmup;
      String jsonWarmupTopic = "bench_warmup_json" + x;
      Bench.fillJson(infra, data, jsonWarmupTopic, jsonWarmup);
      timeWriter(infra, catalog, data, jsonWarmupTopic, "bench_warmup_json" + x, count(data, jsonWarmup),
          Map.of("kafka.default-encoding", "otlp_json"));
    }

    // the three alternate, each on fresh tables; the medians are reported (single runs here move by +-25%)
    int runs = quick ? 1 : 3;
    long[] writerNanosRuns = new long[runs];
    long[] writerCpuRuns = new long[runs];
    long[] writerSteadyCpuRuns = new long[runs];
    long[] jsonSteadyCpuRuns = new long[runs];
    long[] writerSteadyNoJitRuns = new long[runs];
    long[] jsonSteadyNoJitRuns = new long[runs];
    long[] jsonNanosRuns = new long[runs];
    double[] genericRuns = new double[runs];
    Timed[] writerTimed = new Timed[runs];
    Timed[] jsonTimed = new Timed[runs];
    for (int i = 0; i < runs; i++) {
      String n = i == 0 ? "" : "_" + i;
      Cpu.settle(); // each timed run starts on a clean heap, not on the garbage (or the heap shrinking) of the last
      long cpu0 = Cpu.processCpuNanos();
      Timed w = timeWriter(infra, catalog, data, topic, "bench_writer" + x + n, total, Map.of());
      writerCpuRuns[i] = Cpu.processCpuNanos() - cpu0;
      writerNanosRuns[i] = w.nanos();
      writerTimed[i] = w;
      writerSteadyCpuRuns[i] = w.steadyCpuNanos();
      writerSteadyNoJitRuns[i] = w.steadyCpuWithoutJitNanos();
      genericRuns[i] = generic(catalog, data, requests, "bench_generic" + x + n);
      if (data.json) {
        Cpu.settle();
        Timed j = timeWriter(infra, catalog, data, jsonTopic, "bench_writer_json" + x + n, jsonItems,
            Map.of("kafka.default-encoding", "otlp_json"));
        jsonNanosRuns[i] = j.nanos();
        jsonTimed[i] = j;
        jsonSteadyCpuRuns[i] = j.steadyCpuNanos();
        jsonSteadyNoJitRuns[i] = j.steadyCpuWithoutJitNanos();
      }
    }
    long writerNanos = Bench.median(writerNanosRuns);
    double generic = Bench.median(genericRuns);
    String items = data.items;
    String item = data.item;

    Map<String, Object> w = results.section("writer" + x);
    w.put(items, total);
    w.put(items + "_per_second", Math.round(total / (writerNanos / 1e9)));
    w.put("seconds", Results.round(writerNanos / 1e9, 2));
    w.put("cpu_seconds_per_million_" + items, Results.round(Bench.median(writerCpuRuns) / 1e9 / total * 1e6, 2));
    w.put("cpu_us_per_" + item + "_steady", Results.round(Bench.median(writerSteadyCpuRuns) / 1e3 / total, 2));
    if (java.util.Arrays.stream(writerSteadyNoJitRuns).allMatch(v -> v >= 0)) {
      w.put("cpu_us_per_" + item + "_steady_without_jit",
          Results.round(Bench.median(writerSteadyNoJitRuns) / 1e3 / total, 2));
    }
    if (data.json) {
      w.put("json_" + items, jsonItems);
      w.put("json_" + items + "_per_second", Math.round(jsonItems / (Bench.median(jsonNanosRuns) / 1e9)));
      w.put("json_cpu_us_per_" + item + "_steady", Results.round(Bench.median(jsonSteadyCpuRuns) / 1e3 / jsonItems, 2));
      if (java.util.Arrays.stream(jsonSteadyNoJitRuns).allMatch(v -> v >= 0)) {
        w.put("json_cpu_us_per_" + item + "_steady_without_jit",
            Results.round(Bench.median(jsonSteadyNoJitRuns) / 1e3 / jsonItems, 2));
      }
    }
    Timed median = medianRun(writerTimed, writerSteadyCpuRuns);
    w.put("cpu_us_per_" + item + "_by_thread",
        Cpu.perItem(median.threadsBefore(), median.threadsAfter(), total));
    if (data.json) {
      Timed j = medianRun(jsonTimed, jsonSteadyCpuRuns);
      w.put("json_cpu_us_per_" + item + "_by_thread", Cpu.perItem(j.threadsBefore(), j.threadsAfter(), jsonItems));
    }
    w.put("generic_writer_rows_per_second", Math.round(generic));
    w.put("runs", runs);
    final int itemTotal = total;
    w.put(items + "_per_second_runs", java.util.Arrays.toString(
        java.util.Arrays.stream(writerNanosRuns).map(v -> Math.round(itemTotal / (v / 1e9))).toArray()));
    w.put("generic_writer_rows_per_second_runs", java.util.Arrays.toString(
        java.util.Arrays.stream(genericRuns).map(Math::round).mapToLong(v -> (long) v).toArray()));
    w.put("cpu_us_per_" + item + "_steady_runs", java.util.Arrays.toString(
        java.util.Arrays.stream(writerSteadyCpuRuns).mapToDouble(v -> Results.round(v / 1e3 / itemTotal, 2))
            .toArray()));
    w.put("note", "medians of alternating runs after a warm-up run of each; writer time runs from its first decoded"
        + " row to its last, plus one mean commit (start-up and the wait for the last batch to become due excluded);"
        + " the generic writer's from its first row to its commit. cpu_seconds_per_million_" + items + " is this"
        + " JVM's CPU over the whole writer run (start-up, consumer, commits); cpu_us_per_" + item + "_steady only"
        + " from the first decoded row to the last (broker and S3 server excluded: they are other processes);"
        + " *_steady_without_jit the same less this JVM's JIT compiler threads' CPU in that window (code a short"
        + " run still compiles and a long-running writer has compiled; garbage collection is kept); *_by_thread:"
        + " the median run's CPU per thread name from its first decoded row until its table held every row."
        + (data.json ? " json_*: the same writer on OTLP/JSON records of the same requests (of the first fifth in a"
            + " quick run)" : ""));
    results.put("writer_ratio" + x, Results.round(total / (writerNanos / 1e9) / generic, 3));

    Map<String, Object> b = results.section("bytes" + x);
    List<Table> tables = tables(catalog, data, "bench_writer" + x);
    long dataBytes = bytes(tables, b, item, data.signal.tables().size() > 1);
    b.put("otlp_protobuf_bytes_per_" + item, Results.round((double) otlpBytes / total, 1));
    b.put("otlp_protobuf_zstd_bytes_per_" + item, Results.round((double) zstdBytes / total, 1));
    if (data.json) {
      b.put("otlp_json_bytes_per_" + item, Results.round((double) jsonBytes / jsonItems, 1));
    }
    b.put("otlp_request_" + items, Results.round((double) total / requests.size(), 1));
    if (data.signal == io.otlake.writer.signals.traces.TracesSignal.INSTANCE) {
      b.put("attributes_per_span", Results.round(attributesPerSpan(requests), 2));
    }
    results.put(data.bytesKey, Results.round((double) dataBytes / total, 1));
    if (tables.size() == 1) {
      results.put("columns" + x, columns(tables.get(0)));
    }
    Map<String, Object> gb = new java.util.LinkedHashMap<>();
    b.put("generic_writer_data_bytes_per_" + item, Results.round(
        (double) bytes(tables(catalog, data, "bench_generic" + x), gb, item, false) / total, 1));
    if (catalog instanceof java.io.Closeable c) {
      c.close();
    }
  }

  /** The tables of {@code data}'s signal under the benchmark's name {@code base} that hold rows. */
  private static List<Table> tables(Catalog catalog, BenchData data, String base) {
    List<Table> out = new ArrayList<>();
    for (TableUnit<?> unit : data.signal.tables()) {
      TableIdentifier id = TableIdentifier.of("otel", Bench.tableName(data.signal, unit, base));
      if (catalog.tableExists(id)) {
        Table t = catalog.loadTable(id);
        if (t.currentSnapshot() != null
            && Long.parseLong(t.currentSnapshot().summary().getOrDefault("total-records", "0")) > 0) {
          out.add(t);
        }
      }
    }
    return out;
  }

  /**
   * Fills a fresh topic named {@code topic}, or once more a fresh one named after it when the first fill failed: on
   * this shared machine the broker has answered one partition's batches with OUT_OF_ORDER_SEQUENCE_NUMBER until
   * they expired. Returns the topic filled.
   */
  private static String fill(LocalInfra infra, BenchData data, String topic, List<byte[]> requests)
      throws Exception {
    try {
      Bench.fillBytes(infra, data.signal.contract(), topic, requests);
      return topic;
    } catch (RuntimeException e) {
      System.out.println("  filling " + topic + " failed (" + e + "); filling " + topic + "_again instead");
      Bench.fillBytes(infra, data.signal.contract(), topic + "_again", requests);
      return topic + "_again";
    }
  }

  private static int count(BenchData data, List<byte[]> requests) {
    int n = 0;
    for (byte[] r : requests) {
      n += data.itemCount(r);
    }
    return n;
  }

  /**
   * Data file bytes of the tables' current snapshots; puts rows, files and bytes per item into {@code b} (with
   * {@code perTable}, also each table's data bytes per row of it).
   */
  private static long bytes(List<Table> tables, Map<String, Object> b, String item, boolean perTable)
      throws java.io.IOException {
    long dataBytes = 0;
    long rows = 0;
    long files = 0;
    long allBytes = 0;
    Map<String, Object> each = new java.util.LinkedHashMap<>();
    for (Table table : tables) {
      long tableBytes = 0;
      long tableRows = 0;
      table.refresh();
      try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
        for (FileScanTask t : tasks) {
          tableBytes += t.file().fileSizeInBytes();
          tableRows += t.file().recordCount();
          files++;
        }
      }
      for (FileInfo f : ((SupportsPrefixOperations) table.io()).listPrefix(table.location() + "/")) {
        allBytes += f.size();
      }
      if (perTable && tableRows > 0) {
        String name = table.name().substring(table.name().lastIndexOf("__") + 2);
        each.put(name + "_rows", tableRows);
        each.put(name + "_data_bytes_per_row", Results.round((double) tableBytes / tableRows, 1));
      }
      dataBytes += tableBytes;
      rows += tableRows;
    }
    b.put("rows", rows);
    b.put("data_files", files);
    b.put("data_bytes_per_" + item, Results.round((double) dataBytes / rows, 1));
    b.put("with_metadata_bytes_per_" + item, Results.round((double) allBytes / rows, 1));
    b.putAll(each);
    return dataBytes;
  }

  /**
   * Compressed bytes per span of each top-level column, largest first: the column chunks' sizes from the footers
   * (Iceberg's {@code column_sizes} of each data file), summed over the files and over each column's leaves.
   */
  static Map<String, Object> columns(Table table) throws java.io.IOException {
    Map<Integer, String> topOf = new java.util.HashMap<>();
    for (Types.NestedField f : table.schema().columns()) {
      for (Integer id : TypeUtil.indexById(Types.StructType.of(f)).keySet()) {
        topOf.put(id, f.name());
      }
    }
    Map<String, Long> sizes = new java.util.HashMap<>();
    long rows = 0;
    long footers = 0;
    table.refresh();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().includeColumnStats().planFiles()) {
      for (FileScanTask t : tasks) {
        DataFile f = t.file();
        rows += f.recordCount();
        long columns = 0;
        if (f.columnSizes() == null) {
          throw new IllegalStateException("no column sizes in " + f.path());
        }
        for (Map.Entry<Integer, Long> e : f.columnSizes().entrySet()) {
          sizes.merge(topOf.getOrDefault(e.getKey(), "?" + e.getKey()), e.getValue(), Long::sum);
          columns += e.getValue();
        }
        footers += f.fileSizeInBytes() - columns;
      }
    }
    sizes.put("(footers, page indexes, bloom filters)", footers);
    final long n = rows;
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    sizes.entrySet().stream().sorted((a, c) -> Long.compare(c.getValue(), a.getValue()))
        .forEach(e -> out.put(e.getKey(), Results.round((double) e.getValue() / n, 2)));
    return out;
  }

  private static double attributesPerSpan(List<byte[]> requests) throws Exception {
    long attributes = 0;
    long spans = 0;
    for (byte[] r : requests.subList(0, Math.min(requests.size(), 50))) {
      for (var rs : ExportTraceServiceRequest.parseFrom(r).getResourceSpansList()) {
        for (var ss : rs.getScopeSpansList()) {
          for (var sp : ss.getSpansList()) {
            attributes += sp.getAttributesCount();
            spans++;
          }
        }
      }
    }
    return (double) attributes / spans;
  }

  /**
   * Runs a writer on a pre-filled topic until its tables hold the topic's end offsets or it has committed (or
   * dropped as duplicates) all {@code items}: a table of a signal with several gets no position-only commit for up
   * to a minute when a batch has no rows for it. Returns the nanoseconds of work: from the first row decoded to the
   * last, plus one commit's mean duration for the final commit (the wall time to the last commit would also count
   * the writer waiting, once caught up, for its final batch to become due), and this JVM's CPU time over the first
   * to the last decoded row.
   */
  /** A spans writer over {@code topic} until its table holds the topic's end offsets (for the maintenance benches). */
  static Timed timeWriter(LocalInfra infra, Catalog catalog, String topic, String tableName,
      Map<String, String> extra) {
    return timeWriter(infra, catalog, BenchData.LEAN, topic, tableName, Long.MAX_VALUE, extra);
  }

  static Timed timeWriter(LocalInfra infra, Catalog catalog, BenchData data, String topic, String tableName,
      long items, Map<String, String> extra) {
    Map<Integer, Long> end = Bench.endOffsets(infra, topic);
    io.otlake.writer.config.WriterConfig config = Bench.writerConfig(infra, data.signal, topic, tableName, extra);
    String group = config.group(data.signal.signal());
    WriterService writer = WriterService.start(config);
    String signal = data.signal.signal().headerValue();
    var meters = writer.meterRegistry();
    Counter decoded = meters.get("otlake.writer.rows.decoded").tag("signal", signal).counter();
    Counter committed = meters.get("otlake.writer.rows.committed").tag("signal", signal).counter();
    Counter duplicates = meters.get("otlake.writer.duplicates.dropped").tag("signal", signal).counter();
    Timer commits = meters.get("otlake.writer.commit.duration").tag("signal", signal).timer();
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (decoded.count() == 0) {
      Thread.onSpinWait();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the writer decoded no row of " + topic + " in 10 minutes");
      }
    }
    long t0 = System.nanoTime();
    long cpu0 = Cpu.processCpuNanos();
    long jit0 = Cpu.jitCpuNanos();
    Map<String, Long> threads0 = Cpu.byThreadName();
    List<Table> tables = new ArrayList<>();
    for (TableUnit<?> unit : data.signal.tables()) {
      tables.add(catalog.loadTable(TableIdentifier.of("otel", Bench.tableName(data.signal, unit, tableName))));
    }
    double last = -1;
    long lastChange = t0;
    long lastChangeCpu = cpu0;
    long lastChangeJit = jit0;
    // the table's position is read when a commit was counted (and at least every second): reading it every 20 ms
    // would add the bench's own catalog reads to the writer's CPU while it waits for its last commit
    double committedSeen = -1;
    long checkedAt = 0;
    while (committed.count() + duplicates.count() < items) {
      double c = committed.count() + duplicates.count();
      if (c != committedSeen || System.nanoTime() - checkedAt > 1_000_000_000L) {
        committedSeen = c;
        checkedAt = System.nanoTime();
        if (atEnd(tables, topic, group, end)) {
          break;
        }
      }
      double now = decoded.count();
      if (now != last) {
        last = now;
        lastChange = System.nanoTime();
        lastChangeCpu = Cpu.processCpuNanos();
        lastChangeJit = Cpu.jitCpuNanos();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the writer of " + topic + " committed " + committed.count() + " of "
            + items + " rows in 10 minutes");
      }
      Bench.sleep(20);
    }
    long doneCpu = Cpu.processCpuNanos();
    long doneJit = Cpu.jitCpuNanos();
    Map<String, Long> threads1 = Cpu.byThreadName();
    long nanos = lastChange - t0 + (long) commits.mean(TimeUnit.NANOSECONDS);
    writer.close();
    return new Timed(nanos, lastChangeCpu - cpu0, jit0 < 0 || lastChangeJit < 0 ? -1 : lastChangeJit - jit0,
        doneCpu - cpu0, jit0 < 0 || doneJit < 0 ? -1 : doneJit - jit0, threads0, threads1);
  }

  /** The run whose steady CPU is the median of {@code cpu}. */
  private static Timed medianRun(Timed[] runs, long[] cpu) {
    long m = Bench.median(cpu);
    for (int i = 0; i < runs.length; i++) {
      if (cpu[i] == m) {
        return runs[i];
      }
    }
    return runs[0];
  }

  private static boolean atEnd(List<Table> tables, String topic, String group, Map<Integer, Long> end) {
    for (Table t : tables) {
      if (!Bench.storedOffsets(t, topic, group).equals(end)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Iceberg's generic writer on the same rows, decoded up front and held in memory, into the same tables (one fan-out
   * writer per table that gets rows, committed one after the other as the writer commits them): rows per second.
   */
  private static double generic(Catalog catalog, BenchData data, List<byte[]> requests, String tableName) {
    List<? extends TableUnit<?>> units = data.signal.tables();
    List<List<Record>> rows = new ArrayList<>();
    for (int i = 0; i < units.size(); i++) {
      rows.add(new ArrayList<>());
    }
    for (byte[] r : requests) {
      data.decode(r, (row, table) -> rows.get(table).add(row));
    }
    List<Table> tables = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < units.size(); i++) {
      TableUnit<?> unit = units.get(i);
      tables.add(rows.get(i).isEmpty() ? null : Tables.loadOrCreate(catalog,
          TableIdentifier.of("otel", Bench.tableName(data.signal, unit, tableName)), unit.schema(), unit.spec(),
          unit.sortOrder(), unit.properties(128L << 20)));
      total += rows.get(i).size();
    }
    System.gc();
    long t0 = System.nanoTime();
    for (int i = 0; i < units.size(); i++) {
      if (tables.get(i) == null) {
        continue;
      }
      GenericFiles files = new GenericFiles(tables.get(i), 1, 1);
      for (Record row : rows.get(i)) {
        files.write(row);
      }
      List<DataFile> written = files.complete();
      AppendFiles append = tables.get(i).newAppend();
      written.forEach(append::appendFile);
      append.commit();
    }
    return total / ((System.nanoTime() - t0) / 1e9);
  }
}
