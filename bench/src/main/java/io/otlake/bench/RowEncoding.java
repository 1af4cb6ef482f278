package io.otlake.bench;

import io.opentelemetry.proto.metrics.v1.Metric;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.writer.parquet.ColumnsFile;
import io.otlake.writer.signals.ItemView;
import io.otlake.writer.signals.RowMapper;
import io.otlake.writer.signals.TableUnit;
import io.otlake.writer.signals.WriterSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.inmemory.InMemoryOutputFile;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;

/**
 * Where a data set's writer time goes, in this process without Kafka or S3: the writer's own path (wire scan and the
 * signal's view, then its rows into one in-memory Parquet file per table) against the generic one (protobuf
 * decoding and the test-jar's oracle into Iceberg records, then Iceberg's generic Parquet writer), each also without
 * its Parquet half, so the decode and encode shares show. Rounds alternate the paths; medians are printed.
 * {@code java -cp <bench classpath> io.otlake.bench.RowEncoding [lean|rich|logs|metrics|metrics_<kind> [items
 * [rounds [requests|records|records-per-key]]]]} ({@code records}: the Kafka record values the gateway cuts the
 * requests into for a bench topic, as the writer reads them, instead of whole requests; {@code records-per-key}: those
 * of {@code kafka.records: per-key}); with a JFR recording ({@code -XX:StartFlightRecording=filename=x.jfr}) it is the profile's workload.
 */
