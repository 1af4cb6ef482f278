package io.otlake.writer.table;

import java.util.Map;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;

/** Builds an Iceberg catalog from pass-through properties: REST, JDBC (SQLite, PostgreSQL), Glue, Nessie, ... */
public final class Catalogs {
  private Catalogs() {}

  public static Catalog build(String name, Map<String, String> properties) {
    return CatalogUtil.buildIcebergCatalog(name, properties, new org.apache.hadoop.conf.Configuration());
  }
}
