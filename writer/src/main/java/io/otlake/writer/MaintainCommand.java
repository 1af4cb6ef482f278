package io.otlake.writer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otlake.writer.config.WriterConfig;
import io.otlake.writer.maintenance.MaintenanceMetrics;
import io.otlake.writer.maintenance.Maintainer;
import io.otlake.writer.maintenance.StepResult;
import io.otlake.writer.table.Catalogs;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;

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
    return CommandConfig.run("maintain", err, () -> {
      CommandConfig.Args in = new CommandConfig.Args(args);
      List<TableIdentifier> tables = new ArrayList<>();
      Map<String, String> overrides = new LinkedHashMap<>();
      for (String a = in.next(); a != null; a = in.next()) {
        if (a.equals("--help") || a.equals("-h")) {
          out.print(USAGE);
          return 0;
        } else if (in.location(a)) {
          continue;
        }
        switch (a) {
          case "--table" -> {
            String v = in.value(a);
            if (!v.contains(".")) {
              throw new CommandConfig.UsageError("--table takes NAMESPACE.NAME, not '" + v + "'");
            }
            tables.add(TableIdentifier.parse(v));
          }
          case "--steps" -> overrides.put("maintenance.steps", in.value(a));
          case "--set" -> {
            String v = in.value(a);
            int eq = v.indexOf('=');
            if (eq <= 0) {
              throw new CommandConfig.UsageError("--set takes KEY=VALUE, not '" + v + "'");
            }
            overrides.put(v.substring(0, eq), v.substring(eq + 1));
          }
          default -> throw CommandConfig.Args.unexpected(a);
        }
      }
      WriterConfig config = in.load(overrides);
      if (tables.isEmpty()) {
        tables.addAll(config.ownedTables());
      }
      return maintain(config, tables, out, err);
    });
  }

  private static int maintain(WriterConfig config, List<TableIdentifier> tables, PrintStream out, PrintStream err) {
    Maintainer maintainer = new Maintainer(config.maintenance(), new MaintenanceMetrics(new SimpleMeterRegistry()),
        System::currentTimeMillis, () -> false);
    Catalog catalog = Catalogs.build(config.catalogName(), config.catalogProperties());
    int status = 0;
    try {
      for (TableIdentifier id : tables) {
        Table table = Catalogs.loadOrNull(catalog, id);
        if (table == null) {
          err.println("otlake maintain: no table " + id + " in catalog " + config.catalogName());
          status = 1;
          continue;
        }
        for (StepResult r : maintainer.run(table)) {
          out.println(r.line());
          if (r.failed()) {
            status = 1;
          }
        }
      }
    } finally {
      Catalogs.close(catalog);
    }
    return status;
  }
}
