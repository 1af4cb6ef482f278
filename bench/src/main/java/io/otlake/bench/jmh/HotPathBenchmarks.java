package io.otlake.bench.jmh;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.otlake.writer.testing.DemoTelemetry;
import io.otlake.writer.testing.SpanRows;
import io.otlake.gateway.signals.SignalUnit;
import io.otlake.gateway.signals.traces.Traces;
import io.otlake.proto.signals.TraceContract;
import io.otlake.proto.wire.ScannedRequest;
import io.otlake.proto.OtlpRecord;
import io.otlake.proto.RecordTooLargeException;
import io.otlake.proto.RecordSplitter;
import io.otlake.proto.wire.ScannedTraces;
import io.otlake.writer.signals.traces.SpanView;
import io.otlake.writer.signals.traces.TraceTable;
import io.otlake.writer.parquet.ColumnsFile;
import io.otlake.writer.signals.traces.SpanColumns;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * The hot paths on demo-shaped requests of ~520 spans (64 distinct ones, cycled). Scores are requests per second;
 * multiply by the spans per request for spans per second.
 *
 * <ul>
 *   <li>{@code gatewayScanValidateSplit}: the gateway's work per request (wire scan, validation, per-trace records);
 *   <li>{@code gatewayJsonToProto}: what an OTLP/JSON body costs before that (or an {@code otlp_json} record before
 *       the writer's scan): the same requests as OTLP/JSON, streamed into protobuf bytes;
 *   <li>{@code writerRowsToParquet}: the writer's work per record value: scan, then every span into an open Parquet
 *       file of the table's schema (in memory; the file spans a whole iteration, as a commit's files do);
 *   <li>{@code genericRowsToParquet}: the same rows through protobuf decoding, Iceberg generic records and Iceberg's
 *       generic Parquet writer, the peer the writer is measured against.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HotPathBenchmarks {
  /** Distinct requests cycled through, so ids and times are not repeats the encoders could profit from. */
  byte[][] payloads;
  byte[][] jsonPayloads;
  int next;
  final SignalUnit.ItemCheck check = Traces.UNIT.check(() -> System.currentTimeMillis() * 1_000_000L);
  final RecordSplitter splitter = new RecordSplitter(1_000_000);
  final SpanView view = new SpanView();
  final SpanRows rows = new SpanRows();

  /** A request like the ones every benchmark here works on. */
  public static ExportTraceServiceRequest sample() {
    return new DemoTelemetry(5, System.currentTimeMillis() * 1_000_000L - 60_000_000_000L, 200, 1).request(512);
  }

  private byte[] payload() {
    return payloads[next++ & (payloads.length - 1)];
  }

  private byte[] jsonPayload() {
    return jsonPayloads[next++ & (jsonPayloads.length - 1)];
  }

  ColumnsFile directFile;
  SpanColumns directColumns;
  FileAppender<Record> genericFile;

  @Setup(Level.Trial)
  public void setUp() {
    DemoTelemetry demo = new DemoTelemetry(5, System.currentTimeMillis() * 1_000_000L - 60_000_000_000L, 200, 1);
    payloads = new byte[64][];
    for (int i = 0; i < payloads.length; i++) {
      payloads[i] = demo.request(512).toByteArray();
    }
    jsonPayloads = new byte[payloads.length][];
    for (int i = 0; i < payloads.length; i++) {
      try {
        jsonPayloads[i] = io.otlake.proto.json.OtlpJson.traceRequestToJson(ExportTraceServiceRequest.parseFrom(payloads[i]));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Each iteration writes into one long file per writer, so per-file set-up does not dominate. */
  @Setup(Level.Iteration)
  public void openFiles() throws java.io.IOException {
    directFile = new ColumnsFile(TraceTable.SCHEMA, TraceTable.properties(128L << 20), new InMemoryOutputFile());
    directColumns = new SpanColumns(directFile);
    genericFile = Parquet.write(new InMemoryOutputFile()).schema(TraceTable.SCHEMA)
        .setAll(TraceTable.properties(128L << 20))
        .createWriterFunc(type -> GenericParquetWriter.create(TraceTable.SCHEMA, type)).build();
  }

  @TearDown(Level.Iteration)
  public void closeFiles() throws Exception {
    directFile.close();
    genericFile.close();
  }

  @Benchmark
  public List<OtlpRecord> gatewayScanValidateSplit() throws Exception {
    ScannedRequest r = ScannedRequest.scan(payload(), ScannedTraces.TREE);
    for (int i = 0; i < r.itemCount(); i++) {
      if (check.problem(r, i) != null) {
        throw new IllegalStateException();
      }
    }
    try {
      return splitter.split(r, TraceContract.INSTANCE);
    } catch (RecordTooLargeException e) {
      throw new IllegalStateException(e);
    }
  }

  @Benchmark
  public byte[] gatewayJsonToProto() throws Exception {
    return io.otlake.proto.json.OtlpJson.traceRequestToProto(jsonPayload());
  }

  @Benchmark
  public int writerRowsToParquet() throws Exception {
    ScannedTraces t = ScannedTraces.scan(payload());
    view.reset(t);
    for (int s = 0; s < t.spanCount(); s++) {
      view.moveTo(s);
      directColumns.write(view);
    }
    return t.spanCount();
  }

  @Benchmark
  public int genericRowsToParquet() throws Exception {
    List<Record> records = new ArrayList<>(600);
    rows.decode(ExportTraceServiceRequest.parseFrom(payload()), records::add);
    genericFile.addAll(records);
    return records.size();
  }
}
