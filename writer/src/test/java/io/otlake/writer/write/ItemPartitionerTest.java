package io.otlake.writer.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otlake.writer.signals.traces.SpanView;
import io.otlake.writer.signals.ItemView;
import io.otlake.writer.signals.TableUnit;
import io.otlake.writer.signals.WriterSignal;
import io.otlake.writer.signals.logs.LogsSignal;
import io.otlake.writer.signals.metrics.MetricsSignal;
import io.otlake.writer.signals.traces.TracesSignal;
import io.otlake.writer.table.Tables;
import io.otlake.writer.testing.DemoLogs;
import io.otlake.writer.testing.DemoMetrics;
import io.otlake.writer.testing.DemoTelemetry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Files written under specs other than {@code day(timestamp), service_name}: every row's partition, as Iceberg's own
 * {@link PartitionKey} computes it from the row read back with Iceberg's generic reader, is its file's partition; and
 * specs the writer cannot compute are refused naming the table and the field.
 */
class ItemPartitionerTest {
  private static final long START = 1_800_000_000_000_000_000L;
  private InMemoryCatalog catalog;

  @BeforeEach
  void catalog() {
    catalog = new InMemoryCatalog();
    catalog.initialize("test", Map.of());
  }

  private <V extends ItemView> Table create(String name, TableUnit<V> unit,
      Function<PartitionSpec.Builder, PartitionSpec.Builder> spec) {
    return Tables.loadOrCreate(catalog, TableIdentifier.of("otel", name), unit.schema(),
        spec.apply(PartitionSpec.builderFor(unit.schema())).build(), unit.sortOrder(), unit.properties(128L << 20));
  }

