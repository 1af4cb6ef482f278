package io.otlake.writer.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.otlake.writer.parquet.ColumnsFile;
import io.otlake.writer.parquet.RecordWriter;
import io.otlake.writer.signals.TableUnit;
import io.otlake.writer.signals.WriterSignals;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The columnar rewrite against the record path, on every table the writer creates (their schemas, properties and
 * sort orders): random rows (nulls, empty and absent maps and lists, repeated and unique strings, non-ASCII text,
 * NaN and signed zeros, ties on the whole sort key) in files written as the streaming writer writes them and one
 * written by Iceberg's own Parquet writer (other encodings), rewritten both ways: the files are byte for byte the
 * same, and so are their Iceberg metrics (counts, bounds) and split offsets. Under the table's defaults and under
 * tiny page, row-group, dictionary and file-size limits (many pages, row groups, dictionary fall-backs and files).
 */
class SortedRewriteTest {
  @TempDir
  Path spill;

  static Stream<Arguments> tables() {
    List<Arguments> out = new ArrayList<>();
    for (var signal : WriterSignals.ALL) {
      for (TableUnit<?> t : signal.tables()) {
        out.add(Arguments.of(t.defaultName(), t, false));
        out.add(Arguments.of(t.defaultName(), t, true));
      }
    }
    return out.stream();
  }

  private static Table table(TableUnit<?> unit, boolean tiny) {
    InMemoryCatalog catalog = new InMemoryCatalog();
    catalog.initialize("test", Map.of());
    catalog.createNamespace(Namespace.of("otel"));
    Map<String, String> props = new HashMap<>(unit.properties(tiny ? 60_000 : 128L << 20));
    if (tiny) {
      props.put(TableProperties.PARQUET_PAGE_SIZE_BYTES, "2048");
      props.put(TableProperties.PARQUET_PAGE_ROW_LIMIT, "50");
      props.put(TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, "30000");
      props.put(TableProperties.PARQUET_DICT_SIZE_BYTES, "1000");
    }
    // unpartitioned: the rewrite does not look at partitions, and rows of any key sort together
    return catalog.buildTable(TableIdentifier.of("otel", unit.defaultName()), unit.schema())
        .withPartitionSpec(PartitionSpec.unpartitioned()).withSortOrder(unit.sortOrder()).withProperties(props)
        .create();
  }

  @ParameterizedTest(name = "{0} tiny={2}")
  @MethodSource("tables")
  void columnarFilesAreTheRecordPathsByteForByte(String name, TableUnit<?> unit, boolean tiny) throws IOException {
    Table table = table(unit, tiny);
    SplittableRandom random = new SplittableRandom(name.hashCode() * 31L + (tiny ? 1 : 0));
    Rows rows = new Rows(random);
    List<DataFile> inputs = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      inputs.add(writeOwn(table, rows.make(table.schema(), 700 + random.nextInt(900))));
    }
    inputs.add(writeGeneric(table, rows.make(table.schema(), 500)));

    SortedRewrite.Output columnar = new SortedRewrite(table, 1_000_000, spill, () -> false, true)
        .rewrite(table.spec(), null, inputs, targetSize(table));
    SortedRewrite.Output records = new SortedRewrite(table, 1_000_000, spill, () -> false, false)
        .rewrite(table.spec(), null, inputs, targetSize(table));

