package io.otlake.writer.inspect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Reads one trace's spans and log records through Iceberg with the filter {@code trace_id = id}: file and row-group
 * pruning by column statistics and, where the table writes them, trace_id bloom filters; only the columns shown are
 * read. At most {@link #MAX_ROWS} rows of each table are kept.
 */
public final class TraceReader {
  /** Rows of a table kept for one trace; a trace with more is cut there (and the output says so). */
  public static final int MAX_ROWS = 100_000;

  private static final List<String> SPAN_COLUMNS = List.of("timestamp", "trace_id", "span_id", "parent_span_id",
      "service_name", "operation_name", "duration_ms", "status_code", "status_message");
  private static final List<String> LOG_COLUMNS = List.of("timestamp", "trace_id", "span_id", "severity_text",
      "severity_number", "body", "service_name");

  private TraceReader() {}

  /** The result of one read: rows in table order, and whether {@link #MAX_ROWS} cut it. */
  public record Rows<T>(List<T> rows, boolean cut) {}

  public static Rows<SpanRow> spans(Table traces, String traceId) {
    List<SpanRow> out = new ArrayList<>();
    boolean cut = read(traces, traceId, SPAN_COLUMNS, r -> out.add(new SpanRow(
        (String) r.getField("span_id"),
        (String) r.getField("parent_span_id"),
        (String) r.getField("service_name"),
        (String) r.getField("operation_name"),
        micros(r.getField("timestamp")),
        r.getField("duration_ms") == null ? 0 : ((Number) r.getField("duration_ms")).doubleValue(),
        r.getField("status_code") == null ? 0 : ((Number) r.getField("status_code")).intValue(),
        (String) r.getField("status_message"))), out::size);
    return new Rows<>(out, cut);
  }

  /**
   * The trace's log records from a logs table (columns timestamp, trace_id, span_id, severity_text,
   * severity_number, body, service_name; those missing read as null).
   */
  public static Rows<LogRow> logs(Table logs, String traceId) {
    List<LogRow> out = new ArrayList<>();
    boolean cut = read(logs, traceId, LOG_COLUMNS, r -> {
      Object text = field(r, "severity_text");
      Object number = field(r, "severity_number");
      String severity = text != null && !text.toString().isEmpty() ? text.toString()
          : number != null ? "SEV" + number : null;
      Object body = field(r, "body");
      Object span = field(r, "span_id");
      Object service = field(r, "service_name");
      out.add(new LogRow(micros(r.getField("timestamp")), severity, service == null ? null : service.toString(),
          span == null ? null : span.toString(), body == null ? null : body.toString()));
    }, out::size);
    return new Rows<>(out, cut);
  }

  private static Object field(Record r, String name) {
    return r.struct().field(name) == null ? null : r.getField(name);
  }

  private static boolean read(Table table, String traceId, List<String> columns,
      java.util.function.Consumer<Record> sink, java.util.function.IntSupplier size) {
    table.refresh();
    if (table.currentSnapshot() == null) {
      return false;
    }
    Schema schema = table.schema();
    if (schema.findField("trace_id") == null || schema.findField("timestamp") == null) {
      throw new IllegalStateException("table " + table.name() + " has no trace_id or timestamp column");
    }
    List<String> present = columns.stream().filter(c -> schema.findField(c) != null).toList();
    try (CloseableIterable<Record> it = IcebergGenerics.read(table).where(Expressions.equal("trace_id", traceId))
        .select(present).build()) {
      for (Record r : it) {
        if (!traceId.equals(r.getField("trace_id"))) {
          continue; // IcebergGenerics filters rows by the residual; this keeps the reader honest
        }
        if (size.getAsInt() >= MAX_ROWS) {
          return true;
        }
        sink.accept(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return false;
  }

  private static long micros(Object timestamp) {
    if (timestamp instanceof OffsetDateTime t) {
      return ChronoUnit.MICROS.between(OffsetDateTime.parse("1970-01-01T00:00:00Z"), t);
    }
    if (timestamp instanceof java.time.LocalDateTime t) {
      return ChronoUnit.MICROS.between(java.time.LocalDateTime.of(1970, 1, 1, 0, 0), t);
    }
    throw new IllegalStateException("unexpected timestamp value " + timestamp);
  }
}
