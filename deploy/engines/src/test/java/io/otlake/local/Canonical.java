package io.otlake.local;

import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/**
 * Rows as one line of text each, by the rules deploy/spark's {@code io.otlake.spark.Canonical} writes Spark's rows
 * with (so rows read by Spark in its own JVM compare with these): null as {@code null}; strings quoted, with
 * {@code \" \\ \n \r \t} escaped and other control characters as {@code \\uXXXX}; numbers and booleans as Java prints
 * them (floats widened to double); timestamps as their UTC instant in microseconds; binary as {@code 0x} and hex;
 * a struct as {@code {name=value, ...}} in field order; a map as {@code map{key=value, ...}} sorted by the keys'
 * text; a list as {@code [a, b]}.
 */
final class Canonical {
  private Canonical() {}

  /** An Iceberg record (of the table's schema, or a projection of it). */
  static String row(Record r) {
    StringBuilder b = new StringBuilder();
    value(r, b);
    return b.toString();
  }

  static List<String> rows(List<Record> records) {
    List<String> out = new ArrayList<>(records.size());
    records.forEach(r -> out.add(row(r)));
    return out;
  }

  /** The record restricted to {@code columns} (top-level names), in that order. */
  static String projected(Record r, List<String> columns) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < columns.size(); i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(columns.get(i)).append('=');
      value(r.getField(columns.get(i)), b);
    }
    return b.append('}').toString();
  }

  /** The top-level columns of {@code schema} of a primitive type (what Iceberg's vectorized Spark reader reads). */
  static List<String> primitiveColumns(Schema schema) {
    List<String> names = new ArrayList<>();
    for (Types.NestedField f : schema.columns()) {
      if (f.type().isPrimitiveType()) {
        names.add(f.name());
      }
    }
    return names;
  }

  static void value(Object v, StringBuilder b) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof CharSequence s) {
      string(s.toString(), b);
    } else if (v instanceof Record r) {
      b.append('{');
      List<Types.NestedField> fields = r.struct().fields();
      for (int i = 0; i < fields.size(); i++) {
        if (i > 0) {
          b.append(", ");
        }
        b.append(fields.get(i).name()).append('=');
        value(r.get(i), b);
      }
      b.append('}');
    } else if (v instanceof java.sql.Struct s) { // DuckDB's STRUCT
      b.append('{');
      try {
        Object[] values = s.getAttributes();
        Map<String, Object> named = s instanceof org.duckdb.DuckDBStruct d ? d.getMap() : null;
        List<String> names = named == null ? null : new ArrayList<>(named.keySet());
        for (int i = 0; i < values.length; i++) {
          if (i > 0) {
            b.append(", ");
          }
          b.append(names == null ? "f" + i : names.get(i)).append('=');
          value(values[i], b);
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      b.append('}');
    } else if (v instanceof java.sql.Array a) { // DuckDB's LIST
      try {
        value(Arrays.asList((Object[]) a.getArray()), b);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    } else if (v instanceof Map<?, ?> m) {
      TreeMap<String, String> sorted = new TreeMap<>();
      m.forEach((k, x) -> sorted.put(text(k), text(x)));
      List<String> entries = new ArrayList<>();
      sorted.forEach((k, x) -> entries.add(k + "=" + x));
      b.append("map{").append(String.join(", ", entries)).append('}');
    } else if (v instanceof List<?> l) {
      b.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          b.append(", ");
        }
        value(l.get(i), b);
      }
      b.append(']');
    } else if (v instanceof OffsetDateTime t) {
      b.append(t.toInstant().truncatedTo(ChronoUnit.MICROS));
    } else if (v instanceof Instant t) {
      b.append(t.truncatedTo(ChronoUnit.MICROS));
    } else if (v instanceof java.sql.Timestamp t) {
      b.append(t.toInstant().truncatedTo(ChronoUnit.MICROS));
    } else if (v instanceof ByteBuffer buf) {
      byte[] bytes = new byte[buf.remaining()];
      buf.duplicate().get(bytes);
      b.append("0x").append(HexFormat.of().formatHex(bytes));
    } else if (v instanceof byte[] bytes) {
      b.append("0x").append(HexFormat.of().formatHex(bytes));
    } else if (v instanceof Float f) {
      b.append(Double.toString(f));
    } else {
      b.append(v);
    }
  }

  private static String text(Object v) {
    StringBuilder b = new StringBuilder();
    value(v, b);
    return b.toString();
  }

  static void string(String s, StringBuilder b) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
