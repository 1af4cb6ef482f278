package io.otlake.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Spark 4.1 with Iceberg's Spark runtime, in local mode in a JVM of its own (the jars deploy/spark lays out; none of
 * Spark's dependencies meet otlake's), running a script of SQL steps through deploy/spark's {@code SparkSqlRunner}
 * against a REST catalog given by its URI only.
 */
final class SparkSql {
  /** The JVM options spark-submit gives the driver on Java 17 (Spark's launcher adds them; we start java ourselves). */
  private static final List<String> JVM_OPTIONS = List.of("-XX:+IgnoreUnrecognizedVMOptions",
      "--add-modules=jdk.incubator.vector",
      "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
      "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false",
      "-Dio.netty.tryReflectionSetAccessible=true", "-Xmx1g", "-XX:+ExitOnOutOfMemoryError");

  private final StringBuilder script = new StringBuilder();

  /** Adds a step; {@code settings} are session settings made before it (and kept for later steps). */
  SparkSql step(String name, Map<String, String> settings, String sql) {
    script.append("### ").append(name).append('\n');
    settings.forEach((k, v) -> script.append("@set ").append(k).append('=').append(v).append('\n'));
    script.append(sql.strip()).append('\n');
    return this;
  }

  /** Adds a step whose rows are also kept as Spark prints their values (to show them). */
  SparkSql shown(String name, String sql) {
    script.append("### ").append(name).append("\n@cells\n").append(sql.strip()).append('\n');
    return this;
  }

  /**
   * Runs the script in a new Spark session on the REST catalog at {@code restUri}, named {@code otlake}, with the
   * catalog settings {@code ./otlake local} prints for {@code spark-sql} (the {@code --conf} lines of its snippet are
   * made from the same {@code EngineSnippets.sparkConf()}), so that the snippet a user pastes is the one tested.
   */
  Map<String, Result> run(String restUri, Path dir) {
    try {
      Files.createDirectories(dir);
      Properties conf = new Properties();
      conf.putAll(LocalMain.snippets(TestLake.infra(), restUri).sparkConf());
      conf.setProperty("spark.sql.session.timeZone", "UTC");
      conf.setProperty("spark.sql.datetime.java8API.enabled", "true");
      conf.setProperty("spark.ui.enabled", "false");
      conf.setProperty("spark.sql.shuffle.partitions", "2");
      conf.setProperty("spark.driver.host", "127.0.0.1");
      conf.setProperty("spark.driver.bindAddress", "127.0.0.1");
      conf.setProperty("spark.local.dir", dir.resolve("spark-local").toAbsolutePath().toString());
      conf.setProperty("spark.sql.warehouse.dir", dir.resolve("spark-warehouse").toAbsolutePath().toString());
      Path confFile = dir.resolve("spark.properties");
      try (Writer w = Files.newBufferedWriter(confFile, StandardCharsets.UTF_8)) {
        conf.store(w, "Spark settings of the engine test");
      }
      Path scriptFile = dir.resolve("script.sql");
      Files.writeString(scriptFile, script, StandardCharsets.UTF_8);
      Path out = dir.resolve("results.txt");
      Files.deleteIfExists(out);
      ChildJvm.runToEnd("spark", lib(), JVM_OPTIONS, "io.otlake.spark.SparkSqlRunner",
          List.of(confFile.toString(), scriptFile.toString(), out.toString()), dir.resolve("spark.log"), 300);
      return parse(Files.readAllLines(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path lib() {
    String explicit = System.getProperty("otlake.spark.lib");
    return Path.of(explicit != null ? explicit : "../spark/target/lib");
  }

  /** One step's outcome. */
  record Result(String error, boolean columnar, List<String> header, List<String> rows, List<List<String>> cells) {}

  private static Map<String, Result> parse(List<String> lines) {
    Map<String, Result> results = new LinkedHashMap<>();
    String name = null;
    String error = null;
    boolean columnar = false;
    List<String> header = List.of();
    List<String> rows = new ArrayList<>();
    List<List<String>> cells = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("### ")) {
        if (name != null) {
          results.put(name, new Result(error, columnar, header, rows, cells));
        }
        name = line.substring(4);
        error = null;
        columnar = false;
        header = List.of();
        rows = new ArrayList<>();
        cells = new ArrayList<>();
      } else if (line.startsWith("@error ")) {
        error = line.substring(7);
      } else if (line.startsWith("@columnar ")) {
        columnar = Boolean.parseBoolean(line.substring(10));
      } else if (line.startsWith("@header ")) {
        header = List.of(line.substring(8).split("\t", -1));
      } else if (line.startsWith("@cells ")) {
        cells.add(List.of(line.substring(7).split("\t", -1)));
      } else {
        rows.add(line);
      }
    }
    if (name != null) {
      results.put(name, new Result(error, columnar, header, rows, cells));
    }
    return results;
  }
}
