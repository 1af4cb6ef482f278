package io.otlake.writer.signals.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.otlake.writer.parquet.ColumnsFile;
import io.otlake.writer.signals.RowMapper;
import io.otlake.writer.testing.DemoLogs;
import io.otlake.writer.testing.LogRows;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The writer's path for logs ({@link LogView} over the wire bytes, {@link LogColumns} into a {@link ColumnsFile})
 * writes exactly the rows Iceberg's generic writer writes for the same log records decoded through protobuf
 * ({@link LogRows}), over demo logs with every body type, traced and untraced records and records with only an
 * observed time; and the file reports the same Iceberg metrics. With the table's properties and with tiny page,
 * row-group and dictionary limits, in both encodings.
 */
class LogsEquivalenceTest {
  @ParameterizedTest
  @CsvSource({"false,v2", "true,v2", "true,v1"})
  void directAndGenericFilesHoldTheSameRowsAndMetrics(boolean tinyLimits, String encodings) throws Exception {
    Map<String, String> props = new HashMap<>(LogTable.INSTANCE.properties(128L << 20));
    props.put(ColumnsFile.ENCODINGS, encodings);
    if (tinyLimits) {
      props.put(TableProperties.PARQUET_PAGE_SIZE_BYTES, "4096");
      props.put(TableProperties.PARQUET_PAGE_ROW_LIMIT, "100");
      props.put(TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, "40000");
      props.put(TableProperties.PARQUET_DICT_SIZE_BYTES, "3000");
    }
    DemoLogs demo = new DemoLogs(41, 1_800_000_000_123_456_789L);
    InMemoryOutputFile direct = new InMemoryOutputFile();
    InMemoryOutputFile generic = new InMemoryOutputFile();
    LogView view = LogsSignal.INSTANCE.newView();
    LogRows rows = new LogRows();
    ColumnsFile d = new ColumnsFile(LogTable.SCHEMA, props, direct);
    RowMapper<LogView> columns = LogTable.INSTANCE.mapper(d.rowWriter());
    FileAppender<Record> g = Parquet.write(generic).schema(LogTable.SCHEMA).setAll(props)
        .createWriterFunc(type -> GenericParquetWriter.create(LogTable.SCHEMA, type)).build();
    for (int i = 0; i < 6; i++) {
      ExportLogsServiceRequest r = demo.request(400);
      view.reset(r.toByteArray());
      assertThat(view.itemCount()).isEqualTo(400);
      for (int s = 0; s < view.itemCount(); s++) {
        view.moveTo(s);
        assertThat(view.table()).isZero();
        columns.write(view);
      }
      rows.decode(r, g::add);
    }
    d.close();
    g.close();

    List<Record> fromDirect = read(direct);
    List<Record> fromGeneric = read(generic);
    assertThat(fromDirect).hasSize(2400).hasSameSizeAs(fromGeneric);
    for (int i = 0; i < fromDirect.size(); i++) {
      assertThat(fromDirect.get(i)).as("row %d", i).isEqualTo(fromGeneric.get(i));
    }
    // the demo covers what the comparison is about
    assertThat(fromDirect).extracting(r -> r.getField("body_type")).contains(null, "kvlist", "int", "double", "bool",
        "bytes", "array"); // an empty AnyValue body is no body (null), as a record without one
    assertThat(fromDirect).anyMatch(r -> r.getField("body") == null);
    assertThat(fromDirect).anyMatch(r -> r.getField("time_unix_nano") == null);
    assertThat(fromDirect).anyMatch(r -> r.getField("trace_id") == null);
    assertThat(fromDirect).anyMatch(r -> r.getField("trace_id") != null);
    assertThat(fromDirect).anyMatch(r -> String.valueOf(r.getField("body")).startsWith("{\"message\":\"order placed\""));

    Metrics ours = d.metrics(MetricsConfig.getDefault());
    Metrics theirs = g.metrics();
    assertThat(ours.recordCount()).isEqualTo(theirs.recordCount()).isEqualTo(fromDirect.size());
    assertThat(ours.valueCounts()).isEqualTo(theirs.valueCounts());
    assertThat(ours.nullValueCounts()).isEqualTo(theirs.nullValueCounts());
    assertThat(ours.nanValueCounts()).isEqualTo(theirs.nanValueCounts());
    assertThat(ours.lowerBounds()).isEqualTo(theirs.lowerBounds());
    assertThat(ours.upperBounds()).isEqualTo(theirs.upperBounds());
    if (tinyLimits) {
      assertThat(d.footer().getBlocks()).hasSizeGreaterThan(1);
    }
  }

  private static List<Record> read(InMemoryOutputFile file) throws Exception {
    return io.otlake.writer.testing.ParquetRows.read(file.toInputFile(), LogTable.SCHEMA);
  }
}
