package io.otlake.writer.write;

import io.otlake.writer.signals.ItemView;
import io.otlake.writer.signals.TableUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import io.otlake.writer.parquet.ColumnsFile;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.util.PropertyUtil;

/**
 * The data files of one table in one commit: items fan out to one open Parquet file per table partition (by the
 * table's spec, {@link ItemPartitioner}), rolled at the table's target file size and written straight to the table's FileIO (S3FileIO on S3) by
 * the table's {@link io.otlake.writer.signals.RowMapper}. Open files are bounded for the whole writer by an
 * {@link OpenFileBudget} (each holds page buffers for every column, about 0.3 MiB on demo spans): past it, this
 * table's open file holding the most rows is finished early, so memory stays bounded however many services and days
 * a batch touches, at the price of more files when the bound is below the number of partitions a batch really
 * touches. {@link #complete} closes the rest (in parallel) and returns every file to commit; {@link #abort} deletes
 * what was written.
 */
public final class PartitionedFiles<V extends ItemView> {
  private final Table table;
  private final TableUnit<V> unit;
  private final PartitionSpec spec;
  private final ItemPartitioner<V> partitioner;
  private final Schema schema;
  private final MetricsConfig metricsConfig;
  private final OutputFileFactory files;
  private final long targetFileSize;
  private final OpenFileBudget budget;
  private final Executor closer;
  private final Map<PartitionKey, OpenFile> open = new HashMap<>();
  /** Every partition this batch wrote to, so the batch can be committed before it fans out too far. */
  private final java.util.Set<PartitionKey> touched = new java.util.HashSet<>();
  private final List<DataFile> finished = new ArrayList<>();
  private long rows;
  private long filesFinishedEarly;
  private boolean closed;

