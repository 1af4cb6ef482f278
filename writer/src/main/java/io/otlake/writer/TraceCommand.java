package io.otlake.writer;

import io.otlake.proto.config.ConfigException;
import io.otlake.writer.config.WriterConfig;
import io.otlake.writer.inspect.Bounded;
import io.otlake.writer.inspect.LogRow;
import io.otlake.writer.inspect.SpanRow;
import io.otlake.writer.inspect.TableTopics;
import io.otlake.writer.inspect.TraceReader;
import io.otlake.writer.inspect.TraceTree;
import io.otlake.writer.inspect.Unreachable;
import io.otlake.writer.table.Catalogs;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;

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
    Path file = null;
    Path data = null;
    String traceId = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        out.print(USAGE);
        return 0;
      } else if (CommandConfig.isOption(a)) {
        if (i + 1 >= args.length) {
          err.println("otlake trace: " + a + " needs a value (see --help)");
          return 2;
        }
        if (a.equals("--config")) {
          file = Path.of(args[++i]);
        } else {
          data = Path.of(args[++i]);
        }
      } else if (a.startsWith("-") || traceId != null) {
        err.println("otlake trace: unexpected argument '" + a + "' (see --help)");
        return 2;
      } else {
        traceId = a;
      }
    }
    if (traceId == null) {
      err.print(USAGE);
      return 2;
    }
    if (!TRACE_ID.matcher(traceId).matches()) {
      err.println("otlake trace: '" + cut(traceId) + "' is not a trace id (32 hex digits)");
      return 2;
    }
    String id = traceId.toLowerCase(Locale.ROOT);
    WriterConfig config;
    try {
      config = CommandConfig.load(file, data, Map.of());
    } catch (ConfigException e) {
      err.println("configuration error: " + e.getMessage());
      return 2;
    } catch (IllegalArgumentException e) {
      err.println("otlake trace: " + e.getMessage());
      return 2;
    }
    try {
      return show(config, id, out, err);
    } catch (Unreachable e) {
      err.println("otlake trace: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      err.println("otlake trace: " + Bounded.oneLine(e));
      return 1;
    }
  }

  private static int show(WriterConfig config, String id, PrintStream out, PrintStream err) {
    String where = "catalog '" + config.catalogName() + "' (" + config.catalogProperties().getOrDefault("uri",
        config.catalogProperties().getOrDefault("type", "?")) + ")";
    Catalog catalog = Bounded.call(where, StatusCommand.REACH_TIMEOUT,
        () -> Catalogs.build(config.catalogName(), config.catalogProperties()));
    try {
      TableIdentifier tracesId = config.ownedTables().get(0);
      Table traces = Bounded.call(where, StatusCommand.REACH_TIMEOUT, () -> load(catalog, tracesId));
      if (traces == null) {
        err.println("otlake trace: no table " + tracesId + " in catalog " + config.catalogName());
        return 1;
      }
      TableIdentifier logsId = TableTopics.logsTable(config);
      return Bounded.call("reading trace " + id, StatusCommand.READ_TIMEOUT, () -> {
        TraceReader.Rows<SpanRow> spans = TraceReader.spans(traces, id);
        Table logsTable = load(catalog, logsId);
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
      if (catalog instanceof Closeable c) {
        try {
          c.close();
        } catch (IOException ignored) {
          // a one-off command ends here anyway
        }
      }
    }
  }

  private static Table load(Catalog catalog, TableIdentifier id) {
    try {
      return catalog.loadTable(id);
    } catch (NoSuchTableException e) {
      return null;
    }
  }

  private static String cut(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }
}
