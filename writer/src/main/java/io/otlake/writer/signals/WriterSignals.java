package io.otlake.writer.signals;

import io.otlake.proto.Signal;
import io.otlake.writer.signals.logs.LogsSignal;
import io.otlake.writer.signals.metrics.MetricsSignal;
import io.otlake.writer.signals.traces.TracesSignal;
import java.util.ArrayList;
import java.util.List;

/** Every signal the writer can write: one line per signal. */
public final class WriterSignals {
  public static final List<WriterSignal<?>> ALL = List.of(TracesSignal.INSTANCE, LogsSignal.INSTANCE, MetricsSignal.INSTANCE);

  private WriterSignals() {}

  public static WriterSignal<?> of(Signal signal) {
    for (WriterSignal<?> s : ALL) {
      if (s.signal() == signal) {
        return s;
      }
    }
    throw new IllegalArgumentException("the writer has no unit for " + signal);
  }

  /** The signal feeding the table of default name {@code tableName} ({@code traces}, {@code metrics_sum}, ...), or null. */
  public static Signal feeding(String tableName) {
    for (WriterSignal<?> s : ALL) {
      for (TableUnit<?> t : s.tables()) {
        if (t.defaultName().equals(tableName)) {
          return s.signal();
        }
      }
    }
    return null;
  }

  /** The default names of every table of every signal, comma-separated, for messages. */
  public static String tableNames() {
    List<String> names = new ArrayList<>();
    ALL.forEach(s -> s.tables().forEach(t -> names.add(t.defaultName())));
    return String.join(", ", names);
  }
}
