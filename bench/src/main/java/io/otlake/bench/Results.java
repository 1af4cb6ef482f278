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

  /** A results.json read back (numbers as Long or Double, sections as ordered maps). */
  @SuppressWarnings("unchecked")
  static Results parse(String json) throws java.io.IOException {
    Results r = new Results();
    r.root.putAll(new com.fasterxml.jackson.databind.ObjectMapper()
        .readValue(json, LinkedHashMap.class));
    return r;
  }

  /**
   * {@code earlier} with every figure of {@code latest} put in (a section or headline {@code latest} measured
   * replaces the earlier one; the rest stay) and {@code latest}'s run section; {@code provenance} names, for every
   * figure, the run (date and command) that measured it.
   */
  @SuppressWarnings("unchecked")
  static Results merge(Results earlier, Results latest) {
    Results out = new Results();
    Map<String, Object> run = (Map<String, Object>) latest.root.get("run");
    Map<String, Object> earlierRun = (Map<String, Object>) earlier.root.get("run");
    Map<String, Object> provenance = new LinkedHashMap<>();
    Object old = earlier.root.get("provenance");
    if (old instanceof Map<?, ?> m) {
      provenance.putAll((Map<String, Object>) m);
    }
    out.root.put("run", run);
    for (Map.Entry<String, Object> e : earlier.root.entrySet()) {
      if (!e.getKey().equals("run") && !e.getKey().equals("provenance")) {
        out.root.put(e.getKey(), e.getValue());
        if (!provenance.containsKey(e.getKey()) && earlierRun != null) {
          provenance.put(e.getKey(), earlierRun.get("date") + " " + earlierRun.get("command"));
        }
      }
    }
    for (Map.Entry<String, Object> e : latest.root.entrySet()) {
      if (!e.getKey().equals("run")) {
        out.root.put(e.getKey(), e.getValue());
        provenance.put(e.getKey(), run.get("date") + " " + run.get("command"));
      }
    }
    out.root.put("provenance", provenance);
    return out;
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
