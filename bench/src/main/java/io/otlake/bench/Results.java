package io.otlake.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Figures of one run, in order, as nested maps of numbers and strings; rendered as JSON. */
final class Results {
  final Map<String, Object> root = new LinkedHashMap<>();

  @SuppressWarnings("unchecked")
  Map<String, Object> section(String name) {
    return (Map<String, Object>) root.computeIfAbsent(name, k -> new LinkedHashMap<String, Object>());
  }

  void put(String key, Object value) {
    root.put(key, value);
  }

  String toJson() {
    StringBuilder sb = new StringBuilder();
    write(root, sb, "");
    return sb.append('\n').toString();
  }

  private static void write(Object v, StringBuilder sb, String indent) {
    if (v instanceof Map<?, ?> m) {
      sb.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(indent).append("  \"").append(e.getKey()).append("\": ");
        write(e.getValue(), sb, indent + "  ");
        sb.append(++i < m.size() ? ",\n" : "\n");
      }
      sb.append(indent).append('}');
    } else if (v instanceof Double d) {
      sb.append(Double.isFinite(d) ? new java.math.BigDecimal(d).round(new java.math.MathContext(4))
          .stripTrailingZeros().toPlainString() : "null");
    } else if (v instanceof Number n) {
      sb.append(n);
    } else if (v == null) {
      sb.append("null");
    } else {
      sb.append('"').append(v.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
