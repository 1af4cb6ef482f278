package io.otlake.bench;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.otlake.proto.wire.ScannedTraces;
import io.otlake.writer.parquet.ColumnsFile;
import io.otlake.writer.signals.traces.SpanColumns;
import io.otlake.writer.signals.traces.SpanView;
import io.otlake.writer.signals.traces.TraceTable;
import io.otlake.writer.testing.DemoTelemetry;
import io.otlake.writer.testing.RichTelemetry;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.apache.iceberg.Files;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Bytes per span of compacted partitions at the size real traffic gives them. The compaction benchmark compacts
 * 150k-600k spans spread over 12 services and three days, so its partitions hold 4k-17k spans and its files pay
 * per-file costs (footers, dictionaries, compression warm-up) that a day of a real service spreads over millions of
 * spans. Here the spans of each partition (service and UTC day) are sorted by the table's sort order (start time)
 * and written as one file each with the table's writer and properties, as a compaction writes a partition below the
 * target file size; the figure is all files' bytes over all spans, with the bytes per column and what the rest of
 * the files hold (footers, page indexes, bloom filters).
 *
 * <p>{@code java -cp <bench classpath> io.otlake.bench.PartitionBytes [spans [lean|rich]]}; bench/run's compaction
 * step runs it too (600k spans, ~17k per partition on average; 2.4M, ~67k, in a full run).
 */
public final class PartitionBytes {
  private static final long DAY_NANOS = 86_400_000_000_000L;

  private PartitionBytes() {}

  public static void main(String[] args) throws Exception {
    int spans = args.length > 0 ? Integer.parseInt(args[0]) : 1_200_000;
    boolean rich = args.length <= 1 || args[1].equals("rich");
    Map<String, Object> m = measure(spans, rich);
    m.forEach((k, v) -> System.out.println(k + ": " + v));
  }

  /** One span with the resource and scope it came under. */
  private record Item(ResourceSpans resource, ScopeSpans scope, Span span) {}

  /**
   * Generates {@code spans} spans (two days of the rich data set starting at a UTC midnight, or the lean demo's
   * spans), writes each partition's spans sorted by start time into one file, and returns the figures.
   */
  static Map<String, Object> measure(int spans, boolean rich) throws Exception {
    long midnight = (System.currentTimeMillis() * 1_000_000L / DAY_NANOS - 3) * DAY_NANOS;
    IntFunction<ExportTraceServiceRequest> next = rich
        ? new RichTelemetry(11, midnight, spans)::request
        : new DemoTelemetry(11, midnight, 200, 1)::request;
    Map<String, List<Item>> partitions = new TreeMap<>();
    int generated = 0;
    while (generated < spans) {
      for (ResourceSpans rs : next.apply(512).getResourceSpansList()) {
        String service = serviceName(rs);
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span sp : ss.getSpansList()) {
            long day = Math.floorDiv(sp.getStartTimeUnixNano(), DAY_NANOS);
            partitions.computeIfAbsent(service + "/" + day, k -> new ArrayList<>()).add(new Item(rs, ss, sp));
            generated++;
          }
        }
      }
    }
    Map<String, Long> columns = new TreeMap<>();
    long[] rest = new long[5]; // row groups, footers, column indexes, offset indexes, bloom filters
    long bytes = 0;
    long largest = 0;
    Map<String, String> props = TraceTable.properties(512L << 20);
    SpanView view = new SpanView();
    for (List<Item> items : partitions.values()) {
      items.sort(Comparator.comparingLong(i -> i.span().getStartTimeUnixNano()));
      File file = File.createTempFile("otlake-partition-", ".parquet");
      file.delete();
      try {
        try (ColumnsFile out = new ColumnsFile(TraceTable.SCHEMA, props, Files.localOutput(file))) {
          SpanColumns writer = new SpanColumns(out);
          for (Item i : items) {
            byte[] one = ExportTraceServiceRequest.newBuilder().addResourceSpans(i.resource().toBuilder()
                .clearScopeSpans().addScopeSpans(i.scope().toBuilder().clearSpans().addSpans(i.span())))
                .build().toByteArray();
            view.reset(ScannedTraces.scan(one));
            view.moveTo(0);
            writer.write(view);
          }
        }
        bytes += file.length();
        largest = Math.max(largest, items.size());
        measureFile(file, columns, rest);
      } finally {
        file.delete();
      }
    }
    double n = generated;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("spans", generated);
    m.put("partitions", partitions.size());
    m.put("spans_per_partition_mean", Math.round(n / partitions.size()));
    m.put("spans_per_partition_max", largest);
    m.put("bytes_per_span", Results.round(bytes / n, 1));
    m.put("rest_of_files_bytes_per_span", Map.of(
        "row_groups", rest[0],
        "footers", Results.round(rest[1] / n, 2),
        "column_indexes", Results.round(rest[2] / n, 2),
        "offset_indexes", Results.round(rest[3] / n, 2),
        "bloom_filters", Results.round(rest[4] / n, 2)));
    Map<String, Object> perColumn = new LinkedHashMap<>();
    columns.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .forEach(e -> perColumn.put(e.getKey(), Results.round(e.getValue() / n, 2)));
    m.put("columns", perColumn);
    m.put("note", String.format(Locale.ROOT, "%s spans of two whole UTC days, each partition (service, day) sorted by"
        + " start time into one file with the trace table's writer and properties, as a compaction writes it",
        rich ? "rich" : "lean"));
    return m;
  }

  private static String serviceName(ResourceSpans rs) {
    for (KeyValue kv : rs.getResource().getAttributesList()) {
      if (kv.getKey().equals("service.name")) {
        return kv.getValue().getStringValue();
      }
    }
    return "";
  }

  /** Adds a file's compressed column chunks per top-level column, and its footer, indexes and bloom filters. */
  static void measureFile(File file, Map<String, Long> columns, long[] rest) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(file.toURI()), new org.apache.hadoop.conf.Configuration()))) {
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        rest[0]++;
        for (ColumnChunkMetaData c : block.getColumns()) {
          columns.merge(c.getPath().toDotString().split("\\.")[0], c.getTotalSize(), Long::sum);
          rest[2] += c.getColumnIndexReference() == null ? 0 : c.getColumnIndexReference().getLength();
          rest[3] += c.getOffsetIndexReference() == null ? 0 : c.getOffsetIndexReference().getLength();
          rest[4] += Math.max(0, c.getBloomFilterLength());
        }
      }
    }
    try (RandomAccessFile raf = new RandomAccessFile(file, "r")) {
      raf.seek(file.length() - 8);
      rest[1] += Integer.reverseBytes(raf.readInt());
    }
  }
}
