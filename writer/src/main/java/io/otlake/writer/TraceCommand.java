package io.otlake.writer;

import io.otlake.writer.config.WriterConfig;
import io.otlake.writer.inspect.Bounded;
import io.otlake.writer.inspect.LogRow;
import io.otlake.writer.inspect.SpanRow;
import io.otlake.writer.inspect.TableTopics;
import io.otlake.writer.inspect.TraceReader;
import io.otlake.writer.inspect.TraceTree;
import io.otlake.writer.table.Catalogs;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * {@code ./otlake trace [--config FILE | --data DIR] TRACE_ID}: one trace from the spans table, read through Iceberg
 * with a filter on trace_id, as an indented tree ({@link TraceTree}), and its log records when the namespace has a
 * {@code logs} table.
 */
public final class TraceCommand {
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-fA-F]{32}");

  static final String USAGE = """
      usage: otlake trace [--config writer.yaml | --data DIR] TRACE_ID

      Prints one trace (TRACE_ID: 32 hex digits) from the writer's spans table as a tree by parent span: each span's
      start relative to the trace's start, duration, service, operation and status, ERROR spans marked with '!'
      and their status message, spans whose parent is missing at the root with a note. When the namespace has a
      'logs' table, the trace's log records follow in time order. Reads through Iceberg with a filter on trace_id
      (the spans table's trace_id bloom filters let it skip row groups without the id).

      """ + CommandConfig.HELP + """
      Exit status: 0 when the trace was found, 1 when it was not or the catalog did not answer (within 10 s), 2 on
      a usage or configuration error.
      """;

  private TraceCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    return CommandConfig.run("trace", err, () -> {
      CommandConfig.Args in = new CommandConfig.Args(args);
      String traceId = null;
      for (String a = in.next(); a != null; a = in.next()) {
        if (a.equals("--help") || a.equals("-h")) {
          out.print(USAGE);
          return 0;
        } else if (in.location(a)) {
          continue;
        } else if (a.startsWith("-") || traceId != null) {
          throw CommandConfig.Args.unexpected(a);
        } else {
          traceId = a;
        }
      }
      if (traceId == null) {
        err.print(USAGE);
        return 2;
      }
      if (!TRACE_ID.matcher(traceId).matches()) {
        throw new CommandConfig.UsageError("'" + cut(traceId) + "' is not a trace id (32 hex digits)");
      }
      return show(in.load(Map.of()), traceId.toLowerCase(Locale.ROOT), out, err);
    });
  }

  private static int show(WriterConfig config, String id, PrintStream out, PrintStream err) {
    String where = CommandConfig.catalogWhere(config);
    Catalog catalog = CommandConfig.reachCatalog(config, StatusCommand.REACH_TIMEOUT);
    try {
      TableIdentifier tracesId = config.ownedTables().get(0);
      Table traces = Bounded.call(where, StatusCommand.REACH_TIMEOUT, () -> Catalogs.loadOrNull(catalog, tracesId));
      if (traces == null) {
        err.println("otlake trace: no table " + tracesId + " in catalog " + config.catalogName());
        return 1;
      }
      TableIdentifier logsId = TableTopics.logsTable(config);
      return Bounded.call("reading trace " + id, StatusCommand.READ_TIMEOUT, () -> {
        TraceReader.Rows<SpanRow> spans = TraceReader.spans(traces, id);
        Table logsTable = Catalogs.loadOrNull(catalog, logsId);
        TraceReader.Rows<LogRow> logs = logsTable == null ? null : TraceReader.logs(logsTable, id);
        if (spans.rows().isEmpty() && (logs == null || logs.rows().isEmpty())) {
          err.println("otlake trace: no trace " + id + " in " + tracesId
              + (logsTable == null ? "" : " or " + logsId));
          return 1;
        }
        out.print(TraceTree.render(id, spans.rows(), logs == null ? null : logs.rows()));
        if (spans.cut() || (logs != null && logs.cut())) {
          out.printf("(cut at %,d rows per table)%n", TraceReader.MAX_ROWS);
        }
        return 0;
      });
    } finally {
      Catalogs.close(catalog);
    }
  }

  private static String cut(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }
}
