package io.otlake.writer.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.otlake.proto.wire.ScannedTraces;
import io.otlake.writer.signals.traces.SpanView;
import io.otlake.writer.table.Tables;
import io.otlake.writer.signals.traces.TraceTable;
import io.otlake.writer.testing.DemoTelemetry;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;

/** The open-file bound finishes files early but loses and duplicates nothing. */
class PartitionedFilesTest {
  @Test
  void aBoundOnOpenFilesKeepsEveryRowExactlyOnce() throws Exception {
    InMemoryCatalog catalog = new InMemoryCatalog();
    catalog.initialize("test", Map.of());
    Table table = Tables.loadOrCreate(catalog, TableIdentifier.of("otel", "traces"), TraceTable.SCHEMA,
        TraceTable.SPEC, TraceTable.SORT_ORDER, TraceTable.properties(128L << 20));
    OpenFileBudget budget = new OpenFileBudget(3);
    PartitionedFiles<SpanView> files = new PartitionedFiles<>(table,
        io.otlake.writer.signals.traces.TracesSignal.INSTANCE.tables().get(0), 1, 1, budget, Runnable::run);
    DemoTelemetry demo = new DemoTelemetry(4, 1_800_000_000_000_000_000L, 100, 1);
    SpanView view = new SpanView();
    Set<String> spanIds = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      ScannedTraces t = ScannedTraces.scan(demo.request(200).toByteArray());
      view.reset(t);
      for (int s = 0; s < t.spanCount(); s++) {
        view.moveTo(s);
        files.write(view);
        spanIds.add(view.toString());
      }
    }
    List<DataFile> written = files.complete();
    assertThat(files.filesFinishedEarly()).isPositive();
    assertThat(budget.openFiles()).isZero();
    assertThat(written.stream().mapToLong(DataFile::recordCount).sum()).isEqualTo(files.rows());
    assertThat(written.stream().map(f -> f.partition().toString()).distinct().count()).isGreaterThan(3);

    AppendFiles append = table.newAppend();
    written.forEach(append::appendFile);
    append.commit();
    Set<String> read = new HashSet<>();
    long rows = 0;
    try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
      for (Record r : it) {
        rows++;
        read.add((String) r.getField("span_id"));
      }
    }
    assertThat(rows).isEqualTo(files.rows());
    assertThat(read).hasSize((int) rows).isEqualTo(spanIds);
  }
}
