package io.otlake.writer;

import io.otlake.writer.config.WriterConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where the writer's one-off commands ({@code position}, {@code maintain}, {@code status}, {@code trace}) find the
 * lake: {@code --config FILE} (the writer's configuration) or {@code --data DIR} (a running {@code ./otlake local}:
 * its catalog from {@code DIR/catalog.properties}, its Kafka from {@code DIR/kafka.properties}). With neither,
 * {@code ./writer.yaml} when it exists, else {@code ./otlake-data}.
 */
final class CommandConfig {
  static final String HELP = """
        --config FILE   the writer's configuration (Kafka, catalog, tables)
        --data DIR      a running ./otlake local's data folder (its catalog and Kafka); with neither option,
                        ./writer.yaml when it exists, else ./otlake-data
      """;

  private CommandConfig() {}

  /** Whether {@code arg} is one of the two options (each takes a value). */
  static boolean isOption(String arg) {
    return arg.equals("--config") || arg.equals("--data");
  }

  /**
   * The writer configuration the options point at, with {@code overrides} on top. Throws
   * {@link io.otlake.proto.config.ConfigException} for a bad configuration and IllegalArgumentException (with a
   * one-line message) for options that point nowhere.
   */
  static WriterConfig load(Path file, Path data, Map<String, String> overrides) {
    if (file != null && data != null) {
      throw new IllegalArgumentException("give --config or --data, not both");
    }
    if (file == null && data == null && Files.exists(Path.of("writer.yaml"))) {
      file = Path.of("writer.yaml");
    }
    Map<String, String> o = new LinkedHashMap<>(overrides);
    if (file == null) {
      localMode(data == null ? Path.of("otlake-data") : data).forEach(o::putIfAbsent);
    }
    return WriterConfig.load(file, System.getenv(), o);
  }

  /**
   * The writer keys that point at a running local mode: its catalog from {@code DIR/catalog.properties} and, when
   * {@code DIR/kafka.properties} exists, its Kafka ({@code bootstrap.servers}).
   */
  static Map<String, String> localMode(Path dir) {
    Path catalog = dir.resolve("catalog.properties");
    if (!Files.isRegularFile(catalog)) {
      throw new IllegalArgumentException("no " + catalog + ": start ./otlake local (it writes that file) or give the"
          + " writer's configuration with --config");
    }
    Map<String, String> o = new LinkedHashMap<>();
    Properties p = read(catalog);
    for (String k : p.stringPropertyNames()) {
      if (k.equals("name")) {
        o.put("iceberg.catalog-name", p.getProperty(k));
      } else {
        o.put("iceberg.catalog." + k, p.getProperty(k));
      }
    }
    Path kafka = dir.resolve("kafka.properties");
    if (Files.isRegularFile(kafka)) {
      String servers = read(kafka).getProperty("bootstrap.servers");
      if (servers != null && !servers.isBlank()) {
        o.put("kafka.bootstrap.servers", servers.trim());
      }
    }
    return o;
  }

  private static Properties read(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
    return p;
  }
}
