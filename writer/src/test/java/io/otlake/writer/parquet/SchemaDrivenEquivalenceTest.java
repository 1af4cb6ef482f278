package io.otlake.writer.parquet;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.inmemory.InMemoryOutputFile;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The schema-driven row writer on a synthetic schema with every primitive type Iceberg has and structs, lists and
 * maps nested in each other (optional and required, with nulls, empty lists and maps, long strings, NaN and signed
 * zeros, negative decimals), fed through {@link FieldWriter}s by a walker that knows nothing of the schema beyond
 * its types: the file holds exactly the rows Iceberg's generic writer writes for the same records, and reports the
 * same Iceberg metrics, under both encodings and with tiny page, row-group and dictionary limits. A field nobody
 * writes is null, and a string map written through {@link StringMapCache} replays the same rows.
 */
class SchemaDrivenEquivalenceTest {
  static final Types.StructType INNER = Types.StructType.of(
      optional(22, "x", Types.DoubleType.get()),
      optional(23, "tags", Types.ListType.ofOptional(24, Types.StringType.get())));

  static final Types.StructType ELEMENT = Types.StructType.of(
      optional(26, "k", Types.StringType.get()),
      optional(27, "vals", Types.ListType.ofRequired(28, Types.LongType.get())),
      optional(29, "m", Types.MapType.ofOptional(30, 31, Types.StringType.get(), Types.IntegerType.get())));

  static final Types.StructType VALUE = Types.StructType.of(
      optional(34, "p", Types.FloatType.get()),
      required(35, "q", Types.ListType.ofOptional(36, Types.BooleanType.get())));

  static final Schema SCHEMA = new Schema(
      required(1, "id", Types.LongType.get()),
      optional(2, "b", Types.BooleanType.get()),
      optional(3, "i", Types.IntegerType.get()),
      optional(4, "l", Types.LongType.get()),
      optional(5, "f", Types.FloatType.get()),
      optional(6, "d", Types.DoubleType.get()),
      optional(7, "s", Types.StringType.get()),
      optional(8, "bin", Types.BinaryType.get()),
      optional(9, "fx", Types.FixedType.ofLength(5)),
      optional(10, "date", Types.DateType.get()),
      optional(11, "time", Types.TimeType.get()),
      optional(12, "ts", Types.TimestampType.withoutZone()),
      optional(13, "tstz", Types.TimestampType.withZone()),
      optional(14, "u", Types.UUIDType.get()),
      optional(15, "dec9", Types.DecimalType.of(9, 2)),
      optional(16, "dec18", Types.DecimalType.of(18, 4)),
      optional(17, "dec38", Types.DecimalType.of(38, 10)),
      optional(18, "st", Types.StructType.of(
          required(19, "a", Types.IntegerType.get()),
          optional(20, "b", Types.StringType.get()),
          optional(21, "inner", INNER),
          optional(60, "never_written", Types.StringType.get()))),
      optional(25, "structs", Types.ListType.ofRequired(32, ELEMENT)),
      optional(33, "m", Types.MapType.ofOptional(37, 38, Types.StringType.get(), VALUE)),
      required(39, "nested", Types.ListType.ofOptional(40, Types.ListType.ofOptional(41, Types.StringType.get()))),
      optional(42, "map_of_lists", Types.MapType.ofRequired(43, 44, Types.IntegerType.get(),
          Types.ListType.ofOptional(45, Types.DecimalType.of(9, 2)))),
      optional(46, "cached", Types.MapType.ofRequired(47, 48, Types.StringType.get(), Types.StringType.get())),
      optional(49, "unwritten", Types.StringType.get()),
      optional(50, "unwritten_list", Types.ListType.ofRequired(51, Types.StructType.of(
          optional(52, "x", Types.DoubleType.get()),
          optional(53, "tags", Types.ListType.ofOptional(54, Types.StringType.get()))))));

