package io.otlake.gateway.signals;

import io.otlake.gateway.signals.logs.Logs;
import io.otlake.gateway.signals.metrics.Metrics;
import io.otlake.gateway.signals.traces.Traces;
import java.util.List;

/** The signals the gateway serves: adding one is a unit under this package plus a line here. */
public final class Signals {
  public static final List<SignalUnit> ALL = List.of(Traces.UNIT, Logs.UNIT, Metrics.UNIT);

  private Signals() {}
}
