package io.otlake.writer.parquet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.FieldMetrics;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.util.PropertyUtil;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;

/**
 * A Parquet file of an Iceberg schema written column by column: the caller pushes each row's values, field by field,
 * through {@link #rowWriter()} (which derives the repetition and definition levels from the schema); this class cuts pages
 * (page size and row limit) and row groups, compresses, and lays out the file through parquet-mr's
 * {@link ParquetFileWriter} (footer, statistics, page indexes). The table properties Iceberg's own Parquet writer
 * honours for sizes, dictionaries, compression and bloom filters apply here too. Not thread-safe.
 */
public final class ColumnsFile implements AutoCloseable {
  private static final int CHECK_EVERY_ROWS = 64;

  private final Schema schema;
  private final org.apache.iceberg.io.OutputFile output;
  private final ParquetFileWriter writer;
  private final PageCodec codec;
  private final List<LeafColumn> columns = new ArrayList<>();
  private final Map<Integer, LeafColumn> byId = new HashMap<>();
  private final List<java.util.function.Supplier<FieldMetrics<?>>> floatingPoint = new ArrayList<>();
  private RowWriter row;
  private final MessageType type;
  private final long pageSize;
  private final int pageRowLimit;
  private final long rowGroupSize;
  /** Per thread, the buffers a page is encoded in before it is compressed (shared by all files a thread writes). */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch {
    final Bytes bytes = new Bytes(1 << 16);
    int[] ints = new int[1 << 12];
  }
  private long rows;
  private long rowsInGroup;
  private boolean closed;

  public ColumnsFile(Schema schema, Map<String, String> tableProperties, org.apache.iceberg.io.OutputFile output) {
    this.schema = schema;
    this.output = output;
    this.pageSize = PropertyUtil.propertyAsLong(tableProperties, TableProperties.PARQUET_PAGE_SIZE_BYTES,
        TableProperties.PARQUET_PAGE_SIZE_BYTES_DEFAULT);
    this.pageRowLimit = PropertyUtil.propertyAsInt(tableProperties, TableProperties.PARQUET_PAGE_ROW_LIMIT,
        TableProperties.PARQUET_PAGE_ROW_LIMIT_DEFAULT);
    this.rowGroupSize = PropertyUtil.propertyAsLong(tableProperties, TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES,
        TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES_DEFAULT);
    int dictBytes = PropertyUtil.propertyAsInt(tableProperties, TableProperties.PARQUET_DICT_SIZE_BYTES,
        TableProperties.PARQUET_DICT_SIZE_BYTES_DEFAULT);
    String level = tableProperties.get(TableProperties.PARQUET_COMPRESSION_LEVEL);
    this.codec = new PageCodec(
        tableProperties.getOrDefault(TableProperties.PARQUET_COMPRESSION, TableProperties.PARQUET_COMPRESSION_DEFAULT),
        level == null ? null : Integer.valueOf(level));
    boolean v2 = encodings(tableProperties).equals("v2");
    this.type = ParquetSchemaUtil.convert(schema, "table");
    Blooms blooms = new Blooms(tableProperties);
    for (ColumnDescriptor desc : type.getColumns()) {
      String path = String.join(".", desc.getPath());
      PrimitiveType primitive = desc.getPrimitiveType();
      int fieldId = primitive.getId().intValue();
      LeafColumn c = switch (primitive.getPrimitiveTypeName()) {
        case BINARY, FIXED_LEN_BYTE_ARRAY -> new BinaryColumn(desc, dictionaryEnabled(tableProperties, path),
            dictBytes, v2);
        case INT64 -> new IntegerColumn(desc, false, v2);
        case INT32 -> new IntegerColumn(desc, true, v2);
        case BOOLEAN -> new BooleanColumn(desc);
        case DOUBLE -> {
          DoubleColumn d = new DoubleColumn(desc, fieldId);
          floatingPoint.add(d::fieldMetrics);
          yield d;
        }
        case FLOAT -> {
          FloatColumn f = new FloatColumn(desc, fieldId);
          floatingPoint.add(f::fieldMetrics);
          yield f;
        }
        default -> throw new IllegalArgumentException("column " + path + " has type " + primitive
            + ", which this writer does not write");
      };
      if (!(c instanceof BooleanColumn)) {
        c.bloom = blooms.forColumn(path, schema.findColumnName(fieldId));
      }
      columns.add(c);
      byId.put(fieldId, c);
    }
    try {
      this.writer = new ParquetFileWriter(new OutputAdapter(output), type, ParquetFileWriter.Mode.OVERWRITE,
          rowGroupSize, 0);
      writer.start();
    } catch (IOException e) {
      codec.close();
      throw new UncheckedIOException("creating Parquet file " + output.location(), e);
    }
  }

  /**
   * Table property choosing the value encodings: {@code v2} (default) writes DELTA_BINARY_PACKED longs and
   * DELTA_BYTE_ARRAY for strings without a dictionary; {@code v1} only PLAIN and dictionaries, for readers that know
   * nothing newer. Either way pages are data page v1 and dictionaries are used where they pay.
   */
  public static final String ENCODINGS = "otlake.parquet.encodings";