  @ParameterizedTest
  @CsvSource({"false,v2", "true,v2", "false,v1", "true,v1"})
  void directAndGenericFilesHoldTheSameRowsAndMetrics(boolean tinyLimits, String encodings) throws Exception {
    Map<String, String> props = new HashMap<>();
    props.put(TableProperties.PARQUET_COMPRESSION, "zstd");
    props.put(ColumnsFile.ENCODINGS, encodings);
    if (tinyLimits) {
      props.put(TableProperties.PARQUET_PAGE_SIZE_BYTES, "2048");
      props.put(TableProperties.PARQUET_PAGE_ROW_LIMIT, "50");
      props.put(TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, "30000");
      props.put(TableProperties.PARQUET_DICT_SIZE_BYTES, "1000");
    }
    List<Record> records = new Records(42).make(1500);

    InMemoryOutputFile direct = new InMemoryOutputFile();
    ColumnsFile d = new ColumnsFile(SCHEMA, props, direct);
    Walker walker = new Walker(d.rowWriter());
    for (Record r : records) {
      walker.write(r);
    }
    d.close();

    InMemoryOutputFile generic = new InMemoryOutputFile();
    FileAppender<Record> g = Parquet.write(generic).schema(SCHEMA).setAll(props)
        .createWriterFunc(type -> GenericParquetWriter.create(SCHEMA, type)).build();
    for (Record r : records) {
      Record copy = r.copy();
      copy.setField("unwritten", null); // what the direct writer writes for a field nobody fills
      copy.setField("unwritten_list", null);
      Record st = (Record) copy.getField("st");
      if (st != null) {
        st = st.copy();
        st.setField("never_written", null);
        copy.setField("st", st);
      }
      g.add(copy);
    }
    g.close();

    List<Record> fromDirect = read(direct);
    List<Record> fromGeneric = read(generic);
    assertThat(fromDirect).hasSize(records.size()).hasSameSizeAs(fromGeneric);
    for (int i = 0; i < fromDirect.size(); i++) {
      assertThat(fromDirect.get(i)).as("row %d", i).isEqualTo(fromGeneric.get(i));
    }
    if (tinyLimits) {
      assertThat(d.footer().getBlocks()).hasSizeGreaterThan(2);
    }

    Metrics ours = d.metrics(MetricsConfig.getDefault());
    Metrics theirs = g.metrics();
    assertThat(ours.recordCount()).isEqualTo(theirs.recordCount()).isEqualTo(records.size());
    assertThat(ours.valueCounts()).isEqualTo(theirs.valueCounts());
    assertThat(ours.nullValueCounts()).isEqualTo(theirs.nullValueCounts());
    assertThat(ours.nanValueCounts()).isEqualTo(theirs.nanValueCounts());
    assertThat(ours.lowerBounds()).isEqualTo(theirs.lowerBounds());
    assertThat(ours.upperBounds()).isEqualTo(theirs.upperBounds());
    assertThat(ours.lowerBounds()).containsKeys(3, 5, 7, 9, 14, 15, 16, 17);
  }

  static List<Record> read(InMemoryOutputFile file) throws Exception {
    return io.otlake.writer.testing.ParquetRows.read(file.toInputFile(), SCHEMA);
  }

  /** Random records of the schema: each optional value null about one time in six, lists and maps often empty. */
  static final class Records {
    private final SplittableRandom random;
    /** A few shared maps, as a resource's attributes are shared by its spans (for the cached map column). */
    private final List<Map<String, String>> sharedMaps = new ArrayList<>();

