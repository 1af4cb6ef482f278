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

  /** How a message names the configuration's catalog: its name and URI (or type). */
  static String catalogWhere(WriterConfig config) {
    return "catalog '" + config.catalogName() + "' (" + config.catalogProperties().getOrDefault("uri",
        config.catalogProperties().getOrDefault("type", "?")) + ")";
  }

  /** The configuration's catalog, built within {@code timeout} or {@link io.otlake.writer.inspect.Unreachable}. */
  static org.apache.iceberg.catalog.Catalog reachCatalog(WriterConfig config, java.time.Duration timeout) {
    return io.otlake.writer.inspect.Bounded.call(catalogWhere(config), timeout,
        () -> io.otlake.writer.table.Catalogs.build(config.catalogName(), config.catalogProperties()));
  }

  /** A usage error of a one-off command: its message is the one line printed after the command's name; exit 2. */
  static final class UsageError extends RuntimeException {
    UsageError(String message) {
      super(message);
    }
  }

  /**
   * A command's arguments read one at a time, with the options every command shares: {@code --config FILE} and
   * {@code --data DIR} are taken by {@link #location}, the value of any option by {@link #value}, and every mistake
   * is a {@link UsageError} with one line.
   */
  static final class Args {
    private final String[] args;
    private int next;
    private Path file;
    private Path data;

    Args(String[] args) {
      this.args = args;
    }

    /** The next argument, or null after the last. */
    String next() {
      return next < args.length ? args[next++] : null;
    }

    /** The value of {@code option}, the argument just read. */
    String value(String option) {
      if (next >= args.length) {
        throw new UsageError(option + " needs a value (see --help)");
      }
      return args[next++];
    }

    /** Takes {@code arg} (and its value) when it is {@code --config} or {@code --data}; says whether it did. */
    boolean location(String arg) {
      if (arg.equals("--config")) {
        file = Path.of(value(arg));
      } else if (arg.equals("--data")) {
        data = Path.of(value(arg));
      } else {
        return false;
      }
      return true;
    }

    static UsageError unexpected(String arg) {
      return new UsageError("unexpected argument '" + arg + "' (see --help)");
    }

    /**
     * The writer configuration the options point at, with {@code overrides} on top; a bad configuration is a
     * {@link io.otlake.proto.config.ConfigException}, options that point nowhere a {@link UsageError}.
     */
    WriterConfig load(Map<String, String> overrides) {
      try {
        return CommandConfig.load(file, data, overrides);
      } catch (io.otlake.proto.config.ConfigException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw new UsageError(e.getMessage());
      }
    }
  }

  /**
   * Runs a command's body, turning its errors into the one line and exit status every command gives: 2 for a usage
   * or configuration error, 1 for any other failure (the body returns its own status otherwise).
   */
  static int run(String command, java.io.PrintStream err, java.util.function.IntSupplier body) {
    try {
      return body.getAsInt();
    } catch (UsageError e) {
      err.println("otlake " + command + ": " + e.getMessage());
      return 2;
    } catch (io.otlake.proto.config.ConfigException e) {
      err.println("configuration error: " + e.getMessage());
      return 2;
    } catch (io.otlake.writer.inspect.Unreachable e) {
      err.println("otlake " + command + ": " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      err.println("otlake " + command + ": " + io.otlake.writer.inspect.Bounded.oneLine(e));
      return 1;
    }
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
