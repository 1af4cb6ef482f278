package io.otlake.writer.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otlake.writer.signals.traces.TraceTable;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.junit.jupiter.api.Test;

/** Creation races however a catalog reports them (pure logic: an in-memory catalog that reports a lost race oddly). */
class TablesTest {
  private static final TableIdentifier ID = TableIdentifier.of("otel", "traces");

  /** Creates the namespace, then fails as a JDBC catalog behind a REST catalog does when another creator won. */
  private static final class RacedCatalog extends InMemoryCatalog {
    private final boolean createsFirst;

    RacedCatalog(boolean createsFirst) {
      this.createsFirst = createsFirst;
      initialize("raced", Map.of());
    }

    @Override
    public void createNamespace(Namespace namespace, Map<String, String> metadata) {
      if (createsFirst) {
        super.createNamespace(namespace, metadata);
      }
      throw new IllegalStateException("Server error: UncheckedSQLException: Failed to execute: INSERT INTO"
          + " iceberg_namespace_properties");
    }
  }

  @Test
  void aNamespaceAnotherCreatorMadeIsUsedWhateverTheErrorSaid() {
    RacedCatalog catalog = new RacedCatalog(true);
    assertThat(Tables.loadOrCreate(catalog, ID, TraceTable.SCHEMA, PartitionSpec.unpartitioned(),
        SortOrder.unsorted(), Map.of()).name()).endsWith("otel.traces");
  }

  @Test
  void aFailedCreationThatLeftNoNamespaceFails() {
    RacedCatalog catalog = new RacedCatalog(false);
    assertThatThrownBy(() -> Tables.loadOrCreate(catalog, ID, TraceTable.SCHEMA, PartitionSpec.unpartitioned(),
        SortOrder.unsorted(), Map.of())).hasMessageContaining("UncheckedSQLException");
  }
}
