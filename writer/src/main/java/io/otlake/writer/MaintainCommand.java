package io.otlake.writer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otlake.proto.config.ConfigException;
import io.otlake.writer.config.WriterConfig;
import io.otlake.writer.maintenance.MaintenanceMetrics;
import io.otlake.writer.maintenance.MaintenanceSettings;
import io.otlake.writer.maintenance.Maintainer;
import io.otlake.writer.maintenance.StepResult;
import io.otlake.writer.table.Catalogs;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;

/**
 * {@code ./otlake maintain [--config FILE | --data DIR] [--table NS.NAME ...] [--steps LIST] [--set KEY=VALUE ...]}:
 * runs table maintenance once on the writer's tables and prints one line per step and table.
 */
public final class MaintainCommand {
  static final String USAGE = """
      usage: otlake maintain [--config writer.yaml | --data DIR] [--table NS.NAME ...] [--steps LIST] [--set KEY=VALUE ...]

      Runs table maintenance once on the writer's tables (retention, compaction, manifest rewrite, snapshot expiry,
      orphan removal; the maintenance.* keys of ./otlake writer --help say what each does) and prints one line per
      step and table. It is safe while writers and other maintainers run: every step is an Iceberg commit that
      validates against what landed meanwhile.

        --config FILE   the writer's configuration (catalog, tables, maintenance.* keys)
        --data DIR      a running ./otlake local's data folder: its catalog from DIR/catalog.properties
                        (with neither option, ./writer.yaml when it exists, else ./otlake-data)
        --table NS.NAME maintain this table instead of the configuration's (repeatable)
        --steps LIST    only these steps, e.g. compact,expire (default: maintenance.steps)
        --set KEY=VALUE override a configuration key, e.g. --set maintenance.retention.days=30
      Exit status: 0 when every step succeeded, 1 when one failed, 2 on a usage or configuration error.
      """;

  private MaintainCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    Path file = null;
    Path data = null;
    List<TableIdentifier> tables = new ArrayList<>();
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        out.print(USAGE);
        return 0;
      }
      if (!List.of("--config", "--data", "--table", "--steps", "--set").contains(a)) {
        err.println("otlake maintain: unexpected argument '" + a + "' (see --help)");
        return 2;
      }
      if (i + 1 >= args.length) {
        err.println("otlake maintain: " + a + " needs a value (see --help)");
        return 2;
      }
      String v = args[++i];
      switch (a) {
        case "--config" -> file = Path.of(v);
        case "--data" -> data = Path.of(v);
        case "--table" -> {
          if (!v.contains(".")) {
            err.println("otlake maintain: --table takes NAMESPACE.NAME, not '" + v + "'");
            return 2;
          }
          tables.add(TableIdentifier.parse(v));
        }
        case "--steps" -> overrides.put("maintenance.steps", v);
        default -> {
          int eq = v.indexOf('=');
          if (eq <= 0) {
            err.println("otlake maintain: --set takes KEY=VALUE, not '" + v + "'");
            return 2;
          }
          overrides.put(v.substring(0, eq), v.substring(eq + 1));
        }
      }
    }
    WriterConfig config;
    try {
      config = CommandConfig.load(file, data, overrides);
    } catch (ConfigException e) {
      err.println("configuration error: " + e.getMessage());
      return 2;
    } catch (IllegalArgumentException e) {
      err.println("otlake maintain: " + e.getMessage());
      return 2;
    }
    if (tables.isEmpty()) {
      tables.addAll(config.ownedTables());
    }
    MaintenanceSettings settings = config.maintenance();
    Maintainer maintainer = new Maintainer(settings, new MaintenanceMetrics(new SimpleMeterRegistry()),
        System::currentTimeMillis, () -> false);
    Catalog catalog = Catalogs.build(config.catalogName(), config.catalogProperties());
    int status = 0;
    try {
      for (TableIdentifier id : tables) {
        try {
          for (StepResult r : maintainer.run(catalog.loadTable(id))) {
            out.println(r.line());
            if (r.failed()) {
              status = 1;
            }
          }
        } catch (NoSuchTableException e) {
          err.println("otlake maintain: no table " + id + " in catalog " + config.catalogName());
          status = 1;
        }
      }
    } finally {
      if (catalog instanceof Closeable c) {
        try {
          c.close();
        } catch (IOException ignored) {
          // a one-off command ends here anyway
        }
      }
    }
    return status;
  }
}
