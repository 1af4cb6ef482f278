package io.otlake.writer.signals;

import io.otlake.writer.parquet.RowWriter;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;

/**
 * One table a signal feeds: its definition and how the signal's items become its rows. Every table has a required
 * {@code timestamp} (timestamptz) and an optional {@code service_name} (string) column and is created partitioned
 * by {@code day(timestamp), service_name}; an operator may give it any other spec whose fields read columns
 * {@link #partitionSource} knows.
 */
public interface TableUnit<V extends ItemView> {
  /** The table's default name in the namespace ({@code traces}, {@code logs}, {@code metrics_gauge}, ...). */
  String defaultName();

  Schema schema();

  PartitionSpec spec();

  SortOrder sortOrder();

  /** The table properties otlake sets at creation. */
  Map<String, String> properties(long targetFileSizeBytes);

  /**
   * The value of top-level column {@code column} for the view's current item, for partition transforms; null when
   * the writer cannot give that column before writing the row (maps, lists, structs; the table is then refused if
   * its spec reads it). Every table gives {@code timestamp} and {@code service_name}; a table adds the scalar
   * columns its view has getters for.
   */
  default PartitionSource<V> partitionSource(String column) {
    return switch (column) {
      case "timestamp" -> ItemView::timestampMicros;
      case "service_name" -> ItemView::serviceName;
      default -> null;
    };
  }

  /** A mapper writing rows into one data file. */
  RowMapper<V> mapper(RowWriter row);
}
