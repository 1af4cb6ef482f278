package io.otlake.writer;

import io.otlake.writer.config.WriterConfig;
import io.otlake.writer.inspect.Bounded;
import io.otlake.writer.inspect.KafkaView;
import io.otlake.writer.inspect.LakeStatus;
import io.otlake.writer.inspect.StatusReport;
import io.otlake.writer.inspect.TableStatus;
import io.otlake.writer.table.Catalogs;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * {@code ./otlake status [--config FILE | --data DIR] [--json]}: per table the writer owns, its snapshots, rows, data
 * files and bytes, files per partition, last commit, the writer group's lag per Kafka partition and the topic's dead
 * letters.
 */
public final class StatusCommand {
  /**
   * How long the catalog may take to answer (building it and reading the first table's metadata from storage, in a
   * JVM that just started) before the command gives up with one line.
   */
  static final Duration REACH_TIMEOUT = Duration.ofSeconds(10);
  /** How long Kafka may take to answer a request before the command gives up with one line. */
  static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);
  /** How long reading every table's status may take once the catalog answered (planning a big table's files). */
  static final Duration READ_TIMEOUT = Duration.ofMinutes(5);

  static final String USAGE = """
      usage: otlake status [--config writer.yaml | --data DIR] [--json]

      Shows, per table the writer owns: snapshots, rows, data files and bytes, files per partition, the last commit
      and its age, the writer group's position against the end of each Kafka partition (the lag, in records) and
      the records dead-lettered to <topic>_dlq. Reads only: nothing is written to Kafka or the catalog.

      """ + CommandConfig.HELP + """
        --json          print JSON for scripts instead of text
      Exit status: 0 when shown, 1 when Kafka (within 5 s) or the catalog (within 10 s) did not answer, 2 on a
      usage or configuration error.
      """;

  private StatusCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    return CommandConfig.run("status", err, () -> {
      CommandConfig.Args in = new CommandConfig.Args(args);
      boolean json = false;
      for (String a = in.next(); a != null; a = in.next()) {
        if (a.equals("--help") || a.equals("-h")) {
          out.print(USAGE);
          return 0;
        } else if (a.equals("--json")) {
          json = true;
        } else if (!in.location(a)) {
          throw CommandConfig.Args.unexpected(a);
        }
      }
      WriterConfig config = in.load(Map.of());
      List<TableStatus> tables = gather(config);
      long now = System.currentTimeMillis();
      out.print(json ? StatusReport.json(tables, now) : StatusReport.text(tables, now));
      return 0;
    });
  }

  private static List<TableStatus> gather(WriterConfig config) {
    String where = CommandConfig.catalogWhere(config);
    Catalog catalog = CommandConfig.reachCatalog(config, REACH_TIMEOUT);
    try (KafkaView kafka = KafkaView.connect(config.bootstrapServers(), config.consumerProperties(), KAFKA_TIMEOUT)) {
      List<TableIdentifier> ids = config.ownedTables();
      // the first table's metadata read shows whether the catalog and its storage answer
      Table first = Bounded.call(where, REACH_TIMEOUT, () -> Catalogs.loadOrNull(catalog, ids.get(0)));
      return Bounded.call("reading the tables' status", READ_TIMEOUT, () -> {
        List<TableStatus> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
          Table t = i == 0 ? first : Catalogs.loadOrNull(catalog, ids.get(i));
          out.add(t == null ? TableStatus.missing(ids.get(i).toString()) : LakeStatus.of(config, ids.get(i), t, kafka));
        }
        return out;
      });
    } finally {
      Catalogs.close(catalog);
    }
  }
}
