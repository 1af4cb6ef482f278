package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * DuckDB (its JDBC driver, with the Parquet reader built in; the iceberg extension would need a download) reads
 * every data file the writer wrote with {@code read_parquet} and gets, row for row and in order, what Iceberg's own
 * Parquet reader gets from the same file; together the files hold exactly the rows the test sent. Its
 * {@code parquet_metadata} shows what ARCHITECTURE.md says the files are: zstd for every column chunk,
 * DELTA_BINARY_PACKED int64 columns and DELTA_BYTE_ARRAY strings where there is no dictionary (the tables'
 * {@code otlake.parquet.encodings=v2}), no dictionary on the id columns the tables exclude, min, max and null
 * counts for every primitive column chunk that agree with the rows, and a bloom filter on {@code trace_id} that
 * {@code parquet_bloom_probe} finds the file's ids in.
 */
class DuckDbReadsIT {
  private static final DateTimeFormatter DUCK_TIMESTAMPTZ = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss").optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
      .optionalEnd().appendOffset("+HH:mm", "+00").toFormatter();

  @Test
  void duckDbReadsEveryDataFileAsIcebergDoesAndItsMetadataShowsTheClaimedEncodingsAndStatistics() throws Exception {
    EngineLake lake = EngineLake.get();
    Path dir = Files.createDirectories(Path.of("target", "engines", "files").toAbsolutePath());
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      try (Statement s = duck.createStatement()) {
        s.execute("SET autoinstall_known_extensions = false");
        s.execute("SET autoload_known_extensions = false");
      }
      int files = 0;
      for (Map.Entry<String, List<Record>> e : lake.expected.entrySet()) {
        String table = e.getKey();
        Table t = lake.load(table);
        Schema schema = t.schema();
        List<String> all = new ArrayList<>();
        for (DataFile file : lake.files.get(table)) {
          Path local = dir.resolve(table + "-" + files++ + ".parquet");
          try (InputStream in = t.io().newInputFile(file.location()).newStream()) {
            Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
          }
          List<Record> iceberg = icebergRows(local, schema);
          assertThat(iceberg).hasSize((int) file.recordCount());
          List<String> want = Canonical.rows(iceberg);
          List<String> got = duckRows(duck, local);
          assertThat(got).as("%s: DuckDB's rows of %s", table, file.location()).containsExactlyElementsOf(want);
          all.addAll(got);
          metadata(duck, local, table, t, iceberg);
        }
        assertThat(all).as("%s: every row sent, read by DuckDB", table)
            .containsExactlyInAnyOrderElementsOf(Canonical.rows(e.getValue()));
      }
      assertThat(files).isGreaterThanOrEqualTo(lake.expected.size());
    }
  }

  private static List<Record> icebergRows(Path file, Schema schema) throws IOException {
    return io.otlake.writer.testing.ParquetRows.read(org.apache.iceberg.Files.localInput(file.toFile()), schema);
  }

  private static List<String> duckRows(Connection duck, Path file) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = duck.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM read_parquet('" + file + "')")) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 1; i <= md.getColumnCount(); i++) {
          if (i > 1) {
            b.append(", ");
          }
          b.append(md.getColumnLabel(i)).append('=');
          Canonical.value(rs.getObject(i), b);
        }
        out.add(b.append('}').toString());
      }
    }
    return out;
  }

  /** One column chunk as parquet_metadata shows it. */
  private record Chunk(long rowGroup, long rows, String column, String type, String compression,
      Set<String> encodings, boolean dictionary, String min, String max, Long nulls, boolean bloom) {}

  private static void metadata(Connection duck, Path file, String table, Table t, List<Record> rows)
      throws SQLException {
    List<Chunk> chunks = new ArrayList<>();
    try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT row_group_id, row_group_num_rows, path_in_schema, type, compression, encodings,"
            + " dictionary_page_offset, stats_min_value, stats_max_value, stats_null_count, bloom_filter_offset"
            + " FROM parquet_metadata('" + file + "') ORDER BY row_group_id, column_id")) {
      while (rs.next()) {
        chunks.add(new Chunk(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
            Set.of(rs.getString(6).split(",\\s*")), rs.getObject(7) != null, rs.getString(8), rs.getString(9),
            (Long) rs.getObject(10), rs.getObject(11) != null));
      }
    }
    assertThat(chunks).isNotEmpty();
    boolean v2 = "v2".equals(t.properties().getOrDefault("otlake.parquet.encodings", "v2"));
    assertThat(v2).as("%s: the tables are created with the v2 encodings", table).isTrue();
    Set<String> noDictionary = new java.util.HashSet<>();
    t.properties().forEach((k, v) -> {
      if (k.startsWith("write.parquet.dict-encoding-enabled.column.") && v.equals("false")) {
        noDictionary.add(k.substring("write.parquet.dict-encoding-enabled.column.".length()));
      }
    });
    Set<String> bloom = new java.util.HashSet<>();
    t.properties().forEach((k, v) -> {
      if (k.startsWith("write.parquet.bloom-filter-enabled.column.") && v.equals("true")) {
        bloom.add(k.substring("write.parquet.bloom-filter-enabled.column.".length()));
      }
    });
    if (table.equals("traces") || table.equals("logs")) {
      assertThat(noDictionary).contains("trace_id", "span_id");
      assertThat(bloom).contains("trace_id");
    }
    Map<Long, Long> firstRows = new HashMap<>(); // row group -> its first row in the file
    long next = 0;
    for (Chunk c : chunks) {
      if (!firstRows.containsKey(c.rowGroup())) {
        firstRows.put(c.rowGroup(), next);
        next += c.rows();
      }
    }
    assertThat(next).as("rows in the row groups").isEqualTo(rows.size());
    for (Chunk c : chunks) {
      String what = table + " " + file.getFileName() + " row group " + c.rowGroup() + " " + c.column();
      long firstRow = firstRows.get(c.rowGroup());
      assertThat(c.compression()).as(what).isEqualTo("ZSTD");
      Set<String> values = new java.util.HashSet<>(c.encodings());
      values.removeAll(Set.of("RLE", "BIT_PACKED")); // levels
      if (c.type().equals("INT64")) {
        assertThat(values).as(what + " " + c.encodings()).isSubsetOf("DELTA_BINARY_PACKED", "PLAIN_DICTIONARY",
            "RLE_DICTIONARY").isNotEmpty();
        if (!c.dictionary()) {
          assertThat(values).as(what).containsExactly("DELTA_BINARY_PACKED");
        }
      } else if (c.type().equals("BYTE_ARRAY")) {
        assertThat(values).as(what + " " + c.encodings()).isSubsetOf("DELTA_BYTE_ARRAY", "PLAIN_DICTIONARY",
            "RLE_DICTIONARY").isNotEmpty();
        if (!c.dictionary()) {
          assertThat(values).as(what).containsExactly("DELTA_BYTE_ARRAY");
        }
      }
      if (noDictionary.contains(c.column())) {
        assertThat(c.dictionary()).as(what + ": no dictionary").isFalse();
      }
      assertThat(c.bloom()).as(what + ": bloom filter").isEqualTo(bloom.contains(c.column()));
      Types.NestedField field = t.schema().findField(c.column());
      if (field == null || !field.type().isPrimitiveType()) {
        continue; // nested leaves (paths such as "attributes, key_value, key")
      }
      List<Record> groupRows = rows.subList((int) firstRow, (int) (firstRow + c.rows()));
      statistics(what, field, groupRows, c);
    }
    for (String column : bloom) {
      probe(duck, file, column, rows, table);
    }
  }

  /** The chunk's null count, minimum and maximum are those of its rows. */
  private static void statistics(String what, Types.NestedField field, List<Record> rows, Chunk c) {
    List<Object> values = new ArrayList<>();
    long nulls = 0;
    for (Record r : rows) {
      Object v = r.getField(field.name());
      if (v == null) {
        nulls++;
      } else if (!(v instanceof Double d && d.isNaN())) {
        values.add(v);
      }
    }
    if (field.type().typeId() == Type.TypeID.STRING && !values.isEmpty()) {
      List<byte[]> utf8 = values.stream().map(v -> v.toString().getBytes(StandardCharsets.UTF_8))
          .sorted(java.util.Arrays::compareUnsigned).toList();
      if (utf8.get(0).length + utf8.get(utf8.size() - 1).length >= 4096) {
        // parquet-mr's footer (ParquetMetadataConverter) leaves out the statistics of a chunk whose minimum and
        // maximum together take 4 KiB or more: no min, no max, no null count
        assertThat(c.nulls()).as(what + ": no statistics for a chunk with long min/max").isNull();
        assertThat(c.min()).as(what).isNull();
        assertThat(c.max()).as(what).isNull();
        return;
      }
    }
    assertThat(c.nulls()).as(what + " null count").isEqualTo(nulls);
    boolean nan = rows.stream().anyMatch(r -> r.getField(field.name()) instanceof Double d && d.isNaN());
    if (nan) { // a chunk holding a NaN: what statistics it has (parquet-mr drops some) still bound the others
      List<Double> d = values.stream().map(v -> (Double) v).sorted().toList();
      if (c.min() != null && !d.isEmpty()) {
        assertThat(duckDouble(c.min()) <= d.get(0)).as(what + " min " + c.min()).isTrue();
      }
      if (c.max() != null && !d.isEmpty()) {
        assertThat(duckDouble(c.max()) >= d.get(d.size() - 1)).as(what + " max " + c.max()).isTrue();
      }
      return;
    }
    if (values.isEmpty()) {
      return;
    }
    Type.TypeID type = field.type().typeId();
    assertThat(c.min()).as(what + " min").isNotNull();
    assertThat(c.max()).as(what + " max").isNotNull();
    switch (type) {
      case STRING -> {
        List<String> s = values.stream().map(Object::toString)
            .sorted((a, b) -> java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
                b.getBytes(StandardCharsets.UTF_8))).toList();
        assertThat(c.min()).as(what + " min").isEqualTo(s.get(0));
        assertThat(c.max()).as(what + " max").isEqualTo(s.get(s.size() - 1));
      }
      case INTEGER, LONG -> {
        List<Long> l = values.stream().map(v -> ((Number) v).longValue()).sorted().toList();
        assertThat(Long.parseLong(c.min())).as(what + " min").isEqualTo(l.get(0));
        assertThat(Long.parseLong(c.max())).as(what + " max").isEqualTo(l.get(l.size() - 1));
      }
      case DOUBLE -> {
        List<Double> d = values.stream().map(v -> (Double) v).sorted().toList();
        // numerically: the Parquet spec has a zero minimum written as -0.0 and a zero maximum as +0.0
        assertThat(duckDouble(c.min()) == d.get(0)).as(what + " min " + c.min() + " of " + d.get(0)).isTrue();
        assertThat(duckDouble(c.max()) == d.get(d.size() - 1)).as(what + " max " + c.max()).isTrue();
      }
      case TIMESTAMP -> {
        List<OffsetDateTime> ts = values.stream().map(v -> ((OffsetDateTime) v).truncatedTo(ChronoUnit.MICROS))
            .sorted().toList();
        assertThat(OffsetDateTime.parse(c.min(), DUCK_TIMESTAMPTZ).toInstant()).as(what + " min")
            .isEqualTo(ts.get(0).toInstant());
        assertThat(OffsetDateTime.parse(c.max(), DUCK_TIMESTAMPTZ).toInstant()).as(what + " max")
            .isEqualTo(ts.get(ts.size() - 1).toInstant());
      }
      case BOOLEAN -> {
        assertThat(c.min()).isIn("true", "false");
        assertThat(c.max()).isIn("true", "false");
      }
      default -> throw new AssertionError(what + ": a column type the test does not know: " + type);
    }
  }

  private static double duckDouble(String s) {
    return switch (s) {
      case "inf", "infinity" -> Double.POSITIVE_INFINITY;
      case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(s);
    };
  }

  /** DuckDB's bloom filter probe finds each value of the file, and rules most absent ones out. */
  private static void probe(Connection duck, Path file, String column, List<Record> rows, String table)
      throws SQLException {
    Map<String, Boolean> present = new HashMap<>();
    rows.stream().map(r -> (String) r.getField(column)).filter(v -> v != null).limit(20)
        .forEach(v -> present.put(v, true));
    for (int i = 0; i < 20; i++) {
      present.putIfAbsent(String.format("%032x", 0xfeedfaceL * (i + 1)), false);
    }
    int absentExcluded = 0;
    int absent = 0;
    for (Map.Entry<String, Boolean> e : present.entrySet()) {
      try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT bool_and(bloom_filter_excludes) FROM parquet_bloom_probe('" + file + "', '" + column + "', '"
              + e.getKey() + "')")) {
        assertThat(rs.next()).isTrue();
        boolean excluded = rs.getBoolean(1);
        if (e.getValue()) {
          assertThat(excluded).as(table + " " + column + " " + e.getKey() + " is in " + file).isFalse();
        } else {
          absent++;
          absentExcluded += excluded ? 1 : 0;
        }
      }
    }
    assertThat(absentExcluded).as("%s: absent %s values ruled out by the bloom filter", table, column)
        .isGreaterThanOrEqualTo(absent - 3);
  }
}
