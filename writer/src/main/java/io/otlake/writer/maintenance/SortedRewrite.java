package io.otlake.writer.maintenance;

import io.otlake.writer.parquet.ColumnarRows;
import io.otlake.writer.parquet.ColumnsFile;
import io.otlake.writer.parquet.RecordWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.SortKey;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.SeekableInputStream;
import org.apache.iceberg.parquet.Parquet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the data files of one partition into files near the table's target size, sorted by the table's sort order.
 *
 * <p>Memory is bounded by {@code maxRows} rows held at once. Rows are read (Iceberg's generic Parquet reader, the
 * table's current schema) into a buffer; when the input has more rows than the bound, each full buffer is sorted and
 * spilled as a sorted run (a local Parquet file under the spill folder), and the runs are merged (one row of each
 * held) into the output. So every output file is sorted whatever the input size. Outputs are written by otlake's own
 * Parquet writer ({@link ColumnsFile} through the schema-driven {@link RecordWriter}), so compacted files get the
 * encodings, dictionaries, bloom filters and sizes of the table's properties exactly as the streaming writer's files
 * do; they roll at {@code write.target-file-size-bytes} (checked every thousand rows on the written plus buffered
 * bytes) and record the sort order, so readers know they are sorted. Runs are written the same way, without bloom
 * filters (nobody looks them up).
 */
final class SortedRewrite {
  private static final Logger LOG = LoggerFactory.getLogger(SortedRewrite.class);
  private static final int CHECK_SIZE_EVERY_ROWS = 1000;

  private final Table table;
  private final Schema schema;
  private final SortOrder order;
  private final SortKeys keys;
  private final int maxRows;
  private final Path spillDir;
  private final BooleanSupplier stopping;
  private final Map<String, String> properties;
  private final Map<String, String> runProperties;
  private final MetricsConfig metricsConfig;
  /** The columnar path's sort, or null when the table's order is one only the record path sorts. */
  private final ColumnarSort columnarSort;

  SortedRewrite(Table table, int maxRows, Path spillDir, BooleanSupplier stopping) {
    this(table, maxRows, spillDir, stopping, true);
  }

  /** With {@code columnar} false, every rewrite takes the record path (tests compare the two). */
  SortedRewrite(Table table, int maxRows, Path spillDir, BooleanSupplier stopping, boolean columnar) {
    this.table = table;
    this.schema = table.schema();
    this.order = table.sortOrder();
    this.keys = order.isUnsorted() ? null : new SortKeys(schema, order);
    this.maxRows = maxRows;
    this.spillDir = spillDir;
    this.stopping = stopping;
    this.properties = table.properties();
    Map<String, String> run = new HashMap<>(properties);
    run.keySet().removeIf(k -> k.startsWith(TableProperties.PARQUET_BLOOM_FILTER_COLUMN_ENABLED_PREFIX));
    this.runProperties = run;
    this.metricsConfig = MetricsConfig.forTable(table);
    this.columnarSort = columnar ? ColumnarSort.of(schema, order) : null;
  }

  /** What a rewrite wrote: the new files, the rows they hold, and whether the columnar path wrote them. */
  record Output(List<DataFile> files, long rows, boolean columnar) {}

  /** Files larger than this are read by the record path (the columnar path holds one input file's bytes at once). */
  static final long MAX_COLUMNAR_FILE_BYTES = 256L << 20;

  /** Writes the rows of {@code inputs} (one partition of {@code spec}) into new sorted files; commits nothing. */
  Output rewrite(PartitionSpec spec, StructLike partition, List<DataFile> inputs, long targetFileSize) {
    ColumnarRows columnar = readColumnar(inputs);
    if (columnar != null) {
      return writeColumnar(spec, partition, columnar, targetFileSize);
    }
    Comparator<Keyed> byOrder = comparator();
    List<Path> runs = new ArrayList<>();
    List<Keyed> buffer = new ArrayList<>(Math.min(maxRows, 1 << 16));
    try {
      for (DataFile input : inputs) {
        try (CloseableIterable<Record> rows = read(table.io().newInputFile(input.location(), input.fileSizeInBytes()))) {
          for (Record r : rows) {
            buffer.add(keyed(r));
            if (buffer.size() >= maxRows) {
              checkStop();
              runs.add(spill(buffer, byOrder));
              buffer.clear();
            }
          }
        }
      }
      checkStop();
      OutputFileFactory outputs = OutputFileFactory.builderFor(table, spec.specId(), System.nanoTime())
          .format(FileFormat.PARQUET).operationId("compact-" + UUID.randomUUID()).build();
      RollingFiles out = new RollingFiles(outputs, spec, partition, targetFileSize);
      long rows = 0;
      try {
        if (runs.isEmpty()) {
          buffer.sort(byOrder);
          for (Keyed r : buffer) {
            out.write(r.row);
            rows++;
          }
          buffer.clear();
        } else {
          if (!buffer.isEmpty()) {
            runs.add(spill(buffer, byOrder));
            buffer.clear();
          }
          rows = merge(runs, byOrder, out);
        }
        out.finish();
      } catch (RuntimeException | IOException e) {
        out.abandon(); // what it finished is not ours to keep
        throw e;
      }
      return new Output(out.done, rows, false);
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

  /**
   * The inputs' rows read column by column, or null when the record path must read them: more rows than
   * {@code maxRows} (the spill path), a sort order only the record path sorts, or an input the columnar reader does
   * not read (written under another schema, or in a layout it does not know).
   */
  private ColumnarRows readColumnar(List<DataFile> inputs) {
    if (columnarSort == null) {
      return null;
    }
    long rows = 0;
    for (DataFile f : inputs) {
      rows += f.recordCount();
      if (f.fileSizeInBytes() > MAX_COLUMNAR_FILE_BYTES || f.format() != FileFormat.PARQUET) {
        return null;
      }
    }
    if (rows > maxRows) {
      return null;
    }
    ColumnarRows out = new ColumnarRows(schema, rows);
    for (DataFile f : inputs) {
      checkStop();
      try {
        out.add(readFully(table.io().newInputFile(f.location(), f.fileSizeInBytes())), f.location());
      } catch (ColumnarRows.Unsupported e) {
        LOG.debug("compaction reads {} row by row: {}", f.location(), e.getMessage());
        return null;
      }
    }
    return out;
  }

  /** A whole file in one request. */
  private static byte[] readFully(InputFile file) {
    long length = file.getLength();
    byte[] b = new byte[Math.toIntExact(length)];
    try (SeekableInputStream in = file.newStream()) {
      int at = 0;
      while (at < b.length) {
        int n = in.read(b, at, b.length - at);
        if (n < 0) {
          throw new IOException(file.location() + " ended after " + at + " of " + length + " bytes");
        }
        at += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b;
  }

  private Output writeColumnar(PartitionSpec spec, StructLike partition, ColumnarRows rows, long targetFileSize) {
    int[] sorted = columnarSort.order(rows);
    checkStop();
    OutputFileFactory outputs = OutputFileFactory.builderFor(table, spec.specId(), System.nanoTime())
        .format(FileFormat.PARQUET).operationId("compact-" + UUID.randomUUID()).build();
    RollingFiles out = new RollingFiles(outputs, spec, partition, targetFileSize);
    try {
      int at = 0;
      while (at < sorted.length) {
        at = out.copy(rows, sorted, at);
        checkStop();
      }
      out.finish();
    } catch (RuntimeException e) {
      out.abandon();
      throw e;
    }
    return new Output(out.done, sorted.length, true);
  }

  /** The output files of one rewrite: one open at a time, a new one once the open one reaches the target size. */
  private final class RollingFiles {
    private final OutputFileFactory outputs;
    private final PartitionSpec spec;
    private final StructLike partition;
    private final long targetFileSize;
    final List<DataFile> done = new ArrayList<>();
    private EncryptedOutputFile output;
    private ColumnsFile file;
    private RecordWriter rows;

    RollingFiles(OutputFileFactory outputs, PartitionSpec spec, StructLike partition, long targetFileSize) {
      this.outputs = outputs;
      this.spec = spec;
      this.partition = partition;
      this.targetFileSize = targetFileSize;
    }

    void write(Record r) {
      if (file == null) {
        output = outputs.newOutputFile(spec, partition);
        file = new ColumnsFile(schema, properties, output.encryptingOutputFile());
        rows = new RecordWriter(file, schema);
      }
      rows.write(r);
      if (file.rows() % CHECK_SIZE_EVERY_ROWS == 0 && file.length() >= targetFileSize) {
        finish();
      }
    }

    /**
     * Copies rows {@code order[at, ...)} up to the next size check, which falls on the rows {@link #write} checks
     * at, so the files roll where the record path's would; returns the position after them.
     */
    int copy(ColumnarRows rows, int[] order, int at) {
      if (file == null) {
        output = outputs.newOutputFile(spec, partition);
        file = new ColumnsFile(schema, properties, output.encryptingOutputFile());
      }
      int n = (int) Math.min(order.length - at, CHECK_SIZE_EVERY_ROWS - file.rows() % CHECK_SIZE_EVERY_ROWS);
      file.copyRows(rows, order, at, at + n);
      if (file.rows() % CHECK_SIZE_EVERY_ROWS == 0 && file.length() >= targetFileSize) {
        finish();
      }
      return at + n;
    }

    void finish() {
      if (file == null) {
        return;
      }
      ColumnsFile f = file;
      file = null;
      f.close();
      done.add(f.dataFile(spec, partition, output, metricsConfig).withSortOrder(order).build());
    }

    void abandon() {
      List<String> locations = new ArrayList<>();
      done.forEach(f -> locations.add(f.location()));
      if (file != null) {
        try {
          file.close();
        } catch (RuntimeException ignored) {
          // the upload may have failed: nothing to close cleanly
        }
        locations.add(output.encryptingOutputFile().location());
        file = null;
      }
      for (String location : locations) {
        try {
          table.io().deleteFile(location);
        } catch (RuntimeException ignored) {
          // orphan removal deletes them later
        }
      }
    }
  }

  /** A row and its sort key (null when the table is unsorted), the key computed once when the row is read. */
  private record Keyed(SortKey key, Record row) {}

  private Keyed keyed(Record row) {
    return new Keyed(keys == null ? null : keys.of(row), row);
  }

  private Comparator<Keyed> comparator() {
    if (keys == null) {
      return (a, b) -> 0;
    }
    SortKeys k = keys;
    return (a, b) -> k.compare(a.key, b.key);
  }

  private CloseableIterable<Record> read(InputFile file) {
    return Parquet.read(file)
        .project(schema)
        .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema))
        .build();
  }

  private Path spill(List<Keyed> rows, Comparator<Keyed> byOrder) throws IOException {
    rows.sort(byOrder);
    Files.createDirectories(spillDir);
    Path file = Files.createTempFile(spillDir, "otlake-compaction-run-", ".parquet");
    ColumnsFile run = new ColumnsFile(schema, runProperties,
        org.apache.iceberg.Files.localOutput(file.toFile()));
    try {
      RecordWriter w = new RecordWriter(run, schema);
      for (Keyed r : rows) {
        w.write(r.row);
      }
    } finally {
      run.close();
    }
    return file;
  }

  private long merge(List<Path> runs, Comparator<Keyed> byOrder, RollingFiles out) throws IOException {
    record Cursor(Keyed head, CloseableIterator<Record> rest) {}
    List<CloseableIterable<Record>> open = new ArrayList<>();
    PriorityQueue<Cursor> heads = new PriorityQueue<>(runs.size(), (a, b) -> byOrder.compare(a.head, b.head));
    long rows = 0;
    try {
      for (Path run : runs) {
        CloseableIterable<Record> it = read(org.apache.iceberg.Files.localInput(run.toFile()));
        open.add(it);
        CloseableIterator<Record> rest = it.iterator();
        if (rest.hasNext()) {
          heads.add(new Cursor(keyed(rest.next()), rest));
        }
      }
      while (!heads.isEmpty()) {
        Cursor c = heads.poll();
        out.write(c.head.row);
        if (++rows % 10_000 == 0) {
          checkStop();
        }
        Iterator<Record> rest = c.rest;
        if (rest.hasNext()) {
          heads.add(new Cursor(keyed(rest.next()), c.rest));
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
