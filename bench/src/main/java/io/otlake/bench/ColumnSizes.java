package io.otlake.bench;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.otlake.writer.decode.SpanRows;
import io.otlake.writer.table.TraceTable;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Files;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Where the bytes at rest go: writes demo spans of one service into one Parquet file with the table's schema and
 * properties, and prints compressed bytes per span for each top-level column. {@code java ... ColumnSizes [spans]}.
 */
public final class ColumnSizes {
  private ColumnSizes() {}

  public static void main(String[] args) throws Exception {
    int spans = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    DemoTelemetry demo = new DemoTelemetry(11, System.currentTimeMillis() * 1_000_000L, 200, 1);
    SpanRows decoder = new SpanRows();
    List<Record> rows = new ArrayList<>();
    while (rows.size() < spans) {
      ExportTraceServiceRequest r = demo.request(512);
      decoder.decode(r, row -> {
        if ("frontend".equals(row.getField("service_name"))) {
          rows.add(row);
        }
      });
    }
    File file = File.createTempFile("otlake-columns-", ".parquet");
    file.delete();
    Map<String, String> props = TraceTable.properties(512L << 20);
    try (FileAppender<Record> out = Parquet.write(Files.localOutput(file))
        .schema(TraceTable.SCHEMA)
        .setAll(props)
        .createWriterFunc(type -> GenericParquetWriter.create(TraceTable.SCHEMA, type))
        .build()) {
      out.addAll(rows);
    }
    Map<String, Long> bytes = new TreeMap<>();
    long total = 0;
    try (ParquetFileReader reader = ParquetFileReader.open(
        HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toURI()), new org.apache.hadoop.conf.Configuration()))) {
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        for (ColumnChunkMetaData c : block.getColumns()) {
          String top = c.getPath().toDotString().split("\\.")[0];
          bytes.merge(top, c.getTotalSize(), Long::sum);
          total += c.getTotalSize();
        }
      }
    }
    System.out.printf(Locale.ROOT, "%d spans of service frontend, file %d bytes, %.1f bytes/span (columns %.1f)%n",
        rows.size(), file.length(), (double) file.length() / rows.size(), (double) total / rows.size());
    bytes.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .forEach(e -> System.out.printf(Locale.ROOT, "  %-36s %6.2f B/span%n", e.getKey(),
            (double) e.getValue() / rows.size()));
    file.delete();
  }
}
