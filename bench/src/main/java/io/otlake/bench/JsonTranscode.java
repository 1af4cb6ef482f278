package io.otlake.bench;

import io.otlake.proto.OtlpRecord;
import io.otlake.proto.RecordSplitter;
import io.otlake.proto.json.OtlpJson;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedRequest;
import io.otlake.writer.signals.WriterSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What an OTLP/JSON Kafka record costs the writer against its protobuf form, in this process without Kafka or S3: the
 * records the writer bench fills its JSON topic with (each request split per key, as a Collector's kafka exporter
 * with {@code partition_traces_by_id} writes them, then printed as OTLP/JSON), the transcode alone, and the writer's
 * path (scan, view, columns into an in-memory Parquet file) on those records from JSON and from their protobuf form;
 * also the protobuf records the bench's protobuf topic holds (one per partition of a request); jackson-core's
 * streaming parser on the JSON records without any writing (a floor for a transcoder on it); and zstd's unpacking of
 * either kind of record, in batches of a megabyte as a Kafka consumer gets them. Rounds alternate the
 * stages; medians of this thread's CPU time (not wall time: the machine may be shared) are printed in microseconds
 * per item.
 * {@code java -cp <bench classpath> io.otlake.bench.JsonTranscode [lean|rich [items [rounds [stages]]]]} (stages:
 * the digits of the stages to run, in the order printed, e.g. {@code 045}; all by default); with a JFR recording
 * ({@code -XX:StartFlightRecording=filename=x.jfr}) it is the profile's workload.
 */
public final class JsonTranscode {
  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private JsonTranscode() {}

  public static void main(String[] args) throws Exception {
    String name = args.length > 0 ? args[0] : "rich";
    int items = args.length > 1 ? Integer.parseInt(args[1]) : 30_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    String only = args.length > 3 ? args[3] : "";
    BenchData data = RowEncoding.byName(name);
    List<byte[]> requests = data.requests(items);
    RecordSplitter splitter = new RecordSplitter(1 << 20);
    List<byte[]> perKey = new ArrayList<>();
    List<byte[]> perPartition = new ArrayList<>();
    List<byte[]> json = new ArrayList<>();
    long jsonBytes = 0;
    for (byte[] r : requests) {
      ScannedRequest scanned = ScannedRequest.scan(r, data.signal.contract().tree());
      for (OtlpRecord rec : splitter.split(scanned, data.signal.contract())) {
        perKey.add(rec.value());
        byte[] j = OtlpJson.requestToJson(data.parse(rec.value()));
        json.add(j);
        jsonBytes += j.length;
      }
      for (OtlpRecord rec : splitter.split(scanned, null, data.signal.contract(), Bench.partitioner(false))) {
        perPartition.add(rec.value());
      }
    }
    int total = 0;
    for (byte[] r : perKey) {
      total += data.itemCount(r);
    }
    WriterSignal<?> signal = data.signal;
    String[] stages = {"transcode only (JSON records)", "writer path, JSON records", "writer path, same as protobuf",
        "writer path, protobuf per partition",
        "jackson-core: tokens + text only", "jackson-core: tokens only", "zstd: unpacking the JSON records",
        "zstd: unpacking the protobuf records"};
    List<byte[]> jsonZstd = zstdBatches(json);
    List<byte[]> protoZstd = zstdBatches(perPartition);
    double[][] us = new double[stages.length][rounds];
    for (int round = 0; round < rounds; round++) {
      for (int s = 0; s < stages.length; s++) {
        if (!only.isEmpty() && !only.contains(Integer.toString(s))) {
          continue;
        }
        System.gc();
        long t0 = THREADS.getCurrentThreadCpuTime();
        switch (s) {
          case 0 -> transcode(signal, json);
          case 1 -> RowEncoding.direct(signal, json, true, true);
          case 2 -> RowEncoding.direct(signal, perKey, true, false);
          case 3 -> RowEncoding.direct(signal, perPartition, true, false);
          case 4 -> jacksonTokens(json, true);
          case 5 -> jacksonTokens(json, false);
          case 6 -> unzstd(jsonZstd);
          default -> unzstd(protoZstd);
        }
        us[s][round] = (THREADS.getCurrentThreadCpuTime() - t0) / 1e3 / total;
      }
    }
    System.out.printf(Locale.ROOT, "%s: %d items; %d JSON records (%.0f B/item), %d protobuf records per partition;"
        + " %d rounds (medians of thread CPU)%n", data.label, total, json.size(), (double) jsonBytes / total,
        perPartition.size(), rounds);
    for (int s = 0; s < stages.length; s++) {
      if (only.isEmpty() || only.contains(Integer.toString(s))) {
        System.out.printf(Locale.ROOT, "  %-38s %8.2f us/item%n", stages[s], Bench.median(us[s]));
      }
    }
  }

  private static final com.fasterxml.jackson.core.JsonFactory JACKSON = new com.fasterxml.jackson.core.JsonFactory();

  /**
   * A floor for any transcoder over jackson-core's streaming parser: every token read (and every string's and
   * number's text, as a transcoder must read them), nothing written.
   */
  private static long jacksonTokens(List<byte[]> records, boolean text) throws java.io.IOException {
    long sink = 0;
    for (byte[] r : records) {
      try (com.fasterxml.jackson.core.JsonParser p = JACKSON.createParser(r)) {
        com.fasterxml.jackson.core.JsonToken t;
        while ((t = p.nextToken()) != null) {
          if (text && (t == com.fasterxml.jackson.core.JsonToken.VALUE_STRING
              || t == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT)) {
            sink += p.getTextLength() + p.getTextCharacters()[p.getTextOffset()];
          } else {
            sink += t.ordinal();
          }
        }
      }
    }
    return sink;
  }

  /** Records concatenated into batches of about a megabyte, each compressed with zstd as a Kafka producer would. */
  private static List<byte[]> zstdBatches(List<byte[]> records) {
    List<byte[]> out = new ArrayList<>();
    java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
    for (byte[] r : records) {
      batch.writeBytes(r);
      if (batch.size() > 1 << 20) {
        out.add(com.github.luben.zstd.Zstd.compress(batch.toByteArray(), 3));
        batch.reset();
      }
    }
    out.add(com.github.luben.zstd.Zstd.compress(batch.toByteArray(), 3));
    return out;
  }

  private static long unzstd(List<byte[]> batches) {
    long sink = 0;
    for (byte[] b : batches) {
      sink += com.github.luben.zstd.Zstd.decompress(b, (int) com.github.luben.zstd.Zstd.getFrameContentSize(b)).length;
    }
    return sink;
  }

  private static long transcode(WriterSignal<?> signal, List<byte[]> records) throws MalformedRequestException {
    long sink = 0;
    for (byte[] r : records) {
      sink += signal.jsonToProto(r).length;
    }
    return sink;
  }
}
