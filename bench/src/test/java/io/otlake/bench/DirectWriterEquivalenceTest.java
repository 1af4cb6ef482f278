package io.otlake.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.otlake.proto.wire.ScannedTraces;
import io.otlake.writer.decode.SpanView;
import io.otlake.writer.table.TraceTable;
import io.otlake.writer.write.SpanParquetWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.inmemory.InMemoryOutputFile;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.junit.jupiter.api.Test;

/**
 * The writer's direct OTLP-to-Parquet path writes exactly the rows Iceberg's generic writer writes for the same
 * spans (decoded through protobuf and generic records), over demo data with every attribute type, events, errors.
 */
class DirectWriterEquivalenceTest {
  @Test
  void directAndGenericFilesHoldTheSameRows() throws Exception {
    DemoTelemetry demo = new DemoTelemetry(77, 1_800_000_000_123_456_789L, 100, 1);
    InMemoryOutputFile direct = new InMemoryOutputFile();
    InMemoryOutputFile generic = new InMemoryOutputFile();
    SpanView view = new SpanView();
    SpanRows rows = new SpanRows();
    try (FileAppender<SpanView> d = Parquet.write(direct).schema(TraceTable.SCHEMA)
            .createWriterFunc(type -> SpanParquetWriter.create(TraceTable.SCHEMA, type)).build();
        FileAppender<Record> g = Parquet.write(generic).schema(TraceTable.SCHEMA)
            .createWriterFunc(type -> GenericParquetWriter.create(TraceTable.SCHEMA, type)).build()) {
      for (int i = 0; i < 6; i++) {
        ExportTraceServiceRequest r = demo.request(300);
        ScannedTraces t = ScannedTraces.scan(r.toByteArray());
        view.reset(t);
        for (int s = 0; s < t.spanCount(); s++) {
          view.moveTo(s);
          d.add(view);
        }
        rows.decode(r, g::add);
      }
    }
    List<Record> fromDirect = read(direct);
    List<Record> fromGeneric = read(generic);
    assertThat(fromDirect).hasSizeGreaterThan(1500).hasSameSizeAs(fromGeneric);
    for (int i = 0; i < fromDirect.size(); i++) {
      assertThat(fromDirect.get(i)).as("row %d", i).isEqualTo(fromGeneric.get(i));
    }
  }

  private static List<Record> read(InMemoryOutputFile file) throws Exception {
    List<Record> out = new ArrayList<>();
    try (CloseableIterable<Record> it = Parquet.read(file.toInputFile()).project(TraceTable.SCHEMA)
        .createReaderFunc(type -> GenericParquetReaders.buildReader(TraceTable.SCHEMA, type)).build()) {
      it.forEach(out::add);
    }
    return out;
  }
}
