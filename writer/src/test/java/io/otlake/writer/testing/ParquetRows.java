package io.otlake.writer.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.parquet.Parquet;

/** The oracle reader of the tests: a Parquet file's rows as Iceberg's generic reader gives them. */
public final class ParquetRows {
  private ParquetRows() {}

  /** Every row of {@code file} projected to {@code schema}, each its own copy (the reader may reuse records). */
  public static List<Record> read(InputFile file, Schema schema) throws IOException {
    List<Record> out = new ArrayList<>();
    try (CloseableIterable<Record> rows = Parquet.read(file).project(schema)
        .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema)).build()) {
      rows.forEach(r -> out.add(r.copy()));
    }
    return out;
  }

  /** Every row of one of {@code table}'s data files, in the table's current schema. */
  public static List<Record> read(Table table, DataFile file) throws IOException {
    return read(table.io().newInputFile(file.location()), table.schema());
  }
}
