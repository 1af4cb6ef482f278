package io.otlake.writer.signals.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.otlake.writer.parquet.ColumnsFile;
import io.otlake.writer.signals.RowMapper;
import io.otlake.writer.signals.TableUnit;
import io.otlake.writer.testing.DemoMetrics;
import io.otlake.writer.testing.MetricRows;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.inmemory.InMemoryOutputFile;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every metric table written from the wire ({@link MetricView} and the table's mapper into a {@link ColumnsFile})
 * holds exactly the rows Iceberg's generic writer writes for the same points decoded by protobuf ({@link MetricRows}),
 * and its file reports the same Iceberg metrics: over demo metrics and hand-built requests with every field set and
 * unset, with the tables' properties and with tiny page, row-group and dictionary limits.
 */
class MetricTablesEquivalenceTest {
  private static final int TABLES = MetricsSignal.INSTANCE.tables().size();

  @ParameterizedTest
  @CsvSource({"false,v2", "true,v2", "false,v1", "true,v1"})
  void everyTableHoldsTheGenericWritersRowsAndMetrics(boolean tinyLimits, String encodings) throws Exception {
    DemoMetrics demo = new DemoMetrics(11, 1_800_000_000_123_456_789L);
    List<byte[]> requests = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      requests.add(demo.request(400).toByteArray());
    }
    requests.add(TestRequests.everyKind().toByteArray());
    Files files = write(requests, tinyLimits, encodings);
    for (int t = 0; t < TABLES; t++) {
      files.assertSame(t, 20);
    }
    if (tinyLimits) {
      assertThat(files.direct.get(MetricView.HISTOGRAM).footer().getBlocks()).as("row groups").hasSizeGreaterThan(1);
    }
  }

  /** Wire forms protobuf accepts but its builders never write read as protobuf reads them. */
  @Test
  void mergedAndUnpackedWireFormsReadAsProtobufReadsThem() throws Exception {
    long t = TestRequests.T;
    // a metric's gauge sent twice: protobuf concatenates the points
    byte[] gauge1 = WireBytes.len(5, WireBytes.len(1, NumberDataPoint.newBuilder().setTimeUnixNano(t).setAsInt(1)
        .build().toByteArray()));
    byte[] gauge2 = WireBytes.len(5, WireBytes.len(1, NumberDataPoint.newBuilder().setTimeUnixNano(t + 1)
        .setAsDouble(2).build().toByteArray()));
    byte[] twoGauges = WireBytes.concat(WireBytes.len(1, "g".getBytes()), gauge1, gauge2);
    // a sum sent twice, the second setting temporality and monotonic: every point gets them
    byte[] sum1 = WireBytes.len(7, WireBytes.len(1, NumberDataPoint.newBuilder().setTimeUnixNano(t).setAsInt(3)
        .build().toByteArray()));
    byte[] sum2 = WireBytes.len(7, WireBytes.concat(WireBytes.varint(2, 2), WireBytes.varint(3, 1)));
    byte[] twoSums = WireBytes.concat(WireBytes.len(1, "s".getBytes()), sum1, sum2);
    // a histogram with unpacked bucket counts and bounds, a value (as_double then as_int: the last wins)
    byte[] point = WireBytes.concat(WireBytes.fixed64(3, t), WireBytes.fixed64(6, 4), WireBytes.fixed64(7,
        Double.doubleToLongBits(1.5)), WireBytes.fixed64(6, 5), WireBytes.fixed64(4, 9),
        WireBytes.len(8, Exemplar.newBuilder().setAsDouble(1).setAsInt(8).build().toByteArray()));
    byte[] histogram = WireBytes.concat(WireBytes.len(1, "h".getBytes()), WireBytes.len(9, WireBytes.len(1, point)));
    // an exponential histogram whose positive buckets come twice (merged: last offset, counts appended), unpacked
    ExponentialHistogramDataPoint.Buckets b1 = ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(2)
        .addBucketCounts(1).build();
    byte[] b2 = WireBytes.concat(WireBytes.varint(1, 1 /* zigzag -1 */), WireBytes.varint(2, 6),
        WireBytes.varint(2, 7));
    byte[] expPoint = WireBytes.concat(WireBytes.fixed64(3, t), WireBytes.len(8, b1.toByteArray()),
        WireBytes.len(8, b2));
    byte[] exponential = WireBytes.concat(WireBytes.len(1, "e".getBytes()),
        WireBytes.len(10, WireBytes.len(1, expPoint)));
    byte[] request = WireBytes.request(twoGauges, twoSums, histogram, exponential);

    ExportMetricsServiceRequest parsed = ExportMetricsServiceRequest.parseFrom(request);
    Metric h = parsed.getResourceMetrics(0).getScopeMetrics(0).getMetrics(2);
    assertThat(h.getHistogram().getDataPoints(0).getBucketCountsList()).containsExactly(4L, 5L);
    assertThat(parsed.getResourceMetrics(0).getScopeMetrics(0).getMetrics(1).getSum().getIsMonotonic()).isTrue();
    assertThat(parsed.getResourceMetrics(0).getScopeMetrics(0).getMetrics(3).getExponentialHistogram()
        .getDataPoints(0).getPositive().getBucketCountsList()).containsExactly(1L, 6L, 7L);
    HistogramDataPoint hp = h.getHistogram().getDataPoints(0);
    assertThat(hp.getExemplars(0).getValueCase()).isEqualTo(Exemplar.ValueCase.AS_INT);

    Files files = write(List.of(request), false, "v2");
    List<Record> expected = new ArrayList<>();
    new MetricRows().decode(parsed, (row, table) -> expected.add(row));
    assertThat(expected).hasSize(5);
    for (int k = 0; k < MetricView.SUMMARY; k++) {
      files.assertSame(k, 1);
    }
    assertThat(files.direct(0)).hasSize(2);
    assertThat(files.direct(1).get(0).getField("is_monotonic")).isEqualTo(true);
  }

  /** The same requests written both ways, per table. */
  private static final class Files {
    final List<Schema> schemas = new ArrayList<>();
    final List<ColumnsFile> direct = new ArrayList<>();
    final List<InMemoryOutputFile> directOut = new ArrayList<>();
    final List<FileAppender<Record>> generic = new ArrayList<>();
    final List<InMemoryOutputFile> genericOut = new ArrayList<>();

    List<Record> direct(int table) throws Exception {
      return read(directOut.get(table), schemas.get(table));
    }

    void assertSame(int table, int minRows) throws Exception {
      List<Record> ours = direct(table);
      List<Record> theirs = read(genericOut.get(table), schemas.get(table));
      String name = MetricTable.ALL.get(table).defaultName();
      assertThat(ours).as(name).hasSizeGreaterThanOrEqualTo(minRows).hasSameSizeAs(theirs);
      for (int i = 0; i < ours.size(); i++) {
        assertThat(ours.get(i)).as("%s row %d", name, i).isEqualTo(theirs.get(i));
      }
      Metrics a = direct.get(table).metrics(MetricsConfig.getDefault());
      Metrics b = generic.get(table).metrics();
      assertThat(a.recordCount()).as(name).isEqualTo(b.recordCount()).isEqualTo(ours.size());
      assertThat(a.valueCounts()).as(name).isEqualTo(b.valueCounts());
      assertThat(a.nullValueCounts()).as(name).isEqualTo(b.nullValueCounts());
      assertThat(a.nanValueCounts()).as(name).isEqualTo(b.nanValueCounts());
      assertThat(a.lowerBounds()).as(name).isEqualTo(b.lowerBounds());
      assertThat(a.upperBounds()).as(name).isEqualTo(b.upperBounds());
    }
  }

  private static Files write(List<byte[]> requests, boolean tinyLimits, String encodings) throws Exception {
    Files f = new Files();
    List<RowMapper<MetricView>> mappers = new ArrayList<>();
    for (TableUnit<MetricView> unit : MetricsSignal.INSTANCE.tables()) {
      Map<String, String> props = new HashMap<>(unit.properties(128L << 20));
      props.put(ColumnsFile.ENCODINGS, encodings);
      if (tinyLimits) {
        props.put(TableProperties.PARQUET_PAGE_SIZE_BYTES, "2048");
        props.put(TableProperties.PARQUET_PAGE_ROW_LIMIT, "50");
        props.put(TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, "20000");
        props.put(TableProperties.PARQUET_DICT_SIZE_BYTES, "1000");
      }
      Schema schema = unit.schema();
      InMemoryOutputFile d = new InMemoryOutputFile();
      InMemoryOutputFile g = new InMemoryOutputFile();
      ColumnsFile file = new ColumnsFile(schema, props, d);
      f.schemas.add(schema);
      f.direct.add(file);
      f.directOut.add(d);
      f.genericOut.add(g);
      f.generic.add(Parquet.write(g).schema(schema).setAll(props)
          .createWriterFunc(type -> GenericParquetWriter.create(schema, type)).build());
      mappers.add(unit.mapper(file.rowWriter()));
    }
    MetricView view = MetricsSignal.INSTANCE.newView();
    MetricRows rows = new MetricRows();
    for (byte[] request : requests) {
      view.reset(request);
      for (int p = 0; p < view.itemCount(); p++) {
        view.moveTo(p);
        mappers.get(view.table()).write(view);
      }
      rows.decode(ExportMetricsServiceRequest.parseFrom(request), (row, table) -> f.generic.get(table).add(row));
    }
    for (int t = 0; t < TABLES; t++) {
      f.direct.get(t).close();
      f.generic.get(t).close();
    }
    return f;
  }

  private static List<Record> read(InMemoryOutputFile file, Schema schema) throws Exception {
    return io.otlake.writer.testing.ParquetRows.read(file.toInputFile(), schema);
  }
}
