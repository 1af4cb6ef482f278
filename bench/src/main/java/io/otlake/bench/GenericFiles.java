package io.otlake.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.DataWriteResult;
import org.apache.iceberg.io.FanoutDataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.util.PropertyUtil;

/**
 * The benchmark's peer: Iceberg's own generic Parquet writer (GenericFileWriterFactory behind a fan-out writer, one
 * open file per partition) writing {@link Record}s. otlake's writer wrote this way before its direct path.
 */
final class GenericFiles {
  private final Table table;
  private final FanoutDataWriter<Record> writer;
  private final PartitionKey partitionKey;
  private final InternalRecordWrapper wrapper;
  private long rows;
  private boolean closed;

  GenericFiles(Table table, int writerId, long batchId) {
    this.table = table;
    long targetFileSize = PropertyUtil.propertyAsLong(table.properties(),
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES, TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
    OutputFileFactory files = OutputFileFactory.builderFor(table, writerId, batchId)
        .format(FileFormat.PARQUET)
        .operationId(UUID.randomUUID().toString())
        .build();
    GenericFileWriterFactory factory = new GenericFileWriterFactory.Builder(table)
        .dataFileFormat(FileFormat.PARQUET)
        .dataSchema(table.schema())
        .build();
    this.writer = new FanoutDataWriter<>(factory, files, table.io(), targetFileSize);
    this.partitionKey = new PartitionKey(table.spec(), table.schema());
    this.wrapper = new InternalRecordWrapper(table.schema().asStruct());
  }

  public void write(Record row) {
    partitionKey.partition(wrapper.wrap(row));
    writer.write(row, table.spec(), partitionKey);
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
    DataWriteResult result = writer.result();
    return result.dataFiles();
  }
}
