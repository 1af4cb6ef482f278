package io.otlake.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The shown steps of a Spark run as text tables, the way README's "Query" section shows them. */
final class ReadmeOutput {
  private static final int MAX_CELL = 60;

  private ReadmeOutput() {}

  static String render(Map<String, SparkSql.Result> results) {
    StringBuilder b = new StringBuilder();
    results.forEach((name, r) -> {
      if (r.cells().isEmpty() && r.error() == null) {
        return;
      }
      b.append("### ").append(name).append('\n');
      if (r.error() != null) {
        b.append("error: ").append(r.error()).append("\n\n");
        return;
      }
      List<List<String>> table = new ArrayList<>();
      table.add(r.header());
      r.cells().forEach(row -> table.add(row.stream().map(ReadmeOutput::cut).toList()));
      int[] width = new int[r.header().size()];
      for (List<String> row : table) {
        for (int i = 0; i < row.size() && i < width.length; i++) {
          width[i] = Math.max(width[i], row.get(i).length());
        }
      }
      for (int n = 0; n < table.size(); n++) {
        List<String> row = table.get(n);
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.size() && i < width.length; i++) {
          line.append(i == 0 ? "" : " | ").append(String.format("%-" + width[i] + "s", row.get(i)));
        }
        b.append(line.toString().stripTrailing()).append('\n');
        if (n == 0) {
          StringBuilder rule = new StringBuilder();
          for (int i = 0; i < width.length; i++) {
            rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
          }
          b.append(rule).append('\n');
        }
      }
      b.append('\n');
    });
    return b.toString();
  }

  private static String cut(String s) {
    return s.length() <= MAX_CELL ? s : s.substring(0, MAX_CELL - 3) + "...";
  }
}
