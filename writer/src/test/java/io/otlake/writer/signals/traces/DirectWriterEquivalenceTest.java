package io.otlake.writer.signals.traces;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.otlake.proto.wire.ScannedTraces;
import io.otlake.writer.parquet.ColumnsFile;
import io.otlake.writer.testing.DemoTelemetry;
import io.otlake.writer.testing.SpanRows;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.inmemory.InMemoryOutputFile;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The writer's direct OTLP-to-Parquet path ({@link SpanColumns} into a {@link ColumnsFile}) writes exactly the rows
 * Iceberg's generic writer writes for the same spans (decoded through protobuf and generic records), over demo data
 * with every attribute type, events, errors; and the file reports the same Iceberg metrics. Run with the table's
 * properties and with tiny page, row-group and dictionary limits, so that many pages, row groups and dictionary
 * fall-backs (mid-chunk and at the first page) are crossed.
 */
class DirectWriterEquivalenceTest {
  @ParameterizedTest
  @CsvSource({"false,v2", "true,v2", "false,v1", "true,v1"})
  void directAndGenericFilesHoldTheSameRowsAndMetrics(boolean tinyLimits, String encodings) throws Exception {
    Map<String, String> props = new HashMap<>(TraceTable.properties(128L << 20));
    props.put(ColumnsFile.ENCODINGS, encodings);
    if (tinyLimits) {
      props.put(TableProperties.PARQUET_PAGE_SIZE_BYTES, "4096");
      props.put(TableProperties.PARQUET_PAGE_ROW_LIMIT, "100");
      props.put(TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, "40000");
      props.put(TableProperties.PARQUET_DICT_SIZE_BYTES, "3000");
    }
    DemoTelemetry demo = new DemoTelemetry(77, 1_800_000_000_123_456_789L, 100, 1);
    InMemoryOutputFile direct = new InMemoryOutputFile();
    InMemoryOutputFile generic = new InMemoryOutputFile();
    SpanView view = new SpanView();
    SpanRows rows = new SpanRows();
    ColumnsFile d = new ColumnsFile(TraceTable.SCHEMA, props, direct);
    SpanColumns columns = new SpanColumns(d);
    FileAppender<Record> g = Parquet.write(generic).schema(TraceTable.SCHEMA).setAll(props)
        .createWriterFunc(type -> GenericParquetWriter.create(TraceTable.SCHEMA, type)).build();
    for (int i = 0; i < 6; i++) {
      ExportTraceServiceRequest r = demo.request(300);
      ScannedTraces t = ScannedTraces.scan(r.toByteArray());
      view.reset(t);
      for (int s = 0; s < t.spanCount(); s++) {
        view.moveTo(s);
        columns.write(view);
      }
      rows.decode(r, g::add);
    }
    d.close();
    g.close();

    List<Record> fromDirect = read(direct);
    List<Record> fromGeneric = read(generic);
    assertThat(fromDirect).hasSizeGreaterThan(1500).hasSameSizeAs(fromGeneric);
    for (int i = 0; i < fromDirect.size(); i++) {
      assertThat(fromDirect.get(i)).as("row %d", i).isEqualTo(fromGeneric.get(i));
    }

    Metrics ours = d.metrics(MetricsConfig.getDefault());
    Metrics theirs = g.metrics();
    assertThat(ours.recordCount()).isEqualTo(theirs.recordCount()).isEqualTo(fromDirect.size());
    assertThat(ours.valueCounts()).isEqualTo(theirs.valueCounts());
    assertThat(ours.nullValueCounts()).isEqualTo(theirs.nullValueCounts());
    assertThat(ours.nanValueCounts()).isEqualTo(theirs.nanValueCounts());
    assertThat(ours.lowerBounds()).isEqualTo(theirs.lowerBounds());
    assertThat(ours.upperBounds()).isEqualTo(theirs.upperBounds());
    assertThat(d.splitOffsets()).hasSize(d.footer().getBlocks().size());

    Encodings seen = encodings(direct);
    if (tinyLimits) {
      assertThat(d.footer().getBlocks()).hasSizeGreaterThan(1);
      assertThat(seen.mixed).as("a chunk with dictionary pages then plain pages").isPositive();
    }
    assertThat(seen.dictionary).as("chunks with dictionary pages").isPositive();
    assertThat(seen.plain).as("chunks with non-dictionary pages").isPositive();
    if (encodings.equals("v2")) {
      assertThat(seen.all).contains(Encoding.DELTA_BYTE_ARRAY, Encoding.DELTA_BINARY_PACKED);
    } else {
      assertThat(seen.all).doesNotContain(Encoding.DELTA_BYTE_ARRAY, Encoding.DELTA_BINARY_PACKED);
    }
  }

  private static final class Encodings {
    final java.util.Set<Encoding> all = java.util.EnumSet.noneOf(Encoding.class);
    int dictionary;
    int plain;
    int mixed;
  }

  private static Encodings encodings(InMemoryOutputFile file) throws Exception {
    Encodings e = new Encodings();
    java.nio.file.Path local = java.nio.file.Files.createTempFile("otlake-equivalence-", ".parquet");
    java.nio.file.Files.write(local, file.toByteArray());
    try (ParquetFileReader reader = ParquetFileReader.open(new org.apache.parquet.io.LocalInputFile(local))) {
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        for (ColumnChunkMetaData c : block.getColumns()) {
          e.all.addAll(c.getEncodings());
          boolean dict = c.getEncodings().contains(Encoding.PLAIN_DICTIONARY);
          boolean plain = c.getEncodings().contains(Encoding.PLAIN)
              || c.getEncodings().contains(Encoding.DELTA_BYTE_ARRAY);
          e.dictionary += dict ? 1 : 0;
          e.plain += plain ? 1 : 0;
          e.mixed += dict && plain && c.getPrimitiveType().getPrimitiveTypeName()
              == org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY ? 1 : 0;
        }
      }
    } finally {
      java.nio.file.Files.delete(local);
    }
    return e;
  }

  private static List<Record> read(InMemoryOutputFile file) throws Exception {
    return io.otlake.writer.testing.ParquetRows.read(file.toInputFile(), TraceTable.SCHEMA);
  }
}
