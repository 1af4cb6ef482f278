package io.otlake.writer.maintenance;

import io.otlake.writer.maintenance.MaintenanceSettings.Step;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one maintenance step did to one table.
 *
 * @param counts what was counted, by meter name below {@code otlake.maintenance.} (e.g. {@code files.rewritten});
 *     each is added to that counter, tagged with the table
 * @param note what the step found or why it did nothing, for the log line; null when the counts say it all
 * @param error null unless the step failed
 */
public record StepResult(String table, Step step, Map<String, Long> counts, String note, Duration took,
    String error) {

  public StepResult {
    counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
  }

  public boolean failed() {
    return error != null;
  }

  public long count(String name) {
    return counts.getOrDefault(name, 0L);
  }

  /** One line: {@code otel.traces compact: files.rewritten=12 bytes.rewritten=3.1MiB ... (1.2 s)}. */
  public String line() {
    StringBuilder b = new StringBuilder(table).append(' ').append(step.id()).append(": ");
    if (error != null) {
      b.append("FAILED: ").append(error).append(' ');
    }
    counts.forEach((k, v) -> b.append(k).append('=').append(k.startsWith("bytes") ? bytes(v) : Long.toString(v))
        .append(' '));
    if (note != null) {
      b.append("(").append(note).append(") ");
    }
    b.append("in ").append(String.format("%.2f s", took.toNanos() / 1e9));
    return b.toString();
  }

  static String bytes(long n) {
    if (n < 10 << 10) {
      return n + "B";
    }
    if (n < 10L << 20) {
      return String.format("%.1fKiB", n / 1024.0);
    }
    if (n < 10L << 30) {
      return String.format("%.1fMiB", n / (1024.0 * 1024));
    }
    return String.format("%.1fGiB", n / (1024.0 * 1024 * 1024));
  }

  /** Collects counts in the order they are first named. */
  static final class Counts {
    private final Map<String, Long> values = new LinkedHashMap<>();

    Counts add(String name, long n) {
      values.merge(name, n, Long::sum);
      return this;
    }

    Map<String, Long> values() {
      return values;
    }
  }
}
