package io.otlake.spark;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Runs SQL steps in one Spark session (local mode) and writes each step's rows in {@link Canonical} text, one row a
 * line, so a test in another JVM compares them with what it sent.
 *
 * <p>Arguments: a properties file of Spark settings (the catalog's among them), a script and the output file. The
 * script is a sequence of steps, each starting with a line {@code ### <name>}, then lines {@code @set key=value}
 * (session settings for this and later steps), optionally the line {@code @cells}, then one SQL statement. The
 * output has, per step, the line {@code ### <name>}, the line {@code @columnar true|false} (whether the executed
 * plan read columnar batches, that is, whether Iceberg's vectorized reader served the scan), the line
 * {@code @header} with the column names (tab-separated), then the rows; with {@code @cells}, each row is followed
 * by {@code @cells} and its values as Spark prints them (backslash, tab and newline escaped), tab-separated. A failing step writes
 * {@code @error <message>} in place of its rows and the runner goes on.
 */
public final class SparkSqlRunner {
  private SparkSqlRunner() {}

  public static void main(String[] args) throws IOException {
    Properties conf = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
      conf.load(r);
    }
    List<Step> steps = Step.parse(Files.readString(Path.of(args[1]), StandardCharsets.UTF_8));
    SparkSession.Builder builder = SparkSession.builder().appName("otlake-engine-test").master("local[2]");
    for (String k : conf.stringPropertyNames()) {
      builder.config(k, conf.getProperty(k));
    }
    SparkSession spark = builder.getOrCreate();
    try (Writer out = Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8)) {
      for (Step step : steps) {
        out.write("### " + step.name + "\n");
        try {
          step.settings.forEach((k, v) -> spark.conf().set(k, v));
          Dataset<Row> result = spark.sql(step.sql);
          List<Row> rows = result.collectAsList();
          String plan = result.queryExecution().executedPlan().toString();
          out.write("@columnar " + (plan.contains("ColumnarToRow") || plan.contains("Columnar To Row")) + "\n");
          out.write("@header " + String.join("\t", result.columns()) + "\n");
          for (Row row : rows) {
            out.write(Canonical.row(row) + "\n");
            if (step.cells) {
              List<String> cells = new ArrayList<>();
              for (int i = 0; i < row.length(); i++) {
                cells.add(String.valueOf(row.get(i)).replace("\\", "\\\\").replace("\t", "\\t")
                    .replace("\n", "\\n"));
              }
              out.write("@cells " + String.join("\t", cells) + "\n");
            }
          }
        } catch (Exception e) { // Spark's AnalysisException is a checked one
          out.write("@error " + String.valueOf(e).replace('\n', ' ') + "\n");
          e.printStackTrace();
        }
        out.flush();
      }
    } finally {
      spark.stop();
    }
  }

  private static final class Step {
    final String name;
    final Map<String, String> settings = new java.util.LinkedHashMap<>();
    final StringBuilder sqlText = new StringBuilder();
    String sql;
    boolean cells;

    Step(String name) {
      this.name = name;
    }

    static List<Step> parse(String script) {
      List<Step> steps = new ArrayList<>();
      Step current = null;
      for (String line : script.split("\n", -1)) {
        if (line.startsWith("### ")) {
          current = new Step(line.substring(4).trim());
          steps.add(current);
        } else if (current != null && line.equals("@cells")) {
          current.cells = true;
        } else if (current != null && line.startsWith("@set ")) {
          String kv = line.substring(5);
          int eq = kv.indexOf('=');
          current.settings.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        } else if (current != null) {
          current.sqlText.append(line).append('\n');
        }
      }
      steps.forEach(s -> s.sql = s.sqlText.toString().trim());
      return steps;
    }
  }
}
