package io.otlake.writer.signals;

import io.otlake.writer.decode.Slice;

/**
 * How the current item of a view gives one column's value to the table's partition transforms: the value the row's
 * column holds, in Iceberg's internal form for the column's type ({@code Long} microseconds for timestamps,
 * {@code Integer}, {@code Long}, {@code Double}, {@code Boolean}, and a {@code String} for strings), or null where
 * the column is null. Resolved once per data file spec by column name ({@link TableUnit#partitionSource}); called
 * only for the columns the spec's fields read, so a table partitioned by time and service never decodes other
 * strings. Values are immutable: the partitioner keeps a field's result while the same object comes back (a
 * resource's one service-name string), so a source must never hand out one object changed in place.
 */
@FunctionalInterface
public interface PartitionSource<V extends ItemView> {
  Object value(V item);

  /** A string column's value from the slice its row mapper writes (null stays null). */
  static String text(Slice s) {
    return s == null ? null : s.toString();
  }
}