  /**
   * Files of batch {@code batchId}; {@link #complete} finishes them (last pages, footer, upload) in parallel on
   * {@code closer}.
   */
  public PartitionedFiles(Table table, TableUnit<V> unit, int writerId, long batchId, OpenFileBudget budget,
      Executor closer) {
    this.closer = closer;
    this.table = table;
    this.unit = unit;
    this.spec = table.spec();
    this.partitioner = partitioner(table, unit);
    this.schema = writableSchema(table, unit.schema());
    long targetFileSize = PropertyUtil.propertyAsLong(table.properties(),
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES, TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
    this.targetFileSize = targetFileSize;
    this.budget = budget;
    this.files = OutputFileFactory.builderFor(table, writerId, batchId)
        .format(FileFormat.PARQUET)
        .operationId(UUID.randomUUID().toString())
        .build();
    this.metricsConfig = MetricsConfig.forTable(table);
  }

  /**
   * The spec files are written with: the table's current one (an operator's evolution included, so new files follow
   * it at the next batch), as long as {@link ItemPartitioner} can compute its fields; otherwise refused with the
   * table and the field.
   */
  static <V extends ItemView> ItemPartitioner<V> partitioner(Table table, TableUnit<V> unit) {
    return ItemPartitioner.of(table.name(), table.spec(), table.schema(), unit);
  }

  /**
   * The table's schema cut to the columns the writer fills, with the table's field ids: a column another engine added
   * is left out of the files (readers see null), a column the writer needs that was dropped or renamed is an error.
   */
  static Schema writableSchema(Table table, Schema own) {
    List<String> names = new ArrayList<>();
    own.columns().forEach(c -> names.add(c.name()));
    for (String name : names) {
      if (table.schema().findField(name) == null) {
        throw new IllegalStateException("table " + table.name() + " has no column '" + name
            + "' any more; the writer cannot write it");
      }
    }
    return table.schema().select(names);
  }

  // the partition of the previous item: items of a resource mostly follow one another
  private PartitionKey lastKey;
  private OpenFile lastFile;

  /** Writes the item the view is on. */
  public void write(V item) {
    PartitionKey key = partitioner.partition(item);
    if (lastFile != null && key.equals(lastKey)) {
      lastFile.write(item);
      rows++;
      return;
    }
    OpenFile file = open.get(key);
    if (file == null) {
      if (!budget.tryOpen()) {
        if (!open.isEmpty()) {
          finishLargest();
        }
        budget.open();
      }
      PartitionKey own = key.copy();
      file = new OpenFile(own);
      open.put(own, file);
      touched.add(own);
    }
    file.write(item);
    rows++;
    lastKey = file.partition;
    lastFile = file;
  }

  private void finishLargest() {
    PartitionKey largest = null;
    long most = -1;
    for (Map.Entry<PartitionKey, OpenFile> e : open.entrySet()) {
      long n = e.getValue().rows();
      if (n > most) {
        most = n;
        largest = e.getKey();
      }
    }
    finish(open.remove(largest));
    filesFinishedEarly++;
  }

  private void finish(OpenFile file) {
    if (file == lastFile) {
      lastFile = null;
    }
    budget.closed();
    finished.add(file.finish());
  }

  public Table table() {
    return table;
  }

  /** The spec this batch's files are written with (the table's current one when the batch began). */
  public PartitionSpec spec() {
    return spec;
  }

  /** How many distinct partitions this batch has written to. */
  public int partitionsTouched() {
    return touched.size();
  }

  /** How many partitions' files were finished early to stay within the open-file bound. */
  public long filesFinishedEarly() {
    return filesFinishedEarly;
  }

  public long rows() {
    return rows;
  }

  /** Closes every open file and returns the data files written. */
  public List<DataFile> complete() {
    closeAll();
    return List.copyOf(finished);
  }

  private void closeAll() {
    if (closed) {
      return;
    }
    closed = true;
    List<OpenFile> files = new ArrayList<>(open.values());
    open.clear();
    lastFile = null;
    files.forEach(f -> budget.closed());
    // each finish ends in one upload: on object storage that is latency, so they overlap
    List<CompletableFuture<DataFile>> finishing = new ArrayList<>(files.size());
    for (OpenFile f : files) {
      finishing.add(CompletableFuture.supplyAsync(f::finish, closer));
    }
    RuntimeException failure = null;
    for (CompletableFuture<DataFile> f : finishing) {
      try {
        finished.add(f.join());
      } catch (CompletionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException r ? r : e;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Closes and deletes every file written; best effort (an orphan file is harmless to readers). */
  public void abort() {
    try {
      closeAll();
    } catch (RuntimeException e) {
      // files that did not close are not referenced anywhere
    }
    deleteAll(table, finished);
  }

  public static void deleteAll(Table table, List<DataFile> files) {
    for (DataFile f : files) {
      try {
        table.io().deleteFile(f.location());
      } catch (RuntimeException ignored) {
        // orphan files are not referenced by any snapshot; maintenance can remove them
      }
    }
  }

  /**
   * The file being written for one partition. Rolls to a new file at the table's target file size (checked every
   * thousand rows, on the written plus buffered bytes).
   */
  private final class OpenFile {
    private final PartitionKey partition;
    private EncryptedOutputFile output;
    private ColumnsFile file;
    private io.otlake.writer.signals.RowMapper<V> columns;

    OpenFile(PartitionKey partition) {
      this.partition = partition;
      start();
    }

    private void start() {
      output = files.newOutputFile(spec, partition);
      file = new ColumnsFile(schema, table.properties(), output.encryptingOutputFile());
      columns = unit.mapper(file.rowWriter());
    }

    long rows() {
      return file.rows();
    }

    void write(V item) {
      columns.write(item);
      if (file.rows() % 1000 == 0 && file.length() >= targetFileSize) {
        finished.add(finish());
        start();
      }
    }

    DataFile finish() {
      file.close();
      return file.dataFile(spec, partition, output, metricsConfig).build();
    }
  }
}
