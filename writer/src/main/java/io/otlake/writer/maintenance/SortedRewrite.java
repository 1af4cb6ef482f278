package io.otlake.writer.maintenance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.SortOrderComparators;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.RollingDataWriter;
import org.apache.iceberg.parquet.Parquet;

/**
 * Rewrites the data files of one partition into files near the table's target size, sorted by the table's sort order.
 *
 * <p>Memory is bounded by {@code maxRows} rows held at once. Rows are read (Iceberg's generic Parquet reader, the
 * table's current schema) into a buffer; when the input has more rows than the bound, each full buffer is sorted and
 * spilled as a sorted run (a local Parquet file under the spill folder), and the runs are merged (one row of each
 * held) into the output. So every output file is sorted whatever the input size, and outputs roll at
 * {@code write.target-file-size-bytes} (Iceberg's {@link RollingDataWriter}, with Iceberg's generic writer and the
 * table's write properties). Output files record the sort order, so readers know they are sorted.
 */
final class SortedRewrite {
  private final Table table;
  private final Schema schema;
  private final SortOrder order;
  private final int maxRows;
  private final Path spillDir;
  private final BooleanSupplier stopping;

  SortedRewrite(Table table, int maxRows, Path spillDir, BooleanSupplier stopping) {
    this.table = table;
    this.schema = table.schema();
    this.order = table.sortOrder();
    this.maxRows = maxRows;
    this.spillDir = spillDir;
    this.stopping = stopping;
  }

  /** What a rewrite wrote: the new files and the rows they hold. */
  record Output(List<DataFile> files, long rows) {}

  /** Writes the rows of {@code inputs} (one partition of {@code spec}) into new sorted files; commits nothing. */
  Output rewrite(PartitionSpec spec, StructLike partition, List<DataFile> inputs, long targetFileSize) {
    Comparator<Record> byOrder = comparator();
    GenericFileWriterFactory writers = new GenericFileWriterFactory.Builder(table)
        .dataFileFormat(FileFormat.PARQUET).dataSchema(schema).dataSortOrder(order).build();
    List<Path> runs = new ArrayList<>();
    List<Record> buffer = new ArrayList<>(Math.min(maxRows, 1 << 16));
    try {
      for (DataFile input : inputs) {
        try (CloseableIterable<Record> rows = read(table.io().newInputFile(input.location(), input.fileSizeInBytes()))) {
          for (Record r : rows) {
            buffer.add(r);
            if (buffer.size() >= maxRows) {
              checkStop();
              runs.add(spill(writers, buffer, byOrder));
              buffer.clear();
            }
          }
        }
      }
      checkStop();
      OutputFileFactory outputs = OutputFileFactory.builderFor(table, spec.specId(), System.nanoTime())
          .format(FileFormat.PARQUET).operationId("compact-" + UUID.randomUUID()).build();
      RollingDataWriter<Record> out = new RollingDataWriter<>(writers, outputs, table.io(), targetFileSize, spec,
          partition);
      long rows = 0;
      try (out) {
        if (runs.isEmpty()) {
          buffer.sort(byOrder);
          for (Record r : buffer) {
            out.write(r);
            rows++;
          }
        } else {
          if (!buffer.isEmpty()) {
            runs.add(spill(writers, buffer, byOrder));
            buffer.clear();
          }
          rows = merge(runs, byOrder, out);
        }
      } catch (RuntimeException | IOException e) {
        // what the rolling writer finished is not ours to keep
        try {
          out.result().dataFiles().forEach(f -> table.io().deleteFile(f.location()));
        } catch (RuntimeException ignored) {
          // orphan removal deletes them later
        }
        throw e;
      }
      return new Output(out.result().dataFiles(), rows);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (Path run : runs) {
        try {
          Files.deleteIfExists(run);
        } catch (IOException ignored) {
          // a temp file: the folder is the operator's to clean if deleting fails
        }
      }
    }
  }

  private Comparator<Record> comparator() {
    if (order.isUnsorted()) {
      return (a, b) -> 0;
    }
    Comparator<StructLike> internal = SortOrderComparators.forSchema(schema, order);
    // the comparator expects Iceberg's internal values (timestamps as micros); records hold Java time objects
    InternalRecordWrapper left = new InternalRecordWrapper(schema.asStruct());
    InternalRecordWrapper right = new InternalRecordWrapper(schema.asStruct());
    return (a, b) -> internal.compare(left.wrap(a), right.wrap(b));
  }

  private CloseableIterable<Record> read(InputFile file) {
    return Parquet.read(file)
        .project(schema)
        .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema))
        .build();
  }

  private Path spill(GenericFileWriterFactory writers, List<Record> rows, Comparator<Record> byOrder)
      throws IOException {
    rows.sort(byOrder);
    Files.createDirectories(spillDir);
    Path file = Files.createTempFile(spillDir, "otlake-compaction-run-", ".parquet");
    Files.delete(file); // the Parquet writer creates it
    DataWriter<Record> w = writers.newDataWriter(
        EncryptedFiles.plainAsEncryptedOutput(org.apache.iceberg.Files.localOutput(file.toFile())),
        PartitionSpec.unpartitioned(), null);
    try (w) {
      rows.forEach(w::write);
    }
    return file;
  }

  private long merge(List<Path> runs, Comparator<Record> byOrder, RollingDataWriter<Record> out) throws IOException {
    record Cursor(Record head, CloseableIterator<Record> rest) {}
    List<CloseableIterable<Record>> open = new ArrayList<>();
    PriorityQueue<Cursor> heads = new PriorityQueue<>(runs.size(), (a, b) -> byOrder.compare(a.head, b.head));
    long rows = 0;
    try {
      for (Path run : runs) {
        CloseableIterable<Record> it = read(org.apache.iceberg.Files.localInput(run.toFile()));
        open.add(it);
        CloseableIterator<Record> rest = it.iterator();
        if (rest.hasNext()) {
          heads.add(new Cursor(rest.next(), rest));
        }
      }
      while (!heads.isEmpty()) {
        Cursor c = heads.poll();
        out.write(c.head);
        if (++rows % 10_000 == 0) {
          checkStop();
        }
        Iterator<Record> rest = c.rest;
        if (rest.hasNext()) {
          heads.add(new Cursor(rest.next(), c.rest));
        }
      }
      return rows;
    } finally {
      for (CloseableIterable<Record> it : open) {
        it.close();
      }
    }
  }

  private void checkStop() {
    if (stopping.getAsBoolean()) {
      throw new Stopped();
    }
  }

  /** The maintainer is stopping; the rewrite was given up and nothing of it kept. */
  static final class Stopped extends RuntimeException {
    Stopped() {
      super("stopping", null, false, false);
    }
  }
}
