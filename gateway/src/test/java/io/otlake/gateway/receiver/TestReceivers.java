package io.otlake.gateway.receiver;

import io.otlake.gateway.signals.SignalUnit;
import io.otlake.gateway.signals.Signals;
import io.otlake.proto.RecordSplitter;
import java.util.List;

/** Receivers for tests: every signal on one sink and one intake, the gateway's clock at {@code nowNanos}. */
public final class TestReceivers {
  private TestReceivers() {}

  public static SignalReceiver of(SignalUnit unit, RecordSink sink, long nowNanos, Intake intake,
      int maxRecordBytes) {
    return new SignalReceiver(unit, FanOutLimits.NONE, new RecordSplitter(maxRecordBytes), sink,
        () -> nowNanos / 1_000_000L, intake);
  }

  public static List<SignalReceiver> all(RecordSink sink, long nowNanos, Intake intake, int maxRecordBytes) {
    return Signals.ALL.stream().map(u -> of(u, sink, nowNanos, intake, maxRecordBytes)).toList();
  }
}
