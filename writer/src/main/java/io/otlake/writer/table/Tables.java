package io.otlake.writer.table;

import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a table, creating its namespace and the table itself when missing. Racing creators are fine: a creation
 * that fails because another got there first (however the catalog reports it) finds the namespace or table there.
 */
public final class Tables {
  private static final Logger LOG = LoggerFactory.getLogger(Tables.class);

  private Tables() {}

  public static Table loadOrCreate(Catalog catalog, TableIdentifier id, Schema schema, PartitionSpec spec,
      SortOrder sortOrder, Map<String, String> properties) {
    try {
      return catalog.loadTable(id);
    } catch (NoSuchTableException missing) {
      // fall through and create it
    }
    if (catalog instanceof SupportsNamespaces namespaces && !id.namespace().isEmpty()) {
      Namespace ns = id.namespace();
      if (!namespaces.namespaceExists(ns)) {
        try {
          namespaces.createNamespace(ns);
        } catch (AlreadyExistsException raced) {
          // another writer created it first
        } catch (RuntimeException e) {
          // some catalogs report a lost creation race otherwise (a JDBC catalog's unique-key violation, answered
          // by a REST catalog over it as a server error): fine when the namespace exists now
          if (!namespaces.namespaceExists(ns)) {
            throw e;
          }
          LOG.debug("creating namespace {} raced another creator: {}", ns, e.toString());
        }
      }
    }
    try {
      Table table = catalog.buildTable(id, schema)
          .withPartitionSpec(spec)
          .withSortOrder(sortOrder)
          .withProperties(properties)
          .create();
      LOG.info("created table {} at {}", id, table.location());
      return table;
    } catch (AlreadyExistsException raced) {
      return catalog.loadTable(id);
    } catch (RuntimeException e) {
      // as for the namespace: a race reported as another error is fine when the table exists now
      try {
        return catalog.loadTable(id);
      } catch (NoSuchTableException stillMissing) {
        throw e;
      }
    }
  }
}
