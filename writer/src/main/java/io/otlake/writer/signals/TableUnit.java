package io.otlake.writer.signals;

import io.otlake.writer.parquet.RowWriter;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;

/**
 * One table a signal feeds: its definition and how the signal's items become its rows. Every table has a required
 * {@code timestamp} (timestamptz) and an optional {@code service_name} (string) column and is partitioned by
 * {@code day(timestamp), service_name}.
 */
public interface TableUnit<V extends ItemView> {
  /** The table's default name in the namespace ({@code traces}, {@code logs}, {@code metrics_gauge}, ...). */
  String defaultName();

  Schema schema();

  PartitionSpec spec();

  SortOrder sortOrder();

  /** The table properties otlake sets at creation. */
  Map<String, String> properties(long targetFileSizeBytes);

  /** A mapper writing rows into one data file. */
  RowMapper<V> mapper(RowWriter row);
}
