package io.otlake.bench;

import io.otlake.writer.testing.DemoTelemetry;
import io.otlake.writer.testing.RichTelemetry;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import io.otlake.writer.testing.SpanRows;

import com.github.luben.zstd.Zstd;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import io.otlake.local.LocalInfra;
import io.otlake.writer.WriterService;

import io.otlake.writer.table.Catalogs;
import io.otlake.writer.table.Tables;
import io.otlake.writer.table.TraceTable;
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
 * Committed spans per second from a pre-filled topic into Iceberg on the S3 API server, against Iceberg's own
 * generic Parquet writer writing the same rows from memory into the same table layout; the writer's CPU per span
 * (in steady state, and with start-up); the same for OTLP/JSON records; bytes per span at rest beside OTLP
 * protobuf and zstd-compressed OTLP, and per column (compressed column chunks summed over the files, from the
 * footers as Iceberg's column_sizes metrics record them). One data set per call: {@link DataSet}.
 */
final class WriterBench {
  private WriterBench() {}

  /** The two data sets: today's lean demo spans and issue 13's attribute-rich ones. */
  enum DataSet {
    LEAN(""), RICH("_rich");

    /** Appended to result keys and table names; the lean set keeps the keys it always had. */
    final String suffix;

    DataSet(String suffix) {
      this.suffix = suffix;
    }

    List<ExportTraceServiceRequest> requests(int spans) {
      List<ExportTraceServiceRequest> out = new ArrayList<>();
      int n = 0;
      if (this == LEAN) {
        DemoTelemetry demo = new DemoTelemetry(11, System.currentTimeMillis() * 1_000_000L - 7_200_000_000_000L,
            200, 1);
        while (n < spans) {
          ExportTraceServiceRequest r = demo.request(512);
          out.add(r);
          n += Bench.spanCount(r);
        }
      } else {
        // two days of traffic ending about now
        RichTelemetry rich = new RichTelemetry(11,
            System.currentTimeMillis() * 1_000_000L - RichTelemetry.TWO_DAYS_NANOS - 3_600_000_000_000L, spans);
        while (n < spans) {
          ExportTraceServiceRequest r = rich.request(512);
          out.add(r);
          n += Bench.spanCount(r);
        }
      }
      return out;
    }
  }

  /** A timed writer run: work nanoseconds, and CPU nanoseconds of this JVM with and without start-up. */
  record Timed(long nanos, long steadyCpuNanos) {}

  static void run(LocalInfra infra, boolean quick, DataSet data, Results results) throws Exception {
    int spans = quick ? 150_000 : 600_000;
    String x = data.suffix;
    String topic = "bench_writer" + x;
    // kept serialized: as message objects they were gigabytes of live heap, and the GC pauses that made in this
    // JVM (100-400 ms each) fell on whichever writer was running
    List<byte[]> requests = new ArrayList<>();
    long otlpBytes = 0;
    long zstdBytes = 0;
    int total = 0;
    for (ExportTraceServiceRequest r : data.requests(spans)) {
      byte[] b = r.toByteArray();
      requests.add(b);
      otlpBytes += b.length;
      zstdBytes += Zstd.compress(b, 3).length;
      total += Bench.spanCount(r);
    }
    Bench.fillBytes(infra, topic, requests);
    // OTLP/JSON records (as a Collector's kafka exporter writes them with otlp_json): a fifth of the spans, since
    // protobuf's JSON printer that makes them runs at only a few thousand spans per second
    List<byte[]> jsonRequests = requests.subList(0, Math.max(1, requests.size() / 5));
    String jsonTopic = "bench_writer_json" + x;
    long jsonBytes = Bench.fillJson(infra, jsonTopic, jsonRequests);
    int jsonSpans = 0;
    for (byte[] r : jsonRequests) {
      jsonSpans += Bench.spanCount(ExportTraceServiceRequest.parseFrom(r));
    }
    Catalog catalog = Catalogs.build(LocalInfra.CATALOG_NAME, infra.catalogProperties());

    // warm up: both writers run once on a smaller set first, so the measured runs compare steady states
    List<byte[]> warmup = requests.subList(0, requests.size() / 5);
    Bench.fillBytes(infra, "bench_warmup" + x, warmup);
    timeWriter(infra, catalog, "bench_warmup" + x, "bench_warmup" + x, Map.of());
    generic(catalog, warmup, "bench_generic_warmup" + x);

    // the three alternate, each on a fresh table; the medians are reported (single runs here move by +-25%)
    int runs = quick ? 1 : 3;
    long[] writerNanosRuns = new long[runs];
    long[] writerCpuRuns = new long[runs];
    long[] writerSteadyCpuRuns = new long[runs];
    long[] jsonSteadyCpuRuns = new long[runs];
    long[] jsonNanosRuns = new long[runs];
    double[] genericRuns = new double[runs];
    for (int i = 0; i < runs; i++) {
      String n = i == 0 ? "" : "_" + i;
      System.gc(); // each timed run starts on a clean heap, not on the garbage of the run before
      long cpu0 = Cpu.processCpuNanos();
      Timed w = timeWriter(infra, catalog, topic, "bench_writer" + x + n, Map.of());
      writerCpuRuns[i] = Cpu.processCpuNanos() - cpu0;
      writerNanosRuns[i] = w.nanos();
      writerSteadyCpuRuns[i] = w.steadyCpuNanos();
      genericRuns[i] = generic(catalog, requests, "bench_generic" + x + n);
      System.gc();
      Timed j = timeWriter(infra, catalog, jsonTopic, "bench_writer_json" + x + n,
          Map.of("kafka.default-encoding", "otlp_json"));
      jsonNanosRuns[i] = j.nanos();
      jsonSteadyCpuRuns[i] = j.steadyCpuNanos();
    }
    long writerNanos = median(writerNanosRuns);
    double generic = median(genericRuns);
    Table table = catalog.loadTable(TableIdentifier.of("otel", "bench_writer" + x));

    Map<String, Object> w = results.section("writer" + x);
    w.put("spans", total);
    w.put("spans_per_second", Math.round(total / (writerNanos / 1e9)));
    w.put("seconds", Results.round(writerNanos / 1e9, 2));
    w.put("cpu_seconds_per_million_spans", Results.round(median(writerCpuRuns) / 1e9 / total * 1e6, 2));
    w.put("cpu_us_per_span_steady", Results.round(median(writerSteadyCpuRuns) / 1e3 / total, 2));
    w.put("json_spans", jsonSpans);
    w.put("json_spans_per_second", Math.round(jsonSpans / (median(jsonNanosRuns) / 1e9)));
    w.put("json_cpu_us_per_span_steady", Results.round(median(jsonSteadyCpuRuns) / 1e3 / jsonSpans, 2));
    w.put("generic_writer_rows_per_second", Math.round(generic));
    w.put("runs", runs);
    final int spanTotal = total;
    w.put("spans_per_second_runs", java.util.Arrays.toString(
        java.util.Arrays.stream(writerNanosRuns).map(v -> Math.round(spanTotal / (v / 1e9))).toArray()));
    w.put("generic_writer_rows_per_second_runs", java.util.Arrays.toString(
        java.util.Arrays.stream(genericRuns).map(Math::round).mapToLong(v -> (long) v).toArray()));
    w.put("cpu_us_per_span_steady_runs", java.util.Arrays.toString(
        java.util.Arrays.stream(writerSteadyCpuRuns).mapToDouble(v -> Results.round(v / 1e3 / spanTotal, 2))
            .toArray()));
    w.put("note", "medians of alternating runs after a warm-up run of each; writer time runs from its first decoded"
        + " row to its last, plus one mean commit (start-up and the wait for the last batch to become due excluded);"
        + " the generic writer's from its first row to its commit. cpu_seconds_per_million_spans is this JVM's CPU"
        + " over the whole writer run (start-up, consumer, commits); cpu_us_per_span_steady only from the first"
        + " decoded row to the last (broker and S3 server excluded: they are other processes). json_*: the same"
        + " writer on OTLP/JSON records of the first fifth of the requests");
    results.put("writer_ratio" + x, Results.round(total / (writerNanos / 1e9) / generic, 3));

    Map<String, Object> b = results.section("bytes" + x);
    long dataBytes = bytes(table, b, total);
    b.put("otlp_protobuf_bytes_per_span", Results.round((double) otlpBytes / total, 1));
    b.put("otlp_protobuf_zstd_bytes_per_span", Results.round((double) zstdBytes / total, 1));
    b.put("otlp_json_bytes_per_span", Results.round((double) jsonBytes / jsonSpans, 1));
    b.put("otlp_request_spans", Results.round((double) total / requests.size(), 1));
    b.put("attributes_per_span", Results.round(attributesPerSpan(requests), 2));
    results.put("bytes_per_span" + x, Results.round((double) dataBytes / total, 1));
    results.put("columns" + x, columns(table));
    Table genericTable = catalog.loadTable(TableIdentifier.of("otel", "bench_generic" + x));
    Map<String, Object> gb = new java.util.LinkedHashMap<>();
    b.put("generic_writer_data_bytes_per_span", Results.round((double) bytes(genericTable, gb, total) / total, 1));
  }

  /** Data file bytes of the table's current snapshot; puts rows, files and bytes per span into {@code b}. */
  private static long bytes(Table table, Map<String, Object> b, int spans) throws java.io.IOException {
    long dataBytes = 0;
    long rows = 0;
    long files = 0;
    table.refresh();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask t : tasks) {
        dataBytes += t.file().fileSizeInBytes();
        rows += t.file().recordCount();
        files++;
      }
    }
    long allBytes = 0;
    for (FileInfo f : ((SupportsPrefixOperations) table.io()).listPrefix(table.location() + "/")) {
      allBytes += f.size();
    }
    b.put("rows", rows);
    b.put("data_files", files);
    b.put("data_bytes_per_span", Results.round((double) dataBytes / rows, 1));
    b.put("with_metadata_bytes_per_span", Results.round((double) allBytes / rows, 1));
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
   * Runs a writer on a pre-filled topic until the table holds its end offsets. Returns the nanoseconds of work: from
   * the first row decoded to the last, plus one commit's mean duration for the final commit (the wall time to the
   * last commit would also count the writer waiting, once caught up, for its final batch to become due), and this
   * JVM's CPU time over the first to the last decoded row.
   */
  static Timed timeWriter(LocalInfra infra, Catalog catalog, String topic, String tableName,
      Map<String, String> extra) {
    Map<Integer, Long> end = Bench.endOffsets(infra, topic);
    WriterService writer = WriterService.start(Bench.writerConfig(infra, topic, tableName, extra));
    Counter decoded = writer.meterRegistry().get("otlake.writer.rows.decoded").counter();
    Timer commits = writer.meterRegistry().get("otlake.writer.commit.duration").timer();
    while (decoded.count() == 0) {
      Thread.onSpinWait();
    }
    long t0 = System.nanoTime();
    long cpu0 = Cpu.processCpuNanos();
    Table table = catalog.loadTable(TableIdentifier.of("otel", tableName));
    double last = -1;
    long lastChange = t0;
    long lastChangeCpu = cpu0;
    while (!Bench.storedOffsets(table, topic).equals(end)) {
      double now = decoded.count();
      if (now != last) {
        last = now;
        lastChange = System.nanoTime();
        lastChangeCpu = Cpu.processCpuNanos();
      }
      Bench.sleep(20);
    }
    long nanos = lastChange - t0 + (long) commits.mean(TimeUnit.NANOSECONDS);
    writer.close();
    return new Timed(nanos, lastChangeCpu - cpu0);
  }

  /** Iceberg's generic writer on the same rows, decoded up front and held in memory: rows per second. */
  private static double generic(Catalog catalog, List<byte[]> requests, String tableName) {
    List<Record> rows = new ArrayList<>();
    SpanRows decoder = new SpanRows();
    for (byte[] r : requests) {
      try {
        decoder.decode(ExportTraceServiceRequest.parseFrom(r), rows::add);
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    }
    Table table = Tables.loadOrCreate(catalog, TableIdentifier.of("otel", tableName), TraceTable.SCHEMA,
        TraceTable.SPEC, TraceTable.SORT_ORDER, TraceTable.properties(128L << 20));
    System.gc();
    long t0 = System.nanoTime();
    GenericFiles files = new GenericFiles(table, 1, 1);
    for (Record row : rows) {
      files.write(row);
    }
    List<DataFile> written = files.complete();
    AppendFiles append = table.newAppend();
    written.forEach(append::appendFile);
    append.commit();
    return rows.size() / ((System.nanoTime() - t0) / 1e9);
  }

  private static long median(long[] v) {
    long[] c = v.clone();
    java.util.Arrays.sort(c);
    return c[c.length / 2];
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    java.util.Arrays.sort(c);
    return c[c.length / 2];
  }
}
