package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.otlake.writer.WriterService;
import io.otlake.writer.signals.traces.TraceTable;
import io.otlake.writer.testing.DemoTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A traces table an operator created with another partition spec ({@code hour(timestamp), bucket(16, trace_id)})
 * before the writer first ran, and evolved while it runs ({@code span_kind} added): the writer writes files of the
 * table's current spec, and for every row Iceberg's own {@link PartitionKey} on the row as read back gives its file's
 * partition; a scan filtered on a trace id (pruned by Iceberg through the bucket) finds all of that trace's spans.
 */
class PartitionSpecIT {
  @Test
  void filesFollowAnOperatorsSpecAndIcebergAgreesWithTheirPartitions() throws Exception {
    String topic = "spec_spans";
    String name = "traces_by_hour_and_bucket";
    Catalog catalog = TestLake.catalog();
    TableIdentifier id = TableIdentifier.of("otel", name);
    catalog.buildTable(id, TraceTable.SCHEMA)
        .withPartitionSpec(PartitionSpec.builderFor(TraceTable.SCHEMA).hour("timestamp").bucket("trace_id", 16).build())
        .withSortOrder(TraceTable.SORT_ORDER)
        .withProperties(TraceTable.properties(128L << 20))
        .create();
    // demo traces one a second from three hours ago: several hours, many traces
    DemoTelemetry demo = new DemoTelemetry(21, System.currentTimeMillis() * 1_000_000L - 3 * 3_600_000_000_000L, 1,
        1);
    Map<String, Integer> spansOfTrace = new HashMap<>();
    try (KafkaProducer<byte[], byte[]> producer = TestLake.producer();
        WriterService writer = TestLake.writer(topic, name, Map.of())) {
      int sent = send(producer, topic, demo, spansOfTrace, 3);
      TestLake.awaitRows(catalog, name, Duration.ofSeconds(90), rows -> rows.size() >= sent);
      Table table = catalog.loadTable(id);
      int first = table.spec().specId();
      table.updateSpec().addField("span_kind").commit();
      assertThat(catalog.loadTable(id).spec().specId()).isNotEqualTo(first);
      // the writer's next batch after it saw the change (its next commit refreshes the table) has the new spec
      int total = sent;
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (!hasFilesOf(catalog.loadTable(id), catalog.loadTable(id).spec().specId())
          && System.nanoTime() < deadline) {
        total += send(producer, topic, demo, spansOfTrace, 1);
        int want = total;
        TestLake.awaitRows(catalog, name, Duration.ofSeconds(60), rows -> rows.size() >= want);
      }
      ChildJvm.sleep(2000);
      assertThat(TestLake.rows(catalog, name)).hasSize(total);
    }

    Table table = catalog.loadTable(id);
    assertThat(hasFilesOf(table, table.spec().specId())).isTrue();
    Set<Integer> specsSeen = new HashSet<>();
    Set<String> partitions = new HashSet<>();
    InternalRecordWrapper internal = new InternalRecordWrapper(table.schema().asStruct());
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile f = task.file();
        PartitionSpec spec = table.specs().get(f.specId());
        specsSeen.add(f.specId());
        PartitionKey expected = new PartitionKey(spec, table.schema());
        List<Object> values = values(f.partition(), spec.fields().size());
        partitions.add(f.specId() + ":" + values);
        for (Record r : read(table, f)) {
          expected.partition(internal.wrap(r));
          assertThat(values(expected, spec.fields().size())).as("row %s of %s", r, f.location()).isEqualTo(values);
        }
      }
    }
    assertThat(specsSeen).hasSize(2);
    assertThat(partitions.size()).isGreaterThan(16);
    // Iceberg prunes by the bucket of the trace id and still finds every span of the trace
    for (Map.Entry<String, Integer> trace : spansOfTrace.entrySet().stream().limit(20).toList()) {
      int rows = 0;
      Set<String> files = new HashSet<>();
      try (CloseableIterable<FileScanTask> tasks = table.newScan()
          .filter(Expressions.equal("trace_id", trace.getKey())).planFiles()) {
        for (FileScanTask t : tasks) {
          files.add(t.file().location());
          for (Record r : read(table, t.file())) {
            if (trace.getKey().equals(r.getField("trace_id"))) {
              rows++;
            }
          }
        }
      }
      assertThat(rows).as("spans of trace %s", trace.getKey()).isEqualTo(trace.getValue());
      assertThat(files.size()).isLessThan(partitions.size());
    }
  }

  /** Sends {@code requests} demo requests as records the gateway would write; returns the spans sent. */
  private static int send(KafkaProducer<byte[], byte[]> producer, String topic, DemoTelemetry demo,
      Map<String, Integer> spansOfTrace, int requests) throws Exception {
    int spans = 0;
    for (int i = 0; i < requests; i++) {
      var request = demo.request(400);
      for (var rs : request.getResourceSpansList()) {
        for (var ss : rs.getScopeSpansList()) {
          for (var s : ss.getSpansList()) {
            spansOfTrace.merge(java.util.HexFormat.of().formatHex(s.getTraceId().toByteArray()), 1, Integer::sum);
            spans++;
          }
        }
      }
      producer.send(new ProducerRecord<>(topic, request.toByteArray())).get();
    }
    return spans;
  }

  private static boolean hasFilesOf(Table table, int specId) {
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask t : tasks) {
        if (t.file().specId() == specId) {
          return true;
        }
      }
      return false;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<Record> read(Table table, DataFile file) throws Exception {
    return io.otlake.writer.testing.ParquetRows.read(table, file);
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
