package io.otlake.bench;

import io.otlake.writer.testing.DemoTelemetry;
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
 * generic Parquet writer writing the same rows from memory into the same table layout; CPU per million spans;
 * bytes per span at rest beside OTLP protobuf and zstd-compressed OTLP.
 */
final class WriterBench {
  private WriterBench() {}

  static void run(LocalInfra infra, boolean quick, Results results) throws Exception {
    int spans = quick ? 150_000 : 600_000;
    String topic = "bench_writer";
    // kept serialized: as message objects they were gigabytes of live heap, and the GC pauses that made in this
    // JVM (100-400 ms each) fell on whichever writer was running
    List<byte[]> requests = new ArrayList<>();
    long otlpBytes = 0;
    long zstdBytes = 0;
    int total = 0;
    for (ExportTraceServiceRequest r : requests(spans)) {
      byte[] b = r.toByteArray();
      requests.add(b);
      otlpBytes += b.length;
      zstdBytes += Zstd.compress(b, 3).length;
      total += Bench.spanCount(r);
    }
    Bench.fillBytes(infra, topic, requests);
    Catalog catalog = Catalogs.build(LocalInfra.CATALOG_NAME, infra.catalogProperties());

    // warm up: both writers run once on a smaller set first, so the measured runs compare steady states
    List<byte[]> warmup = requests.subList(0, requests.size() / 5);
    Bench.fillBytes(infra, "bench_warmup", warmup);
    timeWriter(infra, catalog, "bench_warmup", "bench_warmup");
    generic(catalog, warmup, "bench_generic_warmup");

    // the two alternate, each on a fresh table; the medians are reported (single runs here move by +-25%)
    int runs = quick ? 1 : 3;
    long[] writerNanosRuns = new long[runs];
    long[] writerCpuRuns = new long[runs];
    double[] genericRuns = new double[runs];
    for (int i = 0; i < runs; i++) {
      System.gc(); // each timed run starts on a clean heap, not on the garbage of the run before
      long cpu0 = Cpu.processCpuNanos();
      writerNanosRuns[i] = timeWriter(infra, catalog, topic, "bench_writer" + (i == 0 ? "" : "_" + i));
      writerCpuRuns[i] = Cpu.processCpuNanos() - cpu0;
      genericRuns[i] = generic(catalog, requests, "bench_generic" + (i == 0 ? "" : "_" + i));
    }
    long writerNanos = median(writerNanosRuns);
    long writerCpu = median(writerCpuRuns);
    double generic = median(genericRuns);
    Table table = catalog.loadTable(TableIdentifier.of("otel", "bench_writer"));

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

    Map<String, Object> w = results.section("writer");
    w.put("spans", total);
    w.put("spans_per_second", Math.round(total / (writerNanos / 1e9)));
    w.put("seconds", Results.round(writerNanos / 1e9, 2));
    w.put("cpu_seconds_per_million_spans", Results.round(writerCpu / 1e9 / total * 1e6, 2));
    w.put("generic_writer_rows_per_second", Math.round(generic));
    w.put("runs", runs);
    final int spanTotal = total;
    w.put("spans_per_second_runs", java.util.Arrays.toString(
        java.util.Arrays.stream(writerNanosRuns).map(n -> Math.round(spanTotal / (n / 1e9))).toArray()));
    w.put("generic_writer_rows_per_second_runs", java.util.Arrays.toString(
        java.util.Arrays.stream(genericRuns).map(Math::round).mapToLong(x -> (long) x).toArray()));
    w.put("note", "medians of alternating runs after a warm-up run of each; writer time runs from its first decoded row to its last, plus one"
        + " mean commit (start-up and the wait for the last batch to become due excluded); the generic writer's from"
        + " its first row to its commit");
    results.put("writer_ratio", Results.round(total / (writerNanos / 1e9) / generic, 3));

    Map<String, Object> b = results.section("bytes");
    b.put("rows", rows);
    b.put("data_files", files);
    b.put("data_bytes_per_span", Results.round((double) dataBytes / rows, 1));
    b.put("with_metadata_bytes_per_span", Results.round((double) allBytes / rows, 1));
    b.put("otlp_protobuf_bytes_per_span", Results.round((double) otlpBytes / total, 1));
    b.put("otlp_protobuf_zstd_bytes_per_span", Results.round((double) zstdBytes / total, 1));
    b.put("otlp_request_spans", Results.round((double) total / requests.size(), 1));
    results.put("bytes_per_span", Results.round((double) dataBytes / rows, 1));
  }

  static List<ExportTraceServiceRequest> requests(int spans) {
    DemoTelemetry demo = new DemoTelemetry(11, System.currentTimeMillis() * 1_000_000L - 7_200_000_000_000L, 200, 1);
    List<ExportTraceServiceRequest> out = new ArrayList<>();
    int n = 0;
    while (n < spans) {
      ExportTraceServiceRequest r = demo.request(512);
      out.add(r);
      n += Bench.spanCount(r);
    }
    return out;
  }

  /**
   * Runs a writer on a pre-filled topic until the table holds its end offsets. Returns the nanoseconds of work: from
   * the first row decoded to the last, plus one commit's mean duration for the final commit. (The wall time to the
   * last commit would also count the writer waiting, once caught up, for its final batch to become due.)
   */
  private static long timeWriter(LocalInfra infra, Catalog catalog, String topic, String tableName) {
    Map<Integer, Long> end = Bench.endOffsets(infra, topic);
    WriterService writer = WriterService.start(Bench.writerConfig(infra, topic, tableName, Map.of()));
    Counter decoded = writer.meterRegistry().get("otlake.writer.rows.decoded").counter();
    Timer commits = writer.meterRegistry().get("otlake.writer.commit.duration").timer();
    while (decoded.count() == 0) {
      Thread.onSpinWait();
    }
    long t0 = System.nanoTime();
    Table table = catalog.loadTable(TableIdentifier.of("otel", tableName));
    double last = -1;
    long lastChange = t0;
    while (!Bench.storedOffsets(table, topic).equals(end)) {
      double now = decoded.count();
      if (now != last) {
        last = now;
        lastChange = System.nanoTime();
      }
      Bench.sleep(20);
    }
    long nanos = lastChange - t0 + (long) commits.mean(TimeUnit.NANOSECONDS);
    writer.close();
    return nanos;
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