public final class RowEncoding {
  private RowEncoding() {}

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    String name = args.length > 0 ? args[0] : "logs";
    int items = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    boolean split = args.length > 3 && args[3].startsWith("records");
    boolean perKey = args.length > 3 && args[3].equals("records-per-key");
    BenchData data = byName(name);
    List<byte[]> requests = data.requests(items);
    if (split) {
      // as the writer reads them: the Kafka record values the gateway cuts each request into (per partition of a
      // bench topic, or with records-per-key one per key)
      io.otlake.proto.RecordSplitter splitter = new io.otlake.proto.RecordSplitter(1 << 20);
      List<byte[]> records = new ArrayList<>();
      for (byte[] r : requests) {
        for (io.otlake.proto.OtlpRecord rec : splitter.split(io.otlake.proto.wire.ScannedRequest.scan(r,
            data.signal.contract().tree()), null, data.signal.contract(),
            Bench.partitioner(perKey))) {
          records.add(rec.value());
        }
      }
      requests = records;
    }
    int total = 0;
    for (byte[] r : requests) {
      total += data.itemCount(r);
    }
    String[] stages = {"writer: scan + view only", "writer: scan + view + columns",
        "writer: + partitioned files, dedup", "generic: decode + records only", "generic: decode + records + Parquet"};
    double[][] rates = new double[stages.length][rounds];
    for (int round = 0; round < rounds; round++) {
      for (int s = 0; s < stages.length; s++) {
        System.gc();
        // the thread's CPU time, not wall time: on a shared machine the wall time measures the neighbours
        long t0 = THREADS.getCurrentThreadCpuTime();
        switch (s) {
          case 0 -> direct(data.signal, requests, false);
          case 1 -> direct(data.signal, requests, true);
          case 2 -> partitioned(data.signal, requests, round);
          case 3 -> generic(data, requests, false);
          default -> generic(data, requests, true);
        }
        rates[s][round] = total / ((THREADS.getCurrentThreadCpuTime() - t0) / 1e9);
      }
    }
    System.out.printf(Locale.ROOT, "%s: %d rows in %d %s, %d rounds (medians, rows per CPU-second of the thread;"
        + " garbage collection not counted)%n", data.label, total,
        requests.size(), split ? "Kafka records" : "requests", rounds);
    double[] m = new double[stages.length];
    for (int s = 0; s < stages.length; s++) {
      m[s] = Bench.median(rates[s]);
      System.out.printf(Locale.ROOT, "  %-38s %,12.0f   (%.2f us/row)%n", stages[s], m[s], 1e6 / m[s]);
    }
    System.out.printf(Locale.ROOT, "  writer / generic, whole path: %.2f; Parquet half alone: writer %.2f us/row,"
        + " generic %.2f us/row%n", m[1] / m[4], 1e6 / m[1] - 1e6 / m[0], 1e6 / m[4] - 1e6 / m[3]);
  }

  static BenchData byName(String name) {
    return switch (name) {
      case "lean" -> BenchData.LEAN;
      case "rich" -> BenchData.RICH;
      case "logs" -> BenchData.LOGS;
      case "metrics" -> BenchData.METRICS;
      default -> {
        if (!name.startsWith("metrics_")) {
          throw new IllegalArgumentException("lean, rich, logs, metrics or metrics_<kind>");
        }
        yield BenchData.metricKind(Metric.DataCase.valueOf(name.substring(8).toUpperCase(Locale.ROOT)));
      }
    };
  }

  /** The writer's path: every item of every request into its table's file (or only read, without columns). */
  private static <V extends ItemView> void direct(WriterSignal<V> signal, List<byte[]> requests, boolean columns)
      throws Exception {
    direct(signal, requests, columns, false);
  }

  /** {@link #direct(WriterSignal, List, boolean)} on OTLP/JSON records (transcoded first) when {@code json}. */
  static <V extends ItemView> void direct(WriterSignal<V> signal, List<byte[]> requests, boolean columns,
      boolean json) throws Exception {
    List<TableUnit<V>> units = signal.tables();
    List<ColumnsFile> files = new ArrayList<>();
    List<RowMapper<V>> mappers = new ArrayList<>();
    for (TableUnit<V> unit : units) {
      ColumnsFile f = new ColumnsFile(unit.schema(), unit.properties(128L << 20), new InMemoryOutputFile());
      files.add(f);
      mappers.add(unit.mapper(f.rowWriter()));
    }
    V view = signal.newView();
    long sink = 0;
    for (byte[] r : requests) {
      try {
        view.reset(json ? signal.jsonToProto(r) : r);
      } catch (MalformedRequestException e) {
        throw new IllegalStateException(e);
      }
      for (int i = 0, n = view.itemCount(); i < n; i++) {
        view.moveTo(i);
        if (columns) {
          mappers.get(view.table()).write(view);
        } else {
          sink += view.timestampMicros() + view.table();
        }
      }
    }
    for (ColumnsFile f : files) {
      f.close();
    }
    if (sink == 42) {
      System.out.print(""); // keeps the reads from being optimized away
    }
  }

  /**
   * The writer's path as its poller runs it, less Kafka and S3: every item past the dedup window into its table's
   * partitioned files (one per partition of {@code day(timestamp), service_name}, as in the writer) of tables in an
   * in-memory catalog, finished in this thread.
   */
  private static <V extends ItemView> void partitioned(WriterSignal<V> signal, List<byte[]> requests, int round)
      throws Exception {
    org.apache.iceberg.inmemory.InMemoryCatalog catalog = new org.apache.iceberg.inmemory.InMemoryCatalog();
    catalog.initialize("bench", java.util.Map.of());
    List<TableUnit<V>> units = signal.tables();
    List<io.otlake.writer.write.PartitionedFiles<V>> files = new ArrayList<>();
    io.otlake.writer.write.OpenFileBudget budget = new io.otlake.writer.write.OpenFileBudget(10_000);
    for (TableUnit<V> unit : units) {
      org.apache.iceberg.Table table = io.otlake.writer.table.Tables.loadOrCreate(catalog,
          org.apache.iceberg.catalog.TableIdentifier.of("otel", unit.defaultName() + "_" + round), unit.schema(),
          unit.spec(), unit.sortOrder(), unit.properties(128L << 20));
      files.add(new io.otlake.writer.write.PartitionedFiles<>(table, unit, 1, 1, budget, Runnable::run));
    }
    // the writer's default window; the bound of a 4 GiB heap's default (what the bench's rows fit in)
    io.otlake.writer.dedup.Dedup dedup = new io.otlake.writer.dedup.Dedup(java.time.Duration.ofMinutes(5), 2_000_000);
    long now = System.currentTimeMillis();
    V view = signal.newView();
    byte[] identity = new byte[24];
    for (byte[] r : requests) {
      try {
        view.reset(r);
      } catch (MalformedRequestException e) {
        throw new IllegalStateException(e);
      }
      for (int i = 0, n = view.itemCount(); i < n; i++) {
        view.moveTo(i);
        view.identity(identity);
        if (!dedup.seen(0, identity, now)) {
          files.get(view.table()).write(view);
        }
      }
    }
    for (io.otlake.writer.write.PartitionedFiles<V> f : files) {
      f.complete();
    }
  }

  /** The generic path: protobuf, the oracle's records, Iceberg's generic Parquet writer (or only the records). */
  private static void generic(BenchData data, List<byte[]> requests, boolean parquet) throws Exception {
    List<? extends TableUnit<?>> units = data.signal.tables();
    List<FileAppender<Record>> files = new ArrayList<>();
    for (TableUnit<?> unit : units) {
      files.add(parquet ? Parquet.write(new InMemoryOutputFile()).schema(unit.schema())
          .setAll(unit.properties(128L << 20))
          .createWriterFunc(type -> GenericParquetWriter.create(unit.schema(), type)).build() : null);
    }
    long[] count = new long[units.size()];
    for (byte[] r : requests) {
      data.decode(r, (row, table) -> {
        if (parquet) {
          files.get(table).add(row);
        } else {
          count[table]++;
        }
      });
    }
    for (FileAppender<Record> f : files) {
      if (f != null) {
        f.close();
      }
    }
  }
}
