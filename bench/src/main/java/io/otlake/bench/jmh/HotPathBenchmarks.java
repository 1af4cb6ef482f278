package io.otlake.bench.jmh;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.otlake.bench.DemoTelemetry;
import io.otlake.bench.SpanRows;
import io.otlake.gateway.receiver.SpanValidator;
import io.otlake.proto.OtlpRecord;
import io.otlake.proto.RecordTooLargeException;
import io.otlake.proto.TraceSplitter;
import io.otlake.proto.wire.ScannedTraces;
import io.otlake.writer.decode.SpanView;
import io.otlake.writer.table.TraceTable;
import io.otlake.writer.write.SpanParquetWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.inmemory.InMemoryOutputFile;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The hot paths on one demo-shaped request of ~520 spans. Scores are requests per second; multiply by the request's
 * spans for spans per second.
 *
 * <ul>
 *   <li>{@code gatewayScanValidateSplit}: the gateway's work per request (wire scan, validation, per-trace records);
 *   <li>{@code writerRowsToParquet}: the writer's work per record value: scan, then every span into a Parquet file
 *       of the table's schema (in memory), compressed, closed;
 *   <li>{@code genericRowsToParquet}: the same rows through protobuf decoding, Iceberg generic records and Iceberg's
 *       generic Parquet writer, the peer the writer is measured against.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HotPathBenchmarks {
  byte[] payload;
  final SpanValidator validator = new SpanValidator(() -> System.currentTimeMillis() * 1_000_000L);
  final TraceSplitter splitter = new TraceSplitter(1_000_000);
  final SpanView view = new SpanView();
  final SpanRows rows = new SpanRows();

  /** The request every benchmark here works on. */
  public static ExportTraceServiceRequest sample() {
    return new DemoTelemetry(5, System.currentTimeMillis() * 1_000_000L - 60_000_000_000L, 200, 1).request(512);
  }

  @Setup(Level.Trial)
  public void setUp() {
    payload = sample().toByteArray();
  }

  @Benchmark
  public List<OtlpRecord> gatewayScanValidateSplit() throws Exception {
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

  @Benchmark
  public long writerRowsToParquet() throws Exception {
    ScannedTraces t = ScannedTraces.scan(payload);
    view.reset(t);
    InMemoryOutputFile out = new InMemoryOutputFile();
    try (FileAppender<SpanView> appender = Parquet.write(out).schema(TraceTable.SCHEMA)
        .setAll(TraceTable.properties(128L << 20)).createWriterFunc(type -> SpanParquetWriter.create(TraceTable.SCHEMA, type)).build()) {
      for (int s = 0; s < t.spanCount(); s++) {
        view.moveTo(s);
        appender.add(view);
      }
    }
    return out.toByteArray().length;
  }

  @Benchmark
  public long genericRowsToParquet() throws Exception {
    List<Record> records = new ArrayList<>(600);
    rows.decode(ExportTraceServiceRequest.parseFrom(payload), records::add);
    InMemoryOutputFile out = new InMemoryOutputFile();
    try (FileAppender<Record> appender = Parquet.write(out).schema(TraceTable.SCHEMA)
        .setAll(TraceTable.properties(128L << 20))
        .createWriterFunc(type -> GenericParquetWriter.create(TraceTable.SCHEMA, type)).build()) {
      appender.addAll(records);
    }
    return out.toByteArray().length;
  }
}
