package io.otlake.writer.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trace tree as pure logic: structure by parent span id, start order, errors, orphans, cycles, depth. */
class TraceTreeTest {
  private static final long T0 = 1_780_000_000_000_000L;

  private static SpanRow span(String id, String parent, String service, String op, long startMicros, double ms,
      int status, String message) {
    return new SpanRow(id, parent, service, op, T0 + startMicros, ms, status, message);
  }

  /** The lines of the tree (after the header lines), each cut to its indentation and "service operation ...". */
  private static List<String> treeLines(String text) {
    List<String> out = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int i = 2; i < lines.length; i++) {
      if (lines[i].contains("log record")) {
        break;
      }
      out.add(lines[i].charAt(0) + "|" + lines[i].substring(29));
    }
    return out;
  }

  @Test
  void spansNestUnderTheirParentsInStartOrder() {
    List<SpanRow> spans = List.of(
        span("c2", "b1", "payment", "Charge", 5_000, 30, 2, "card declined"),
        span("a0", null, "frontend", "GET /checkout", 0, 120.5, 1, null),
        span("b2", "a0", "checkout", "Reserve", 90_000, 10, 0, null),
        span("b1", "a0", "checkout", "PlaceOrder", 1_200, 80, 0, null),
        span("c1", "b1", "db", "SELECT", 2_000, 1, 0, null));
    String text = TraceTree.render("4bf92f3577b34da6a3ce929d0e0e4736", spans, null);
    assertThat(text).startsWith("trace 4bf92f3577b34da6a3ce929d0e0e4736: 5 spans, 4 services, 1 error, 120.500 ms,"
        + " started ");
    assertThat(treeLines(text)).containsExactly(
        " |frontend GET /checkout  OK",
        " |  checkout PlaceOrder",
        " |    db SELECT",
        "!|    payment Charge  ERROR: card declined",
        " |  checkout Reserve");
    // start offsets relative to the trace's start, and durations
    assertThat(text).contains("       1.200       80.000    checkout PlaceOrder");
    assertThat(text).contains("      90.000       10.000    checkout Reserve");
    assertThat(text).doesNotContain("log record");
  }

  @Test
  void orphansAreShownAtTheRootWithANote() {
    List<SpanRow> spans = List.of(
        span("a0", null, "frontend", "GET /", 0, 10, 0, null),
        span("x1", "ffffffffffffffff", "worker", "job", 3_000, 2, 0, null),
        span("x2", "x1", "worker", "step", 3_500, 1, 0, null),
        span("self", "self", "odd", "loop", 4_000, 1, 0, null));
    String text = TraceTree.render("00000000000000000000000000000001", spans, List.of());
    assertThat(treeLines(text)).containsExactly(
        " |frontend GET /",
        " |worker job  (orphan: parent ffffffffffffffff is not in the trace)",
        " |  worker step",
        " |odd loop  (orphan: parent self is not in the trace)");
    assertThat(text).endsWith("\nno log records with this trace id\n");
  }

  @Test
  void aCycleOfParentsIsShownOnceWithANote() {
    List<SpanRow> spans = List.of(
        span("a", "b", "s", "one", 0, 1, 0, null),
        span("b", "a", "s", "two", 1_000, 1, 0, null));
    assertThat(treeLines(TraceTree.render("00000000000000000000000000000002", spans, null))).containsExactly(
        " |s one  (in a cycle of parents: parent b)",
        " |  s two");
  }

  @Test
  void aDeepChainStaysLinearAndNamesItsDepth() {
    List<SpanRow> spans = new ArrayList<>();
    int depth = 5000;
    for (int i = 0; i < depth; i++) {
      spans.add(span("s" + i, i == 0 ? null : "s" + (i - 1), "svc", "op" + i, i, 1, 0, null));
    }
    String text = TraceTree.render("00000000000000000000000000000003", spans, null);
    List<String> lines = treeLines(text);
    assertThat(lines).hasSize(depth);
    assertThat(lines.get(depth - 1)).isEqualTo(" |" + "  ".repeat(TraceTree.MAX_INDENT) + "[depth 4999] svc op4999");
    assertThat(text.length()).isLessThan(depth * 120);
  }

  @Test
  void logsFollowInTimeOrderRelativeToTheTraceStart() {
    List<SpanRow> spans = List.of(span("a0", null, "frontend", "GET /", 0, 10, 0, null));
    List<LogRow> logs = List.of(
        new LogRow(T0 + 7_000, "ERROR", "payment", "c2", "card declined\nretrying"),
        new LogRow(T0 + 2_000, "INFO", "frontend", null, "request started"));
    String text = TraceTree.render("00000000000000000000000000000004", spans, logs);
    String section = text.substring(text.indexOf("2 log records, in time order:"));
    String[] lines = section.split("\n");
    assertThat(lines[2]).contains("       2.000  ").contains("INFO").contains("frontend: request started")
        .doesNotContain("[span");
    assertThat(lines[3]).contains("       7.000  ").contains("ERROR").contains("payment: card declined\\nretrying")
        .endsWith("[span c2]");
  }

  @Test
  void onlyLogsStillShowTheirTimes() {
    String text = TraceTree.render("00000000000000000000000000000005", List.of(),
        List.of(new LogRow(T0, "WARN", "svc", null, "alone")));
    assertThat(text).startsWith("trace 00000000000000000000000000000005: 0 spans, 0 services\n");
    assertThat(text).contains("1 log record, in time order:").contains("0.000").contains("svc: alone");
  }
}
