package io.otlake.writer.table;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;

/** Builds an Iceberg catalog from pass-through properties: REST, JDBC (SQLite, PostgreSQL), Glue, Nessie, ... */
public final class Catalogs {
  private Catalogs() {}

  public static Catalog build(String name, Map<String, String> properties) {
    return CatalogUtil.buildIcebergCatalog(name, properties, new org.apache.hadoop.conf.Configuration());
  }

  /** The table, or null when the catalog has none of that name. */
  public static Table loadOrNull(Catalog catalog, TableIdentifier id) {
    try {
      return catalog.loadTable(id);
    } catch (NoSuchTableException e) {
      return null;
    }
  }

  /**
   * Closes the catalog when it holds resources (JDBC connections, HTTP clients); the failure, if any, is returned
   * for the caller to log, or null.
   */
  public static IOException close(Catalog catalog) {
    if (catalog instanceof Closeable c) {
      try {
        c.close();
      } catch (IOException e) {
        return e;
      }
    }
    return null;
  }
}
