package io.otlake.writer.parquet;

import org.apache.iceberg.Schema;

/**
 * Writes the rows of one {@link ColumnsFile}, fed field by field: the caller resolves a {@link FieldWriter} for each
 * field it fills once (by name, from here and from the struct, list and map handles below), then pushes each row's
 * values through them in any order of top-level fields and ends the row. Repetition and definition levels are
 * derived from the Iceberg schema (Dremel's shredding: a value's definition level counts the optional and repeated
 * ancestors present, its repetition level names the innermost list or map that repeated since the column's last
 * value), for any nesting of struct, list and map. Fields the caller never resolves are null in every row (a
 * required one is refused when the first row is written). Nothing is boxed or copied on the way: strings go as
 * byte ranges into the columns, which copy them into their page buffers.
 *
 * <p>The one piece of state shared by all handles is the current repetition level: lists and maps being written
 * set it for their elements and restore it when they end, so a leaf writes at whatever level the innermost open
 * list or map gave it.
 */
public final class RowWriter {
  private final ColumnsFile file;
  private final FieldWriter root;
  /** The repetition level the next value of any column is written at. */
  int r;

  RowWriter(ColumnsFile file, Schema schema) {
    this.file = file;
    this.root = FieldWriter.root(this, file, schema.asStruct());
  }

  /** The top-level field {@code name}; fails when the schema has none. */
  public FieldWriter field(String name) {
    return root.field(name);
  }

  /** The top-level field {@code name}, or a handle that ignores everything written to it when there is none. */
  public FieldWriter fieldIfPresent(String name) {
    return root.fieldIfPresent(name);
  }

  /** Ends the row: fields not resolved get their null, and the file counts the row. */
  public void endRow() {
    root.nullUnclaimed(0);
    r = 0;
    file.endRow();
  }
}