  /** Checks the table properties this writer reads; the message names the table and the property. */
  public static void checkProperties(String table, Map<String, String> props) {
    try {
      encodings(props);
      PropertyUtil.propertyAsLong(props, TableProperties.PARQUET_PAGE_SIZE_BYTES, 0);
      PropertyUtil.propertyAsInt(props, TableProperties.PARQUET_PAGE_ROW_LIMIT, 0);
      PropertyUtil.propertyAsLong(props, TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, 0);
      PropertyUtil.propertyAsInt(props, TableProperties.PARQUET_DICT_SIZE_BYTES, 0);
      String level = props.get(TableProperties.PARQUET_COMPRESSION_LEVEL);
      if (level != null) {
        Integer.parseInt(level);
      }
      int bloomBytes = PropertyUtil.propertyAsInt(props, TableProperties.PARQUET_BLOOM_FILTER_MAX_BYTES,
          TableProperties.PARQUET_BLOOM_FILTER_MAX_BYTES_DEFAULT);
      for (Map.Entry<String, String> e : props.entrySet()) {
        if (e.getKey().startsWith(TableProperties.PARQUET_BLOOM_FILTER_COLUMN_FPP_PREFIX)) {
          new Bloom(Double.parseDouble(e.getValue()), bloomBytes, 0);
        } else if (e.getKey().startsWith(TableProperties.PARQUET_BLOOM_FILTER_COLUMN_NDV_PREFIX)) {
          Long.parseLong(e.getValue());
        }
      }
      new Bloom(TableProperties.PARQUET_BLOOM_FILTER_COLUMN_FPP_DEFAULT, bloomBytes, 0);
      new PageCodec(props.getOrDefault(TableProperties.PARQUET_COMPRESSION,
          TableProperties.PARQUET_COMPRESSION_DEFAULT), null).close();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("table " + table + " has Parquet properties this writer cannot use: "
          + e.getMessage(), e);
    }
  }

  /** The table's bloom-filter properties, as Iceberg's Parquet writer reads them. */
  private static final class Blooms {
    private final Map<String, String> props;
    private final int maxBytes;

    Blooms(Map<String, String> props) {
      this.props = props;
      this.maxBytes = PropertyUtil.propertyAsInt(props, TableProperties.PARQUET_BLOOM_FILTER_MAX_BYTES,
          TableProperties.PARQUET_BLOOM_FILTER_MAX_BYTES_DEFAULT);
    }

    /** The column's bloom filter if enabled under its Parquet path or its Iceberg name, else null. */
    Bloom forColumn(String path, String name) {
      String key = property(TableProperties.PARQUET_BLOOM_FILTER_COLUMN_ENABLED_PREFIX, path, name);
      if (key == null || !Boolean.parseBoolean(props.get(TableProperties.PARQUET_BLOOM_FILTER_COLUMN_ENABLED_PREFIX
          + key))) {
        return null;
      }
      String fpp = props.get(TableProperties.PARQUET_BLOOM_FILTER_COLUMN_FPP_PREFIX + key);
      String ndv = props.get(TableProperties.PARQUET_BLOOM_FILTER_COLUMN_NDV_PREFIX + key);
      return new Bloom(fpp == null ? TableProperties.PARQUET_BLOOM_FILTER_COLUMN_FPP_DEFAULT
          : Double.parseDouble(fpp), maxBytes, ndv == null ? 0 : Long.parseLong(ndv));
    }

    private String property(String prefix, String path, String name) {
      if (props.containsKey(prefix + path)) {
        return path;
      }
      return name != null && props.containsKey(prefix + name) ? name : null;
    }
  }

  static String encodings(Map<String, String> props) {
    String v = props.getOrDefault(ENCODINGS, "v2");
    if (!v.equals("v1") && !v.equals("v2")) {
      throw new IllegalArgumentException("table property " + ENCODINGS + " is " + v + "; expected v1 or v2");
    }
    return v;
  }

  private static boolean dictionaryEnabled(Map<String, String> props, String path) {
    String column = props.get(TableProperties.PARQUET_DICT_ENCODING_ENABLED_COLUMN_PREFIX + path);
    return column != null ? Boolean.parseBoolean(column) : true;
  }

  /**
   * The writer of this file's rows, with its fields' levels derived from the schema (one per file; every row goes
   * through it).
   */
  public RowWriter rowWriter() {
    if (row == null) {
      row = new RowWriter(this, schema);
    }
    return row;
  }

  /** The leaf column of the primitive field (or list element, map key or value) with this id. */
  LeafColumn leaf(int fieldId) {
    return byId.get(fieldId);
  }

  /** Ends the current row: every column has had its slots for it. */
  void endRow() {
    rows++;
    rowsInGroup++;
    if (rows % CHECK_EVERY_ROWS == 0) {
      checkSizes();
    }
  }