    Records(long seed) {
      random = new SplittableRandom(seed);
      for (int i = 0; i < 5; i++) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int k = 0; k < i * 2; k++) {
          m.put("key." + i + "." + k, "value-" + random.nextInt(1000));
        }
        sharedMaps.add(m);
      }
    }

    List<Record> make(int n) {
      List<Record> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        out.add(record(i));
      }
      return out;
    }

    private boolean isNull() {
      return random.nextInt(6) == 0;
    }

    private Record record(long id) {
      Record r = GenericRecord.create(SCHEMA);
      r.setField("id", id);
      r.setField("b", isNull() ? null : random.nextBoolean());
      r.setField("i", isNull() ? null : random.nextInt(-1000, 1000));
      r.setField("l", isNull() ? null : random.nextLong());
      r.setField("f", isNull() ? null : floatValue());
      r.setField("d", isNull() ? null : doubleValue());
      r.setField("s", isNull() ? null : string());
      r.setField("bin", isNull() ? null : ByteBuffer.wrap(bytes(random.nextInt(0, 40))));
      r.setField("fx", isNull() ? null : bytes(5));
      r.setField("date", isNull() ? null : LocalDate.ofEpochDay(random.nextInt(-20000, 40000)));
      r.setField("time", isNull() ? null : LocalTime.ofNanoOfDay(random.nextLong(86_400_000_000L) * 1000));
      r.setField("ts", isNull() ? null : LocalDateTime.of(2026, 1, 1, 0, 0).plus(random.nextLong(-1L << 40, 1L << 40),
          ChronoUnit.MICROS));
      r.setField("tstz", isNull() ? null : OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)
          .plus(random.nextLong(-1L << 40, 1L << 40), ChronoUnit.MICROS));
      r.setField("u", isNull() ? null : new UUID(random.nextLong(), random.nextLong()));
      r.setField("dec9", isNull() ? null : decimal(9, 2));
      r.setField("dec18", isNull() ? null : decimal(18, 4));
      r.setField("dec38", isNull() ? null : decimal(38, 10));
      r.setField("st", isNull() ? null : struct());
      r.setField("structs", isNull() ? null : list(3, this::element, false));
      r.setField("m", isNull() ? null : map(3, this::string, this::value, true));
      r.setField("nested", list(3, () -> isNull() ? null : list(3, () -> isNull() ? null : string(), true), true));
      r.setField("map_of_lists", isNull() ? null : map(3, () -> random.nextInt(-50, 50),
          () -> list(3, () -> isNull() ? null : decimal(9, 2), true), false));
      r.setField("cached", isNull() ? null : sharedMaps.get(random.nextInt(sharedMaps.size())));
      r.setField("unwritten", string());
      Record unwritten = GenericRecord.create(SCHEMA.findType("unwritten_list").asListType().elementType()
          .asStructType());
      unwritten.setField("x", 1.0);
      r.setField("unwritten_list", List.of(unwritten));
      return r;
    }

    private Record struct() {
      Record s = GenericRecord.create(SCHEMA.findType("st").asStructType());
      s.setField("a", random.nextInt());
      s.setField("b", isNull() ? null : string());
      s.setField("inner", isNull() ? null : inner());
      s.setField("never_written", "x");
      return s;
    }

    private Record inner() {
      Record s = GenericRecord.create(INNER);
      s.setField("x", isNull() ? null : doubleValue());
      s.setField("tags", isNull() ? null : list(4, () -> isNull() ? null : string(), true));
      return s;
    }

    private Record element() {
      Record e = GenericRecord.create(ELEMENT);
      e.setField("k", isNull() ? null : string());
      e.setField("vals", isNull() ? null : list(4, random::nextLong, false));
      e.setField("m", isNull() ? null : map(3, this::string, () -> isNull() ? null : random.nextInt(), true));
      return e;
    }

    private Record value() {
      if (isNull()) {
        return null;
      }
      Record v = GenericRecord.create(VALUE);
      v.setField("p", isNull() ? null : floatValue());
      v.setField("q", list(3, () -> isNull() ? null : random.nextBoolean(), true));
      return v;
    }

    private <T> List<T> list(int max, java.util.function.Supplier<T> element, boolean nullsAllowed) {
      int n = random.nextInt(max + 1);
      List<T> l = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        l.add(element.get());
      }
      return l;
    }

    private <K, V> Map<K, V> map(int max, java.util.function.Supplier<K> key, java.util.function.Supplier<V> value,
        boolean ignored) {
      int n = random.nextInt(max + 1);
      Map<K, V> m = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        m.put(key.get(), value.get());
      }
      return m;
    }

    private String string() {
      int kind = random.nextInt(10);
      if (kind == 0) {
        return "";
      }
      if (kind == 1) { // long, shares a long prefix with its kind (truncated bounds, delta prefixes)
        StringBuilder b = new StringBuilder("a long value that goes on ");
        int n = random.nextInt(200, 3000);
        while (b.length() < n) {
          b.append((char) ('a' + random.nextInt(26)));
        }
        return b.toString();
      }
      if (kind == 2) {
        return "ünïcödé ✓ " + random.nextInt(50);
      }
      return "v" + random.nextInt(kind == 3 ? 100_000 : 40); // mostly repeating: dictionaries
    }

    private float floatValue() {
      int k = random.nextInt(20);
      return k == 0 ? Float.NaN : k == 1 ? -0.0f : k == 2 ? 0.0f : (float) (random.nextDouble() * 2000 - 1000);
    }

    private double doubleValue() {
      int k = random.nextInt(20);
      return k == 0 ? Double.NaN : k == 1 ? -0.0 : k == 2 ? 0.0 : random.nextDouble() * 2e6 - 1e6;
    }

    private byte[] bytes(int n) {
      byte[] b = new byte[n];
      for (int i = 0; i < n; i++) {
        b[i] = (byte) random.nextInt(256);
      }
      return b;
    }

    private BigDecimal decimal(int precision, int scale) {
      BigInteger bound = BigInteger.TEN.pow(precision);
      BigInteger v = new BigInteger(bound.bitLength() + 8, new java.util.Random(random.nextLong())).mod(bound);
      if (random.nextBoolean()) {
        v = v.negate();
      }
      return new BigDecimal(v, scale);
    }
  }

  /** Writes a record through field handles, by the types alone; the "cached" map goes through a StringMapCache. */
  static final class Walker {
    private final RowWriter row;
    private final List<Node> top = new ArrayList<>();
    private final StringMapCache cache;
    private final FieldWriter cachedField;

    Walker(RowWriter row) {
      this.row = row;
      for (Types.NestedField f : SCHEMA.columns()) {
        if (f.name().startsWith("unwritten") || f.name().equals("cached")) {
          continue;
        }
        top.add(node(row.field(f.name()), f));
      }
      cachedField = row.field("cached");
      cache = new StringMapCache(cachedField, 3);
    }

    private record Node(String name, FieldWriter writer, Type type, List<Node> children) {}

    private static Node node(FieldWriter w, Types.NestedField f) {
      List<Node> children = new ArrayList<>();
      Type t = f.type();
      if (t.isStructType()) {
        for (Types.NestedField c : t.asStructType().fields()) {
          if (!c.name().equals("never_written")) {
            children.add(node(w.field(c.name()), c));
          }
        }
      } else if (t.isListType()) {
        children.add(node(w.element(), t.asListType().fields().get(0)));
      } else if (t.isMapType()) {
        children.add(node(w.key(), t.asMapType().fields().get(0)));
        children.add(node(w.value(), t.asMapType().fields().get(1)));
      }
      return new Node(f.name(), w, t, children);
    }

    void write(Record r) {
      for (Node n : top) {
        value(n, r.getField(n.name()));
      }
      @SuppressWarnings("unchecked")
      Map<String, String> cached = (Map<String, String>) r.getField("cached");
      if (cached == null) {
        cachedField.writeNull();
      } else if (!cache.replay(cached, 0)) {
        cache.begin(cached, 0);
        for (Map.Entry<String, String> e : cached.entrySet()) {
          byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
          byte[] v = ("##" + e.getValue()).getBytes(StandardCharsets.UTF_8); // an offset into a larger array
          cache.entry(k, 0, k.length, v, 2, v.length - 2);
        }
        cache.end();
      }
      row.endRow();
    }

    private static void value(Node n, Object v) {
      FieldWriter w = n.writer();
      if (v == null) {
        w.writeNull();
        return;
      }
      switch (n.type().typeId()) {
        case BOOLEAN -> w.writeBoolean((Boolean) v);
        case INTEGER -> w.writeInt((Integer) v);
        case LONG -> w.writeLong((Long) v);
        case FLOAT -> w.writeFloat((Float) v);
        case DOUBLE -> w.writeDouble((Double) v);
        case DATE -> w.writeInt((int) ((LocalDate) v).toEpochDay());
        case TIME -> w.writeLong(((LocalTime) v).toNanoOfDay() / 1000);
        case TIMESTAMP -> w.writeLong(v instanceof OffsetDateTime o ? micros(o.toInstant())
            : micros(((LocalDateTime) v).toInstant(ZoneOffset.UTC)));
        case STRING -> {
          byte[] b = ("abc" + v).getBytes(StandardCharsets.UTF_8); // a slice of a larger array
          w.writeBytes(b, 3, b.length - 3);
        }
        case BINARY -> {
          ByteBuffer b = (ByteBuffer) v;
          w.writeBytes(b.array(), b.arrayOffset() + b.position(), b.remaining());
        }
        case FIXED -> w.writeBytes((byte[]) v, 0, ((byte[]) v).length);
        case UUID -> w.writeUuid((UUID) v);
        case DECIMAL -> w.writeDecimal((BigDecimal) v);
        case STRUCT -> {
          w.beginStruct();
          for (Node c : n.children()) {
            value(c, ((Record) v).getField(c.name()));
          }
        }
        case LIST -> {
          w.beginList();
          for (Object e : (List<?>) v) {
            w.nextElement();
            value(n.children().get(0), e);
          }
          w.endList();
        }
        case MAP -> {
          w.beginMap();
          for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            w.nextEntry();
            value(n.children().get(0), e.getKey());
            value(n.children().get(1), e.getValue());
          }
          w.endMap();
        }
        default -> throw new IllegalArgumentException("type " + n.type());
      }
    }

    private static long micros(java.time.Instant t) {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }
  }
}
