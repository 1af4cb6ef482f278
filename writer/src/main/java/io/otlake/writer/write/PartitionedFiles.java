package io.otlake.writer.write;

import io.otlake.writer.decode.SpanView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.FanoutDataWriter;
import org.apache.iceberg.io.FileWriterFactory;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.util.PropertyUtil;

/**
 * The data files of one commit: spans fan out to one open Parquet file per table partition (day, service), rolled
 * at the table's target file size and written straight to the table's FileIO (S3FileIO on S3) by
 * {@link SpanParquetWriter}. {@link #complete} closes them and returns the files to commit; {@link #abort} deletes
 * what was written.
 */
public final class PartitionedFiles {
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  private final Table table;
  private final PartitionSpec spec;
  private final FanoutDataWriter<SpanView> writer;
  private final TracePartition partition = new TracePartition();
  private long rows;
  private boolean closed;

  public PartitionedFiles(Table table, int writerId, long batchId) {
    this.table = table;
    this.spec = table.spec();
    if (spec.fields().size() != 2 || !spec.fields().get(0).transform().toString().equals("day")
        || !spec.fields().get(1).transform().isIdentity()) {
      throw new IllegalStateException("table " + table.name() + " is partitioned by " + spec
          + "; the writer expects day(timestamp), service_name");
    }
    long targetFileSize = PropertyUtil.propertyAsLong(table.properties(),
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES, TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
    OutputFileFactory files = OutputFileFactory.builderFor(table, writerId, batchId)
        .format(FileFormat.PARQUET)
        .operationId(UUID.randomUUID().toString())
        .build();
    this.writer = new FanoutDataWriter<>(new SpanFileWriterFactory(table), files, table.io(), targetFileSize);
  }

  /** Writes the span the view is on. */
  public void write(SpanView span) {
    partition.day = (int) Math.floorDiv(span.startMicros(), MICROS_PER_DAY);
    partition.service = span.serviceName();
    writer.write(span, spec, partition);
    rows++;
  }

  public long rows() {
    return rows;
  }

  /** Closes every open file and returns the data files written. */
  public List<DataFile> complete() {
    try {
      writer.close();
      closed = true;
    } catch (IOException e) {
      throw new UncheckedIOException("closing data files", e);
    }
    return writer.result().dataFiles();
  }

  /** Closes and deletes every file written; best effort (an orphan file is harmless to readers). */
  public void abort() {
    List<DataFile> written;
    try {
      if (!closed) {
        writer.close();
        closed = true;
      }
      written = writer.result().dataFiles();
    } catch (IOException | RuntimeException e) {
      return;
    }
    deleteAll(table, written);
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

  /** The partition tuple (day, service) of the current span; the fan-out writer copies it for new partitions. */
  private static final class TracePartition implements StructLike {
    int day;
    String service;

    @Override
    public int size() {
      return 2;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
      return javaClass.cast(pos == 0 ? Integer.valueOf(day) : service);
    }

    @Override
    public <T> void set(int pos, T value) {
      throw new UnsupportedOperationException("read-only partition view");
    }
  }

  /** Data files written by {@link SpanParquetWriter}; otlake writes no delete files. */
  private static final class SpanFileWriterFactory implements FileWriterFactory<SpanView> {
    private final Table table;
    private final MetricsConfig metrics;

    SpanFileWriterFactory(Table table) {
      this.table = table;
      this.metrics = MetricsConfig.forTable(table);
    }

    @Override
    public DataWriter<SpanView> newDataWriter(EncryptedOutputFile file, PartitionSpec spec, StructLike partition) {
      try {
        return Parquet.writeData(file)
            .schema(table.schema())
            .setAll(table.properties())
            .metricsConfig(metrics)
            .withSpec(spec)
            .withPartition(partition)
            .createWriterFunc(SpanParquetWriter::create)
            .overwrite()
            .build();
      } catch (IOException e) {
        throw new UncheckedIOException("opening a data file", e);
      }
    }

    @Override
    public EqualityDeleteWriter<SpanView> newEqualityDeleteWriter(EncryptedOutputFile file, PartitionSpec spec,
        StructLike partition) {
      throw new UnsupportedOperationException("otlake writes no delete files");
    }

    @Override
    public PositionDeleteWriter<SpanView> newPositionDeleteWriter(EncryptedOutputFile file, PartitionSpec spec,
        StructLike partition) {
      throw new UnsupportedOperationException("otlake writes no delete files");
    }
  }
}
