package io.otlake.bench;

import io.otlake.writer.testing.DemoTelemetry;


import io.otlake.proto.wire.ScannedTraces;
import io.otlake.writer.signals.traces.SpanView;
import io.otlake.writer.signals.traces.TraceTable;
import io.otlake.writer.parquet.ColumnsFile;
import io.otlake.writer.signals.traces.SpanColumns;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Files;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Where the bytes at rest go: writes demo spans of one service into one Parquet file with the writer's direct path,
 * the table's schema and properties, and prints compressed bytes per span for each top-level column and what the
 * rest of the file (footer, page indexes, bloom filters) holds. {@code java ... ColumnSizes [spans [v1|v2
 * [arrival|trace|name|name-trace|start [lean|rich]]]]}: the order re-sorts the same spans as a compaction could, to
 * show what a sort order buys ({@code start} is the table's sort order, what a compacted file holds); {@code rich}
 * takes issue 13's OpenTelemetry-demo-shaped spans instead of the lean demo's.
 */
public final class ColumnSizes {
  private ColumnSizes() {}

  public static void main(String[] args) throws Exception {
    int spans = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    boolean rich = args.length > 3 && args[3].equals("rich");
    java.util.function.IntFunction<ExportTraceServiceRequest> demo;
    if (rich) {
      // frontend holds about a third of the rich spans
      demo = new io.otlake.writer.testing.RichTelemetry(11, System.currentTimeMillis() * 1_000_000L, 3L * spans)::request;
    } else {
      demo = new DemoTelemetry(11, System.currentTimeMillis() * 1_000_000L, 200, 1)::request;
    }
    File file = File.createTempFile("otlake-columns-", ".parquet");
    file.delete();
    Map<String, String> props = new java.util.HashMap<>(TraceTable.properties(512L << 20));
    if (args.length > 1) {
      props.put(io.otlake.writer.parquet.ColumnsFile.ENCODINGS, args[1]);
    }
    String order = args.length > 2 ? args[2] : "arrival";
    int written = 0;
    SpanView view = new SpanView();
    try (ColumnsFile out = new ColumnsFile(TraceTable.SCHEMA, props, Files.localOutput(file))) {
      SpanColumns columns = new SpanColumns(out);
      if (order.equals("arrival")) {
        while (written < spans) {
          ScannedTraces t = ScannedTraces.scan(demo.apply(512).toByteArray());
          view.reset(t);
          for (int s = 0; s < t.spanCount(); s++) {
            view.moveTo(s);
            if ("frontend".equals(view.serviceName())) {
              columns.write(view);
              written++;
            }
          }
        }
      } else {
        // the same spans, re-ordered as a compaction could: each as a one-span request in the chosen order
        List<ExportTraceServiceRequest> one = new ArrayList<>();
        while (one.size() < spans) {
          for (ResourceSpans rs : demo.apply(512).getResourceSpansList()) {
            boolean frontend = rs.getResource().getAttributesList().stream().anyMatch(kv ->
                kv.getKey().equals("service.name") && kv.getValue().getStringValue().equals("frontend"));
            if (!frontend) {
              continue;
            }
            for (ScopeSpans ss : rs.getScopeSpansList()) {
              for (Span sp : ss.getSpansList()) {
                one.add(ExportTraceServiceRequest.newBuilder().addResourceSpans(rs.toBuilder().clearScopeSpans()
                    .addScopeSpans(ss.toBuilder().clearSpans().addSpans(sp))).build());
              }
            }
          }
        }
        Comparator<Span> byTrace = Comparator.comparing(sp -> sp.getTraceId().toStringUtf8());
        Comparator<Span> byStart = Comparator.comparingLong(Span::getStartTimeUnixNano);
        Comparator<Span> byName = Comparator.comparing(Span::getName);
        Comparator<Span> cmp = switch (order) {
          case "trace" -> byTrace.thenComparing(byStart);
          case "name" -> byName.thenComparing(byStart);
          case "name-trace" -> byName.thenComparing(byTrace).thenComparing(byStart);
          case "start" -> byStart;
          default -> throw new IllegalArgumentException("order: arrival, trace, name, name-trace or start");
        };
        one.sort(Comparator.comparing(r -> r.getResourceSpans(0).getScopeSpans(0).getSpans(0), cmp));
        for (ExportTraceServiceRequest r : one.subList(0, spans)) {
          ScannedTraces t = ScannedTraces.scan(r.toByteArray());
          view.reset(t);
          view.moveTo(0);
          columns.write(view);
          written++;
        }
      }
    }
    final int rowCount = written;
    Map<String, Long> bytes = new TreeMap<>();
    long[] rest = new long[5]; // row groups, footer, column indexes, offset indexes, bloom filters
    PartitionBytes.measureFile(file, bytes, rest);
    long total = bytes.values().stream().mapToLong(Long::longValue).sum();
    System.out.printf(Locale.ROOT, "%d %s spans of service frontend, " + order + " order, file %d bytes, %.1f bytes/span (columns %.1f)%n",
        rowCount, rich ? "rich" : "lean", file.length(), (double) file.length() / rowCount, (double) total / rowCount);
    System.out.printf(Locale.ROOT, "  rest of the file: %d row groups, footer %.2f, column indexes %.2f, offset indexes %.2f,"
        + " bloom filters %.2f B/span%n", rest[0], rest[1] / (double) rowCount, rest[2] / (double) rowCount,
        rest[3] / (double) rowCount, rest[4] / (double) rowCount);
    bytes.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .forEach(e -> System.out.printf(Locale.ROOT, "  %-36s %6.2f B/span%n", e.getKey(),
            (double) e.getValue() / rowCount));
    file.delete();
  }
}