  /**
   * Writes rows {@code order[from, to)} of {@code src} (rows of this file's schema) column by column: the file comes
   * out byte for byte as if the same rows had been written one by one through {@link #rowWriter()} (every column
   * gets the same calls, and pages and row groups are cut at the same rows: sizes are checked at the same multiples
   * of {@value #CHECK_EVERY_ROWS} rows).
   */
  public void copyRows(ColumnarRows src, int[] order, int from, int to) {
    if (!src.type().equals(type)) {
      throw new IllegalArgumentException("rows of another schema cannot be copied into " + output.location());
    }
    while (from < to) {
      int n = (int) Math.min(to - from, CHECK_EVERY_ROWS - rows % CHECK_EVERY_ROWS);
      for (int i = 0; i < columns.size(); i++) {
        src.leaf(i).copyTo(columns.get(i), src.rows(), order, from, from + n);
      }
      rows += n;
      rowsInGroup += n;
      if (rows % CHECK_EVERY_ROWS == 0) {
        checkSizes();
      }
      from += n;
    }
  }

  private void checkSizes() {
    try {
      long buffered = 0;
      for (LeafColumn c : columns) {
        checkRows(c);
        if (c.pageBytes() >= pageSize || rows - c.pageStartRow >= pageRowLimit) {
          flushPage(c);
        }
        buffered += c.bufferedBytes();
      }
      if (buffered >= rowGroupSize) {
        flushRowGroup();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + output.location(), e);
    }
  }

  /** A column that has had more or fewer rows than the file: a caller's bug that would corrupt the file. */
  private void checkRows(LeafColumn c) {
    long had = c.rows();
    if (had != rows) {
      throw new IllegalStateException("column " + c.path() + " of " + output.location() + " has " + had
          + " rows, the file " + rows + ": a row was not written field by field as its schema has them");
    }
  }

  private void flushPage(LeafColumn c) throws IOException {
    Scratch scratch = SCRATCH.get();
    if (scratch.ints.length < c.slots) {
      scratch.ints = new int[Math.max(c.slots, scratch.ints.length * 2)];
    }
    c.flushPage(rows, codec, scratch.bytes, scratch.ints);
  }

  private void flushRowGroup() throws IOException {
    if (rowsInGroup == 0) {
      return;
    }
    for (LeafColumn c : columns) {
      flushPage(c);
    }
    writer.startBlock(rowsInGroup);
    for (LeafColumn c : columns) {
      c.writeChunk(writer, codec);
    }
    writer.endBlock();
    rowsInGroup = 0;
  }

  public long rows() {
    return rows;
  }

  /** Bytes written so far plus those buffered for the current row group: what the file would be if closed now. */
  public long length() {
    try {
      long buffered = 0;
      for (LeafColumn c : columns) {
        buffered += c.bufferedBytes();
      }
      return writer.getPos() + buffered;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      for (LeafColumn c : columns) {
        checkRows(c);
      }
      flushRowGroup();
      writer.end(Map.of("iceberg.schema", SchemaParser.toJson(schema)));
    } catch (IOException e) {
      throw new UncheckedIOException("finishing " + output.location(), e);
    } finally {
      codec.close();
    }
  }

  /** The file's length once closed. */
  public long closedLength() {
    try {
      return writer.getPos();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ParquetMetadata footer() {
    return writer.getFooter();
  }

  /** Iceberg metrics of the closed file, as Iceberg's own writer reports them. */
  public Metrics metrics(MetricsConfig config) {
    Stream<FieldMetrics<?>> fieldMetrics = floatingPoint.stream().map(java.util.function.Supplier::get);
    return ParquetUtil.footerMetrics(footer(), fieldMetrics, config);
  }

  public List<Long> splitOffsets() {
    return ParquetUtil.getSplitOffsets(footer());
  }

  /**
   * The closed file as an Iceberg data file of {@code spec}'s {@code partition}: where {@code output} put it, its
   * length, metrics and split offsets (a caller adds what only it knows, such as a sort order, before building).
   */
  public org.apache.iceberg.DataFiles.Builder dataFile(org.apache.iceberg.PartitionSpec spec,
      org.apache.iceberg.StructLike partition, org.apache.iceberg.encryption.EncryptedOutputFile output,
      MetricsConfig config) {
    return org.apache.iceberg.DataFiles.builder(spec)
        .withPath(output.encryptingOutputFile().location())
        .withFormat(org.apache.iceberg.FileFormat.PARQUET)
        .withPartition(partition)
        .withEncryptionKeyMetadata(output.keyMetadata())
        .withFileSizeInBytes(closedLength())
        .withMetrics(metrics(config))
        .withSplitOffsets(splitOffsets());
  }

  /** parquet-mr's view of an Iceberg output file. */
  private record OutputAdapter(org.apache.iceberg.io.OutputFile file) implements org.apache.parquet.io.OutputFile {
    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return wrap(file.create());
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return wrap(file.createOrOverwrite());
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    @Override
    public String getPath() {
      return file.location();
    }

    private static PositionOutputStream wrap(org.apache.iceberg.io.PositionOutputStream out) {
      return new PositionOutputStream() {
        @Override
        public long getPos() throws IOException {
          return out.getPos();
        }

        @Override
        public void write(int b) throws IOException {
          out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.close();
        }
      };
    }
  }
}
