package io.otlake.writer.signals;

import io.otlake.proto.Signal;
import io.otlake.writer.signals.logs.LogsSignal;
import io.otlake.writer.signals.metrics.MetricsSignal;
import io.otlake.writer.signals.traces.TracesSignal;
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
}