  private static List<byte[]> traces() {
    DemoTelemetry demo = new DemoTelemetry(7, START, 100, 1);
    List<byte[]> requests = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      requests.add(demo.request(300).toByteArray());
    }
    return requests;
  }

  @Test
  void theDefaultSpecStillPartitionsByDayAndService() throws Exception {
    TableUnit<SpanView> unit = TracesSignal.INSTANCE.tables().get(0);
    Table table = create("traces", unit, b -> b.day("timestamp").identity("service_name"));
    assertAgrees(table, write(table, TracesSignal.INSTANCE, 0, traces()), 5);
  }

  @Test
  void hourAndBucketOfTheTraceId() throws Exception {
    TableUnit<SpanView> unit = TracesSignal.INSTANCE.tables().get(0);
    Table table = create("traces", unit, b -> b.hour("timestamp").bucket("trace_id", 8));
    List<DataFile> files = write(table, TracesSignal.INSTANCE, 0, traces());
    assertAgrees(table, files, 8);
    // one trace's spans share a bucket, so a lookup by trace id reads one partition
    Map<String, Set<String>> partitionsOfTrace = new java.util.HashMap<>();
    for (DataFile f : files) {
      for (Record r : read(table, f)) {
        partitionsOfTrace.computeIfAbsent((String) r.getField("trace_id"), k -> new HashSet<>())
            .add(f.partition().toString());
      }
    }
    assertThat(partitionsOfTrace.values()).allSatisfy(p -> assertThat(p).hasSize(1));
  }

  @Test
  void monthTruncateIdentityOfIntsAndBucketOfLongs() throws Exception {
    TableUnit<SpanView> unit = TracesSignal.INSTANCE.tables().get(0);
    Table table = create("traces", unit, b -> b.month("end_timestamp").truncate("operation_name", 4)
        .identity("status_code").bucket("flags", 3).truncate("dropped_attributes_count", 10).identity("span_kind")
        .year("timestamp"));
    assertAgrees(table, write(table, TracesSignal.INSTANCE, 0, traces()), 4);
  }

  /**
   * One resource's spans on both sides of midnight and of hour boundaries, in an order that goes back and forth:
   * the partitioner keeps a day's (or hour's) result only while the timestamps stay inside it, so every row still
   * lands in the partition Iceberg computes for it.
   */
  @Test
  void timestampsAcrossDayAndHourBoundariesOfOneResource() throws Exception {
    long midnight = 20_000L * 86_400_000_000_000L; // a midnight, in nanoseconds
    long hour = 3_600_000_000_000L;
    long[] offsets = {-1_000, 0, 1_000, -1, hour - 1_000, hour, -hour, 5 * hour + 999, 1, -86_400_000_000_000L,
        86_400_000_000_000L - 1_000, 86_400_000_000_000L, 0};
    var scope = io.opentelemetry.proto.trace.v1.ScopeSpans.newBuilder();
    for (int i = 0; i < offsets.length; i++) {
      byte[] spanId = new byte[8];
      spanId[7] = (byte) (i + 1);
      byte[] traceId = new byte[16];
      traceId[15] = 1;
      scope.addSpans(io.opentelemetry.proto.trace.v1.Span.newBuilder()
          .setTraceId(com.google.protobuf.ByteString.copyFrom(traceId))
          .setSpanId(com.google.protobuf.ByteString.copyFrom(spanId)).setName("op")
          .setStartTimeUnixNano(midnight + offsets[i]).setEndTimeUnixNano(midnight + offsets[i] + 5_000));
    }
    byte[] request = io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(io.opentelemetry.proto.trace.v1.ResourceSpans.newBuilder()
            .setResource(io.opentelemetry.proto.resource.v1.Resource.newBuilder().addAttributes(
                io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey("service.name").setValue(
                    io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("checkout"))))
            .addScopeSpans(scope))
        .build().toByteArray();
    TableUnit<SpanView> unit = TracesSignal.INSTANCE.tables().get(0);
    Table byDay = create("traces_day", unit, b -> b.day("timestamp").identity("service_name"));
    assertAgrees(byDay, write(byDay, TracesSignal.INSTANCE, 0, List.of(request)), 3);
    Table byHour = create("traces_hour", unit, b -> b.hour("timestamp").hour("end_timestamp"));
    assertAgrees(byHour, write(byHour, TracesSignal.INSTANCE, 0, List.of(request)), 6);
  }

  @Test
  void anUnpartitionedTableGetsOneFile() throws Exception {
    TableUnit<SpanView> unit = TracesSignal.INSTANCE.tables().get(0);
    Table table = create("traces", unit, b -> b);
    List<DataFile> files = write(table, TracesSignal.INSTANCE, 0, traces());
    assertThat(files).hasSize(1);
    assertAgrees(table, files, 1);
  }

  @Test
  void logsByNullableColumns() throws Exception {
    TableUnit<io.otlake.writer.signals.logs.LogView> unit = LogsSignal.INSTANCE.tables().get(0);
    Table table = create("logs", unit, b -> b.identity("severity_text").day("observed_timestamp")
        .bucket("trace_id", 4).identity("body_type").identity("time_unix_nano"));
    DemoLogs demo = new DemoLogs(3, START);
    List<byte[]> requests = List.of(demo.request(400).toByteArray(), demo.request(400).toByteArray());
    List<DataFile> files = write(table, LogsSignal.INSTANCE, 0, requests);
    assertAgrees(table, files, 10);
    // untraced records (null trace_id) and records with no body type land in null partitions
    assertThat(files).anySatisfy(f -> assertThat(f.partition().get(2, Integer.class)).isNull());
    assertThat(files).anySatisfy(f -> assertThat(f.partition().get(3, String.class)).isNull());
  }

  @Test
  void metricsByNameHourAndTemporality() throws Exception {
    int sum = 1;
    TableUnit<io.otlake.writer.signals.metrics.MetricView> unit = MetricsSignal.INSTANCE.tables().get(sum);
    Table table = create("metrics_sum", unit, b -> b.identity("metric_name").hour("timestamp")
        .identity("aggregation_temporality").identity("is_monotonic").truncate("scope_name", 6));
    DemoMetrics demo = new DemoMetrics(5, START);
    List<byte[]> requests = List.of(demo.request(2000).toByteArray(), demo.request(2000).toByteArray());
    assertAgrees(table, write(table, MetricsSignal.INSTANCE, sum, requests), 2);
  }

  @Test
  void anOperatorsSpecEvolutionIsFollowedByTheNextFiles() throws Exception {
    TableUnit<SpanView> unit = TracesSignal.INSTANCE.tables().get(0);
    Table table = create("traces", unit, b -> b.day("timestamp").identity("service_name"));
    List<DataFile> before = write(table, TracesSignal.INSTANCE, 0, traces());
    commit(table, before);
    int original = table.spec().specId();
    table.updateSpec().removeField("service_name").addField(Expressions.bucket("span_id", 4))
        .addField("span_kind").commit();
    assertThat(table.spec().specId()).isNotEqualTo(original);
    List<DataFile> after = write(table, TracesSignal.INSTANCE, 0, traces());
    assertThat(after).allSatisfy(f -> assertThat(f.specId()).isEqualTo(table.spec().specId()));
    assertThat(before).allSatisfy(f -> assertThat(f.specId()).isEqualTo(original));
    assertAgrees(table, after, 4);
  }

  @Test
  void aColumnTheWriterCannotGiveIsRefusedNamingTableAndField() {
    TableUnit<SpanView> unit = TracesSignal.INSTANCE.tables().get(0);
    Table table = create("traces", unit, b -> b.day("timestamp").identity("service_name"));
    table.updateSchema().addColumn("tenant", Types.StringType.get()).commit();
    table.updateSpec().addField("tenant").commit();
    assertThatThrownBy(() -> PartitionedFiles.partitioner(table, unit))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("table test.otel.traces")
        .hasMessageContaining("partition field 'tenant'")
        .hasMessageContaining("cannot give column 'tenant'");
    assertThatThrownBy(() -> new PartitionedFiles<>(table, unit, 1, 1, new OpenFileBudget(4), Runnable::run))
        .hasMessageContaining("partition field 'tenant'");
  }

  @Test
  void aNestedSourceIsRefusedNamingTableAndField() {
    TableUnit<SpanView> unit = TracesSignal.INSTANCE.tables().get(0);
    Table table = create("traces", unit, b -> b.day("timestamp").identity("service_name"));
    table.updateSchema().addColumn("extra", Types.StructType.of(
        Types.NestedField.optional(1000, "region", Types.StringType.get()))).commit();
    table.updateSpec().addField(Expressions.truncate("extra.region", 2)).commit();
    assertThatThrownBy(() -> PartitionedFiles.partitioner(table, unit))
        .hasMessageContaining("table test.otel.traces")
        .hasMessageContaining("extra")
        .hasMessageContaining("top-level columns only");
  }

  @Test
  void aColumnWhoseTypeAnotherEngineChangedIsRefused() {
    TableUnit<SpanView> unit = TracesSignal.INSTANCE.tables().get(0);
    Table table = create("traces", unit, b -> b.identity("status_code"));
    table.updateSchema().updateColumn("status_code", Types.LongType.get()).commit();
    assertThatThrownBy(() -> PartitionedFiles.partitioner(table, unit))
        .hasMessageContaining("partition field 'status_code'")
        .hasMessageContaining("the table's column is long, the writer's int");
  }

  @Test
  void aVoidFieldOfARemovedPartitionIsAlwaysNull() throws Exception {
    TableUnit<SpanView> unit = TracesSignal.INSTANCE.tables().get(0);
    Table table = Tables.loadOrCreate(catalog, TableIdentifier.of("otel", "traces"), unit.schema(),
        PartitionSpec.builderFor(unit.schema()).day("timestamp").identity("service_name").build(),
        unit.sortOrder(), Map.of("format-version", "1"));
    table.updateSpec().removeField("service_name").commit();
    assertThat(table.spec().fields().get(1).transform().isVoid()).isTrue();
    List<DataFile> files = write(table, TracesSignal.INSTANCE, 0, traces());
    assertThat(files).allSatisfy(f -> assertThat(f.partition().get(1, String.class)).isNull());
    assertAgrees(table, files, 1);
  }

  /** Writes every item of {@code requests} that belongs to table {@code index} of the signal. */
  private static <V extends ItemView> List<DataFile> write(Table table, WriterSignal<V> signal, int index,
      List<byte[]> requests) throws Exception {
    PartitionedFiles<V> files = new PartitionedFiles<>(table, signal.tables().get(index), 1, 1,
        new OpenFileBudget(10_000), Runnable::run);
    V view = signal.newView();
    long rows = 0;
    for (byte[] request : requests) {
      view.reset(request);
      for (int i = 0; i < view.itemCount(); i++) {
        view.moveTo(i);
        if (view.table() == index) {
          files.write(view);
          rows++;
        }
      }
    }
    assertThat(rows).isPositive();
    return files.complete();
  }

  private static void commit(Table table, List<DataFile> files) {
    AppendFiles append = table.newAppend();
    files.forEach(append::appendFile);
    append.commit();
  }

  private static List<Record> read(Table table, DataFile file) throws Exception {
    return io.otlake.writer.testing.ParquetRows.read(table, file);
  }

  /**
   * Every row of every file has, by Iceberg's PartitionKey on the row as read back, its file's partition; no two
   * files of one partition (one file per partition and batch, below the target size); at least
   * {@code minPartitions} partitions; and after the commit a scan filtered on the partition finds the rows.
   */
  private static void assertAgrees(Table table, List<DataFile> files, int minPartitions) throws Exception {
    PartitionSpec spec = table.specs().get(files.get(0).specId());
    PartitionKey expected = new PartitionKey(spec, table.schema());
    InternalRecordWrapper internal = new InternalRecordWrapper(table.schema().asStruct());
    Set<List<Object>> partitions = new HashSet<>();
    long rows = 0;
    for (DataFile f : files) {
      assertThat(f.specId()).isEqualTo(table.spec().specId());
      List<Object> values = values(f.partition(), spec.fields().size());
      assertThat(partitions.add(values)).as("one file per partition: %s", values).isTrue();
      List<Record> read = read(table, f);
      assertThat(read).hasSize((int) f.recordCount());
      for (Record r : read) {
        expected.partition(internal.wrap(r));
        assertThat(values(expected, spec.fields().size())).as("row %s", r).isEqualTo(values);
      }
      rows += read.size();
    }
    assertThat(partitions.size()).isGreaterThanOrEqualTo(minPartitions);
    commit(table, files);
    long planned = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask t : tasks) {
        planned += t.file().recordCount();
      }
    }
    assertThat(planned).isGreaterThanOrEqualTo(rows);
  }

  private static List<Object> values(StructLike s, int size) {
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      Object v = s.get(i, Object.class);
      values.add(v instanceof CharSequence c ? c.toString() : v);
    }
    return values;
  }
}
