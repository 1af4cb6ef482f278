package io.otlake.writer.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otlake.writer.table.Tables;
import io.otlake.writer.signals.traces.TraceTable;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the writer writes when another engine changed the table's schema or partitioning. */
class WritableLayoutTest {
  private Table table;

  @BeforeEach
  void createTable() {
    InMemoryCatalog catalog = new InMemoryCatalog();
    catalog.initialize("test", Map.of());
    table = Tables.loadOrCreate(catalog, TableIdentifier.of("otel", "traces"), TraceTable.SCHEMA,
        TraceTable.SPEC, TraceTable.SORT_ORDER, TraceTable.properties(1 << 20));
  }

  @Test
  void aColumnAddedByAnotherEngineIsLeftOutWithTheTableFieldIdsKept() {
    table.updateSchema().addColumn("added", Types.StringType.get()).commit();
    var schema = PartitionedFiles.writableSchema(table, TraceTable.SCHEMA);
    assertThat(schema.findField("added")).isNull();
    assertThat(schema.columns()).hasSize(TraceTable.SCHEMA.columns().size());
    assertThat(schema.findField("span_id").fieldId()).isEqualTo(table.schema().findField("span_id").fieldId());
  }

  @Test
  void aDroppedColumnTheWriterNeedsIsAClearError() {
    table.updateSchema().deleteColumn("trace_state").commit();
    assertThatThrownBy(() -> PartitionedFiles.writableSchema(table, TraceTable.SCHEMA)).hasMessageContaining("no column 'trace_state'");
  }

  @Test
  void anEvolvedSpecIsTheOneFilesAreWrittenWith() {
    table.updateSpec().addField(Expressions.bucket("span_kind", 4)).commit();
    var unit = io.otlake.writer.signals.traces.TracesSignal.INSTANCE.tables().get(0);
    var files = new PartitionedFiles<>(table, unit, 1, 1, new OpenFileBudget(2), Runnable::run);
    assertThat(files.spec().specId()).isEqualTo(table.spec().specId());
    assertThat(files.spec().fields()).hasSize(3);
    files.abort();
  }
}
