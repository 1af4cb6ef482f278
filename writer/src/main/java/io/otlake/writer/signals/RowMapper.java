package io.otlake.writer.signals;

/**
 * Writes rows of one table from the signal's {@link ItemView}: which item field goes to which column. Made once per
 * data file from the file's {@link io.otlake.writer.parquet.RowWriter} (resolving its
 * {@link io.otlake.writer.parquet.FieldWriter}s by name, {@code fieldIfPresent}, once).
 */
@FunctionalInterface
public interface RowMapper<V extends ItemView> {
  /** Writes the item the view is on as one row (ending it with {@code RowWriter.endRow()}). */
  void write(V item);
}