    assertThat(columnar.columnar()).isTrue();
    assertThat(records.columnar()).isFalse();
    assertThat(columnar.rows()).isEqualTo(records.rows())
        .isEqualTo(inputs.stream().mapToLong(DataFile::recordCount).sum());
    assertThat(columnar.files()).hasSameSizeAs(records.files());
    if (tiny) {
      assertThat(columnar.files()).hasSizeGreaterThan(1);
    }
    for (int i = 0; i < columnar.files().size(); i++) {
      DataFile c = columnar.files().get(i);
      DataFile r = records.files().get(i);
      assertThat(bytes(table, c)).as("file %d", i).isEqualTo(bytes(table, r));
      assertThat(c.recordCount()).isEqualTo(r.recordCount());
      assertThat(c.fileSizeInBytes()).isEqualTo(r.fileSizeInBytes());
      assertThat(c.columnSizes()).isEqualTo(r.columnSizes());
      assertThat(c.valueCounts()).isEqualTo(r.valueCounts());
      assertThat(c.nullValueCounts()).isEqualTo(r.nullValueCounts());
      assertThat(c.nanValueCounts()).isEqualTo(r.nanValueCounts());
      assertThat(c.lowerBounds()).isEqualTo(r.lowerBounds());
      assertThat(c.upperBounds()).isEqualTo(r.upperBounds());
      assertThat(c.splitOffsets()).isEqualTo(r.splitOffsets());
      assertThat(c.sortOrderId()).isEqualTo(r.sortOrderId()).isEqualTo(table.sortOrder().orderId());
    }
    // and the rows are the inputs' rows, sorted
    List<Record> in = new ArrayList<>();
    inputs.forEach(f -> in.addAll(read(table, f)));
    List<Record> out = new ArrayList<>();
    columnar.files().forEach(f -> out.addAll(read(table, f)));
    assertThat(out).containsExactlyInAnyOrderElementsOf(in);
    SortKeys keys = new SortKeys(table.schema(), table.sortOrder());
    for (int i = 1; i < out.size(); i++) {
      assertThat(keys.compare(keys.of(out.get(i - 1)), keys.of(out.get(i)))).isLessThanOrEqualTo(0);
    }
  }

  @Test
  void filesOfAnEarlierSchemaAndRowsBeyondTheBoundGoTheRecordPath() {
    TableUnit<?> unit = WriterSignals.ALL.get(0).tables().get(0);
    Table table = table(unit, false);
    Rows rows = new Rows(new SplittableRandom(5));
    List<DataFile> inputs = List.of(writeOwn(table, rows.make(table.schema(), 300)),
        writeOwn(table, rows.make(table.schema(), 300)));
    SortedRewrite.Output bounded = new SortedRewrite(table, 500, spill, () -> false, true)
        .rewrite(table.spec(), null, inputs, targetSize(table));
    assertThat(bounded.columnar()).isFalse();
    assertThat(bounded.rows()).isEqualTo(600);

    table.updateSchema().addColumn("added_later", Types.StringType.get()).commit();
    SortedRewrite.Output evolved = new SortedRewrite(table, 1_000_000, spill, () -> false, true)
        .rewrite(table.spec(), null, inputs, targetSize(table));
    assertThat(evolved.columnar()).isFalse();
    assertThat(evolved.rows()).isEqualTo(600);
  }

  private static long targetSize(Table table) {
    return Long.parseLong(table.properties().get(TableProperties.WRITE_TARGET_FILE_SIZE_BYTES));
  }

  private static int fileNo;

  /** A file as the streaming writer writes it (otlake's writer, the table's properties). */
  private static DataFile writeOwn(Table table, List<Record> records) {
    OutputFile out = table.io().newOutputFile(table.location() + "/data/own-" + (fileNo++) + ".parquet");
    ColumnsFile file = new ColumnsFile(table.schema(), table.properties(), out);
    RecordWriter w = new RecordWriter(file, table.schema());
    records.forEach(w::write);
    file.close();
    return org.apache.iceberg.DataFiles.builder(table.spec()).withPath(out.location())
        .withFormat(FileFormat.PARQUET).withFileSizeInBytes(file.closedLength())
        .withMetrics(file.metrics(MetricsConfig.forTable(table))).build();
  }

  /** A file as Iceberg's own Parquet writer writes it (parquet-mr's encodings). */
  private static DataFile writeGeneric(Table table, List<Record> records) {
    OutputFile out = table.io().newOutputFile(table.location() + "/data/generic-" + (fileNo++) + ".parquet");
    FileAppender<Record> w;
    try {
      w = Parquet.write(out).schema(table.schema()).setAll(table.properties())
          .createWriterFunc(type -> GenericParquetWriter.create(table.schema(), type)).build();
      try (w) {
        records.forEach(w::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return org.apache.iceberg.DataFiles.builder(table.spec()).withPath(out.location())
        .withFormat(FileFormat.PARQUET).withFileSizeInBytes(w.length()).withMetrics(w.metrics()).build();
  }

  private static byte[] bytes(Table table, DataFile f) throws IOException {
    try (InputStream in = table.io().newInputFile(f.location()).newStream()) {
      return in.readAllBytes();
    }
  }

  private static List<Record> read(Table table, DataFile f) {
    List<Record> out = new ArrayList<>();
    try (CloseableIterable<Record> rows = Parquet.read(table.io().newInputFile(f.location()))
        .project(table.schema())
        .createReaderFunc(s -> GenericParquetReaders.buildReader(table.schema(), s)).build()) {
      rows.forEach(r -> out.add(r.copy()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Random rows of any schema of the writer's types. */
  private static final class Rows {
    private static final String[] WORDS = {"checkout", "frontend", "cart", "db.query", "GET /api/orders", "",
        "épicerie", "naïve", "東京", "emoji 🚀", "zz", "a", "service.name", "http.method", "k8s.pod.name"};
    private final SplittableRandom random;

    Rows(SplittableRandom random) {
      this.random = random;
    }

    List<Record> make(Schema schema, int n) {
      List<Record> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        out.add(struct(schema.asStruct()));
      }
      return out;
    }

    private Record struct(Types.StructType type) {
      Record r = GenericRecord.create(type);
      for (Types.NestedField f : type.fields()) {
        r.setField(f.name(), f.isOptional() && random.nextInt(6) == 0 ? null : value(f.type()));
      }
      return r;
    }

    private Object value(Type type) {
      return switch (type.typeId()) {
        case STRING -> string();
        case LONG -> random.nextInt(4) == 0 ? random.nextLong() : (long) random.nextInt(5);
        case INTEGER -> random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(3);
        case BOOLEAN -> random.nextBoolean();
        case DOUBLE -> switch (random.nextInt(10)) {
          case 0 -> Double.NaN;
          case 1 -> -0.0;
          case 2 -> 0.0;
          default -> random.nextDouble() * 1000 - 100;
        };
        case FLOAT -> (float) random.nextDouble();
        // few distinct instants over three days: ties on the whole sort key
        case TIMESTAMP -> OffsetDateTime.of(2026, 12, 1, 0, 0, 0, 0, ZoneOffset.UTC)
            .plusSeconds(random.nextInt(3 * 86_400) / 600 * 600).plusNanos(random.nextInt(3) * 1000L);
        case BINARY -> ByteBuffer.wrap(string().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        case STRUCT -> struct(type.asStructType());
        case LIST -> {
          List<Object> l = new ArrayList<>();
          Types.NestedField e = type.asListType().fields().get(0);
          for (int i = random.nextInt(4); i > 0; i--) {
            l.add(e.isOptional() && random.nextInt(5) == 0 ? null : value(e.type()));
          }
          yield l;
        }
        case MAP -> {
          Map<Object, Object> m = new LinkedHashMap<>();
          Types.NestedField v = type.asMapType().fields().get(1);
          for (int i = random.nextInt(5); i > 0; i--) {
            m.put(value(type.asMapType().keyType()), v.isOptional() && random.nextInt(5) == 0 ? null
                : value(v.type()));
          }
          yield m;
        }
        default -> throw new IllegalArgumentException("no random values of " + type);
      };
    }

    private String string() {
      int k = random.nextInt(10);
      if (k < 6) {
        return WORDS[random.nextInt(k < 3 ? 3 : WORDS.length)];
      }
      StringBuilder s = new StringBuilder();
      for (int i = 8 + random.nextInt(k == 9 ? 200 : 24); i > 0; i--) {
        s.append("0123456789abcdef".charAt(random.nextInt(16)));
      }
      return s.toString();
    }
  }
}
