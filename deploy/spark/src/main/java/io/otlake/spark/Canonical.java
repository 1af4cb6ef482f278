package io.otlake.spark;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A value as one line of text that does not depend on the engine that read it, so rows read by Spark in its JVM
 * compare with the rows a test expects in another (deploy/engines' {@code Canonical} writes Iceberg records by the
 * same rules): null as {@code null}; strings quoted with {@code \" \\ \n \r \t} and other control characters as
 * {@code \\uXXXX}; integers and booleans as Java prints them; doubles as {@code Double.toString} ({@code NaN},
 * {@code Infinity}); timestamps as their UTC instant ({@code Instant.toString}); binary as {@code 0x} and hex; a
 * struct as {@code {name=value, ...}} in field order; a map as {@code map{key=value, ...}} sorted by the keys' text;
 * a list as {@code [a, b]}.
 */
public final class Canonical {
  private Canonical() {}

  public static String row(Row row) {
    StringBuilder b = new StringBuilder();
    struct(row, b);
    return b.toString();
  }

  private static void struct(Row row, StringBuilder b) {
    b.append('{');
    StructField[] fields = row.schema().fields();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(fields[i].name()).append('=');
      value(row.get(i), b);
    }
    b.append('}');
  }

  static void value(Object v, StringBuilder b) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof String s) {
      string(s, b);
    } else if (v instanceof Row r) {
      struct(r, b);
    } else if (v instanceof scala.collection.Map<?, ?> m) {
      map(CollectionConverters.asJava(m), b);
    } else if (v instanceof scala.collection.Seq<?> s) {
      list(CollectionConverters.asJava(s), b);
    } else if (v instanceof Map<?, ?> m) {
      map(m, b);
    } else if (v instanceof List<?> l) {
      list(l, b);
    } else if (v instanceof Instant t) {
      b.append(t);
    } else if (v instanceof java.sql.Timestamp t) {
      b.append(t.toInstant());
    } else if (v instanceof LocalDateTime t) {
      b.append(t).append('Z');
    } else if (v instanceof LocalDate d) {
      b.append(d);
    } else if (v instanceof byte[] bytes) {
      b.append("0x").append(HexFormat.of().formatHex(bytes));
    } else if (v instanceof ByteBuffer buf) {
      byte[] bytes = new byte[buf.remaining()];
      buf.duplicate().get(bytes);
      b.append("0x").append(HexFormat.of().formatHex(bytes));
    } else if (v instanceof Float f) {
      b.append(Double.toString(f));
    } else if (v instanceof BigDecimal d) {
      b.append(d.toPlainString());
    } else {
      b.append(v); // Integer, Long, Double, Boolean
    }
  }

  private static void map(Map<?, ?> m, StringBuilder b) {
    TreeMap<String, String> sorted = new TreeMap<>();
    m.forEach((k, x) -> {
      StringBuilder kb = new StringBuilder();
      value(k, kb);
      StringBuilder vb = new StringBuilder();
      value(x, vb);
      sorted.put(kb.toString(), vb.toString());
    });
    b.append("map{");
    List<String> entries = new ArrayList<>();
    sorted.forEach((k, x) -> entries.add(k + "=" + x));
    b.append(String.join(", ", entries)).append('}');
  }

  private static void list(List<?> l, StringBuilder b) {
    b.append('[');
    for (int i = 0; i < l.size(); i++) {
      if (i > 0) {
        b.append(", ");
      }
      value(l.get(i), b);
    }
    b.append(']');
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
