package io.otlake.bench.jmh;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.otlake.bench.DemoTelemetry;
import io.otlake.gateway.receiver.SpanValidator;
import io.otlake.proto.OtlpRecord;
import io.otlake.proto.RecordTooLargeException;
import io.otlake.proto.TraceSplitter;
import io.otlake.proto.wire.ScannedTraces;
import io.otlake.writer.decode.SpanRows;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The hot paths on one demo-shaped request of ~512 spans: the gateway's decode + validate + split, and the writer's
 * decode + row building. Scores are requests per second; multiply by {@link #spans} for spans per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HotPathBenchmarks {
  byte[] payload;
  int spans;
  final SpanValidator validator = new SpanValidator(() -> System.currentTimeMillis() * 1_000_000L);
  final TraceSplitter splitter = new TraceSplitter(1_000_000);
  final SpanRows rows = new SpanRows();

  /** The request every benchmark here works on. */
  public static ExportTraceServiceRequest sample() {
    return new DemoTelemetry(5, System.currentTimeMillis() * 1_000_000L - 60_000_000_000L, 200, 1).request(512);
  }

  @Setup(Level.Trial)
  public void setUp() {
    ExportTraceServiceRequest r = sample();
    payload = r.toByteArray();
    spans = r.getResourceSpansList().stream().flatMap(rs -> rs.getScopeSpansList().stream())
        .mapToInt(ss -> ss.getSpansCount()).sum();
  }

  /** Gateway: scan the request bytes, validate every span, split into per-trace records. */
  @Benchmark
  public List<OtlpRecord> decodeValidateSplit() throws Exception {
    ScannedTraces r = ScannedTraces.scan(payload);
    if (validator.validate(r) != null) {
      throw new IllegalStateException();
    }
    try {
      return splitter.split(r);
    } catch (RecordTooLargeException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writer: parse a record value and build the table rows of its spans. */
  @Benchmark
  public void decodeToRows(Blackhole bh) throws Exception {
    rows.decode(ExportTraceServiceRequest.parseFrom(payload), bh::consume);
  }
}
