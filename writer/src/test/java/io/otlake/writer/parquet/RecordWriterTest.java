package io.otlake.writer.parquet;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otlake.writer.signals.logs.LogTable;
import io.otlake.writer.signals.metrics.MetricTable;
import io.otlake.writer.signals.traces.TraceTable;
import io.otlake.writer.testing.DemoLogs;
import io.otlake.writer.testing.DemoMetrics;
import io.otlake.writer.testing.LogRows;
import io.otlake.writer.testing.MetricRows;
import io.otlake.writer.testing.RichTelemetry;
import io.otlake.writer.testing.SpanRows;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.inmemory.InMemoryOutputFile;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link RecordWriter} (compaction's writer) against Iceberg's generic Parquet writer as the oracle, on compaction's
 * path: records are written by the generic writer, read back by Iceberg's generic reader, and those read records
 * written again through {@link RecordWriter}; read back, its file holds exactly the rows of the generic file, row for
 * row, with the same Iceberg metrics. Over the synthetic schema of every primitive type nested in structs, lists and
 * maps (nulls, empty lists and maps, NaN, long strings) and over every table the writer owns (traces on rich demo
 * spans, logs, the five metric tables), under both encodings and tiny page, row-group and dictionary limits.
 */
class RecordWriterTest {
  @ParameterizedTest
  @CsvSource({"false,v2", "true,v2", "false,v1", "true,v1"})
  void everyPrimitiveTypeNestedRoundTripsAsTheGenericWriterWritesIt(boolean tiny, String encodings)
      throws Exception {
    Map<String, String> props = new HashMap<>();
    props.put(TableProperties.PARQUET_COMPRESSION, "zstd");
    limits(props, tiny, encodings);
    check(SchemaDrivenEquivalenceTest.SCHEMA, props, new SchemaDrivenEquivalenceTest.Records(7).make(1500));
  }

  @ParameterizedTest
  @CsvSource({"false,v2", "true,v2", "false,v1"})
  void everyTableTheWriterOwnsRoundTrips(boolean tiny, String encodings) throws Exception {
    List<Record> spans = new ArrayList<>();
    RichTelemetry rich = new RichTelemetry(5, 1_800_000_000_000_000_000L, 3000);
    SpanRows spanRows = new SpanRows();
    while (spans.size() < 3000) {
      spanRows.decode(rich.request(300), spans::add);
    }
    Map<String, String> traceProps = new HashMap<>(TraceTable.properties(128L << 20));
    limits(traceProps, tiny, encodings);
    check(TraceTable.SCHEMA, traceProps, spans);

    List<Record> logs = new ArrayList<>();
    DemoLogs demoLogs = new DemoLogs(5, 1_800_000_000_000_000_000L);
    LogRows logRows = new LogRows();
    while (logs.size() < 2000) {
      logs.addAll(logRows.rows(demoLogs.request(200)));
    }
    Map<String, String> logProps = new HashMap<>(LogTable.INSTANCE.properties(128L << 20));
    limits(logProps, tiny, encodings);
    check(LogTable.SCHEMA, logProps, logs);

    List<List<Record>> points = new ArrayList<>();
    MetricTable.ALL.forEach(t -> points.add(new ArrayList<>()));
    DemoMetrics demoMetrics = new DemoMetrics(5, 1_800_000_000_000_000_000L);
    MetricRows metricRows = new MetricRows();
    for (int i = 0; i < 20; i++) {
      List<List<Record>> rows = metricRows.rows(demoMetrics.request(200));
      for (int t = 0; t < rows.size(); t++) {
        points.get(t).addAll(rows.get(t));
      }
    }
    for (int t = 0; t < MetricTable.ALL.size(); t++) {
      MetricTable table = MetricTable.ALL.get(t);
      assertThat(points.get(t)).as("rows of %s", table).isNotEmpty();
      Map<String, String> props = new HashMap<>(table.properties(128L << 20));
      limits(props, tiny, encodings);
      check(table.schema(), props, points.get(t));
    }
  }

  @Test
  void aMapOfStringsWithNullValuesAndEmptyMapsAndLists() throws Exception {
    Schema schema = new Schema(
        required(1, "id", Types.LongType.get()),
        optional(2, "m", Types.MapType.ofOptional(3, 4, Types.StringType.get(), Types.StringType.get())),
        required(5, "req", Types.MapType.ofRequired(6, 7, Types.StringType.get(), Types.StringType.get())),
        optional(8, "l", Types.ListType.ofOptional(9, Types.StringType.get())));
    List<Record> rows = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Record r = GenericRecord.create(schema);
      r.setField("id", (long) i);
      Map<String, String> m = new LinkedHashMap<>();
      for (int k = 0; k < i % 4; k++) {
        m.put("k" + k, (i + k) % 3 == 0 ? null : "v" + (i * k));
      }
      r.setField("m", i % 7 == 0 ? null : m);
      Map<String, String> req = new LinkedHashMap<>();
      for (int k = 0; k < i % 3; k++) {
        req.put("r" + k, "ü" + k);
      }
      r.setField("req", req);
      List<String> l = new ArrayList<>();
      for (int k = 0; k < i % 3; k++) {
        l.add(k == 1 ? null : "e" + k);
      }
      r.setField("l", i % 5 == 0 ? null : l);
      rows.add(r);
    }
    check(schema, Map.of(), rows);
  }

  @Test
  void aNullInARequiredFieldOrAValueOfTheWrongTypeFailsNamingTheField() {
    Schema schema = new Schema(required(1, "id", Types.LongType.get()), optional(2, "s", Types.StringType.get()));
    ColumnsFile file = new ColumnsFile(schema, Map.of(), new InMemoryOutputFile());
    RecordWriter w = new RecordWriter(file, schema);
    Record r = GenericRecord.create(schema);
    assertThatThrownBy(() -> w.write(r)).hasMessageContaining("id");
    ColumnsFile other = new ColumnsFile(schema, Map.of(), new InMemoryOutputFile());
    RecordWriter w2 = new RecordWriter(other, schema);
    Record bad = GenericRecord.create(schema);
    bad.setField("id", 1L);
    bad.set(1, 42);
    assertThatThrownBy(() -> w2.write(bad)).hasMessageContaining("field s");
  }

  private static void limits(Map<String, String> props, boolean tiny, String encodings) {
    props.put(ColumnsFile.ENCODINGS, encodings);
    if (tiny) {
      props.put(TableProperties.PARQUET_PAGE_SIZE_BYTES, "2048");
      props.put(TableProperties.PARQUET_PAGE_ROW_LIMIT, "50");
      props.put(TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, "30000");
      props.put(TableProperties.PARQUET_DICT_SIZE_BYTES, "1000");
    }
  }

  /** Generic writer, generic reader, then RecordWriter on what was read: the same rows and metrics as the oracle. */
  private static void check(Schema schema, Map<String, String> props, List<Record> records) throws Exception {
    InMemoryOutputFile generic = new InMemoryOutputFile();
    FileAppender<Record> g = Parquet.write(generic).schema(schema).setAll(props)
        .createWriterFunc(type -> GenericParquetWriter.create(schema, type)).build();
    for (Record r : records) {
      g.add(r);
    }
    g.close();
    List<Record> read = read(schema, generic);
    assertThat(read).hasSize(records.size());

    InMemoryOutputFile ours = new InMemoryOutputFile();
    ColumnsFile file = new ColumnsFile(schema, props, ours);
    RecordWriter w = new RecordWriter(file, schema);
    read.forEach(w::write);
    file.close();
    List<Record> again = read(schema, ours);
    assertThat(again).hasSameSizeAs(read);
    for (int i = 0; i < read.size(); i++) {
      assertThat(again.get(i)).as("row %d", i).isEqualTo(read.get(i));
    }

    Metrics expected = g.metrics();
    Metrics actual = file.metrics(MetricsConfig.getDefault());
    assertThat(actual.recordCount()).isEqualTo(expected.recordCount());
    assertThat(actual.valueCounts()).isEqualTo(expected.valueCounts());
    assertThat(actual.nullValueCounts()).isEqualTo(expected.nullValueCounts());
    assertThat(actual.nanValueCounts()).isEqualTo(expected.nanValueCounts());
    assertThat(actual.lowerBounds()).isEqualTo(expected.lowerBounds());
    assertThat(actual.upperBounds()).isEqualTo(expected.upperBounds());
  }

  private static List<Record> read(Schema schema, InMemoryOutputFile file) throws Exception {
    return io.otlake.writer.testing.ParquetRows.read(file.toInputFile(), schema);
  }
}
