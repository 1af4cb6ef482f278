package io.otlake.writer.inspect;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders a trace's spans as an indented tree by parent span id, children in start order, each line with its start
 * relative to the trace's start, its duration, service, operation and status; ERROR spans are marked with {@code !}
 * in the first column and their status message. A span whose parent is not in the trace (an orphan: its parent was
 * not sent, or is still in Kafka) is shown at the root with a note; so are spans in a parent cycle. Then the trace's
 * log records in time order. Time and output are linear in the spans (indentation stops growing at
 * {@link #MAX_INDENT} levels and names the depth instead).
 */
public final class TraceTree {
  static final int MAX_INDENT = 32;
  /** Longest log body shown; longer ones are cut with an ellipsis. */
  static final int MAX_BODY = 500;

  private static final Comparator<SpanRow> START_ORDER =
      Comparator.comparingLong(SpanRow::startMicros).thenComparing(SpanRow::spanId);

  private TraceTree() {}

  /**
   * The trace as text. {@code logs} null: there is no logs table (nothing is said of logs); empty: no log record has
   * the trace id.
   */
  public static String render(String traceId, List<SpanRow> spans, List<LogRow> logs) {
    StringBuilder b = new StringBuilder();
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    Set<String> services = new LinkedHashSet<>();
    int errors = 0;
    for (SpanRow s : spans) {
      start = Math.min(start, s.startMicros());
      end = Math.max(end, s.startMicros() + Math.round(s.durationMs() * 1000));
      services.add(s.service() == null ? "?" : s.service());
      errors += s.isError() ? 1 : 0;
    }
    if (spans.isEmpty() && logs != null) {
      for (LogRow l : logs) {
        start = Math.min(start, l.timeMicros());
      }
    }
    b.append("trace ").append(traceId).append(": ").append(spans.size()).append(spans.size() == 1 ? " span" : " spans")
        .append(", ").append(services.size()).append(services.size() == 1 ? " service" : " services");
    if (errors > 0) {
      b.append(", ").append(errors).append(errors == 1 ? " error" : " errors");
    }
    if (!spans.isEmpty()) {
      b.append(String.format(Locale.ROOT, ", %.3f ms, started %s", (end - start) / 1000.0, instant(start)));
    }
    b.append('\n');
    if (!spans.isEmpty()) {
      b.append(String.format(Locale.ROOT, "  %12s %12s  %s%n", "start ms", "duration ms", "service operation"));
      tree(b, spans, start);
    }
    if (logs != null) {
      logs(b, logs, start == Long.MAX_VALUE ? 0 : start);
    }
    return b.toString();
  }

  private static void tree(StringBuilder b, List<SpanRow> spans, long traceStart) {
    Map<String, SpanRow> byId = new HashMap<>();
    for (SpanRow s : spans) {
      byId.putIfAbsent(s.spanId(), s);
    }
    Map<SpanRow, List<SpanRow>> children = new IdentityHashMap<>();
    List<SpanRow> tops = new ArrayList<>();
    Map<SpanRow, String> notes = new IdentityHashMap<>();
    for (SpanRow s : spans) {
      String parent = s.parentSpanId();
      if (parent == null || parent.isEmpty()) {
        tops.add(s);
      } else {
        SpanRow p = byId.get(parent);
        if (p == null || p == s) {
          tops.add(s);
          notes.put(s, "orphan: parent " + parent + " is not in the trace");
        } else {
          children.computeIfAbsent(p, k -> new ArrayList<>()).add(s);
        }
      }
    }
    children.values().forEach(l -> l.sort(START_ORDER));
    tops.sort(START_ORDER);
    Set<SpanRow> shown = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    walk(b, tops, children, notes, shown, traceStart);
    if (shown.size() < spans.size()) {
      // what is left hangs off a cycle of parents (a span its own ancestor): show each cycle from its earliest span
      List<SpanRow> rest = new ArrayList<>();
      for (SpanRow s : spans) {
        if (!shown.contains(s)) {
          rest.add(s);
        }
      }
      rest.sort(START_ORDER);
      for (SpanRow s : rest) {
        if (!shown.contains(s)) {
          notes.put(s, "in a cycle of parents: parent " + s.parentSpanId());
          walk(b, List.of(s), children, notes, shown, traceStart);
        }
      }
    }
  }

  private record Item(SpanRow span, int depth) {}

  private static void walk(StringBuilder b, List<SpanRow> tops, Map<SpanRow, List<SpanRow>> children,
      Map<SpanRow, String> notes, Set<SpanRow> shown, long traceStart) {
    ArrayDeque<Item> stack = new ArrayDeque<>();
    for (int i = tops.size() - 1; i >= 0; i--) {
      stack.push(new Item(tops.get(i), 0));
    }
    while (!stack.isEmpty()) {
      Item it = stack.pop();
      if (!shown.add(it.span())) {
        continue;
      }
      line(b, it.span(), it.depth(), notes.get(it.span()), traceStart);
      List<SpanRow> kids = children.getOrDefault(it.span(), List.of());
      for (int i = kids.size() - 1; i >= 0; i--) {
        stack.push(new Item(kids.get(i), it.depth() + 1));
      }
    }
  }

  private static void line(StringBuilder b, SpanRow s, int depth, String note, long traceStart) {
    b.append(s.isError() ? "! " : "  ");
    b.append(String.format(Locale.ROOT, "%12.3f %12.3f  ", (s.startMicros() - traceStart) / 1000.0, s.durationMs()));
    if (depth > MAX_INDENT) {
      b.append("  ".repeat(MAX_INDENT)).append("[depth ").append(depth).append("] ");
    } else {
      b.append("  ".repeat(depth));
    }
    b.append(s.service() == null ? "?" : s.service()).append(' ').append(s.operation() == null ? "?" : s.operation());
    if (s.isError()) {
      b.append("  ERROR");
      if (s.statusMessage() != null && !s.statusMessage().isEmpty()) {
        b.append(": ").append(oneLine(s.statusMessage(), MAX_BODY));
      }
    } else if (s.statusCode() == 1) {
      b.append("  OK");
    }
    if (note != null) {
      b.append("  (").append(note).append(')');
    }
    b.append('\n');
  }

  private static void logs(StringBuilder b, List<LogRow> logs, long traceStart) {
    if (logs.isEmpty()) {
      b.append("no log records with this trace id\n");
      return;
    }
    List<LogRow> sorted = new ArrayList<>(logs);
    sorted.sort(Comparator.comparingLong(LogRow::timeMicros));
    b.append(sorted.size()).append(sorted.size() == 1 ? " log record" : " log records").append(", in time order:\n");
    b.append(String.format(Locale.ROOT, "  %12s  %-27s  %-8s  %s%n", "start ms", "time", "severity",
        "service: body"));
    for (LogRow l : sorted) {
      b.append(String.format(Locale.ROOT, "  %12.3f  %-27s  %-8s  %s: %s", (l.timeMicros() - traceStart) / 1000.0,
          instant(l.timeMicros()), l.severity() == null ? "-" : l.severity(), l.service() == null ? "?" : l.service(),
          l.body() == null ? "" : oneLine(l.body(), MAX_BODY)));
      if (l.spanId() != null && !l.spanId().isEmpty()) {
        b.append("  [span ").append(l.spanId()).append(']');
      }
      b.append('\n');
    }
  }

  private static String instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).toString();
  }

  private static String oneLine(String s, int max) {
    String t = s.length() > max ? s.substring(0, max) + "…" : s;
    return t.replace("\r", "\\r").replace("\n", "\\n");
  }
}
