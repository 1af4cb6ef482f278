package io.otlake.bench;

import io.otlake.writer.testing.DemoTelemetry;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.otlake.gateway.GatewayServer;
import io.otlake.gateway.config.GatewayConfig;
import io.otlake.local.LocalInfra;
import io.otlake.proto.Hex;
import io.otlake.writer.WriterService;
import io.otlake.writer.commit.KafkaOffsets;
import io.otlake.writer.config.WriterConfig;
import io.otlake.writer.table.Catalogs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Time from the gateway's acknowledgement of a request to its spans being visible in the table, at default
 * settings. A span is visible from the commit time of the first snapshot whose stored offset for its Kafka
 * partition is past its record; record positions are read back from the topic by trace id afterwards.
 */
final class FreshnessBench {
  private FreshnessBench() {}

  static void run(LocalInfra infra, boolean quick, Results results) throws Exception {
    String topic = "bench_fresh";
    long seconds = quick ? 35 : 120;
    Map<String, Long> ackedAt = new HashMap<>();
    Map<String, String> g = Map.of("kafka.bootstrap.servers", infra.bootstrapServers(), "kafka.topic.traces", topic,
        "grpc.host", "127.0.0.1", "grpc.port", "0", "http.port", "-1", "metrics.port", "-1");
    DemoTelemetry demo = new DemoTelemetry(23, System.currentTimeMillis() * 1_000_000L, 50, 1);
    WriterConfig writerConfig = Bench.writerConfig(infra, topic, "bench_fresh", Map.of());
    try (WriterService writer = WriterService.start(writerConfig);
        GatewayServer gateway = GatewayServer.start(GatewayConfig.load(null, Map.of(), g))) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.grpcPort()).usePlaintext().build();
      TraceServiceGrpc.TraceServiceBlockingStub stub = TraceServiceGrpc.newBlockingStub(channel);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < end) {
        ExportTraceServiceRequest r = demo.request(100);
        stub.withDeadlineAfter(30, TimeUnit.SECONDS).export(r);
        long now = System.currentTimeMillis();
        for (ResourceSpans rs : r.getResourceSpansList()) {
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            for (Span s : ss.getSpansList()) {
              ackedAt.putIfAbsent(Hex.encode(s.getTraceId()), now);
            }
          }
        }
        Bench.sleep(200);
      }
      channel.shutdownNow();
      Catalog catalog = Catalogs.build(io.otlake.local.LocalInfra.CATALOG_NAME, infra.catalogProperties());
      Table table = catalog.loadTable(TableIdentifier.of("otel", "bench_fresh"));
      Map<Integer, Long> endOffsets = Bench.endOffsets(infra, topic);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Bench.storedOffsets(table, topic).equals(endOffsets) && System.nanoTime() < deadline) {
        Bench.sleep(200);
      }

      Map<String, long[]> positions = positions(infra, topic);
      List<Snapshot> snapshots = new ArrayList<>();
      table.refresh();
      table.snapshots().forEach(snapshots::add);
      snapshots.sort((a, b) -> Long.compare(a.timestampMillis(), b.timestampMillis()));
      List<Long> lags = new ArrayList<>();
      for (Map.Entry<String, Long> e : ackedAt.entrySet()) {
        long[] pos = positions.get(e.getKey());
        if (pos == null) {
          continue;
        }
        for (Snapshot s : snapshots) {
          String offsets = s.summary().get(KafkaOffsets.key(topic, Bench.groupOf(topic)));
          Long next = offsets == null ? null : KafkaOffsets.parse(offsets).get((int) pos[0]);
          if (next != null && next > pos[1]) {
            lags.add(s.timestampMillis() - e.getValue());
            break;
          }
        }
      }
      Collections.sort(lags);
      Map<String, Object> f = results.section("freshness");
      f.put("traces", lags.size());
      f.put("p50_s", Results.round(percentile(lags, 0.50) / 1000.0, 2));
      f.put("p99_s", Results.round(percentile(lags, 0.99) / 1000.0, 2));
      f.put("max_s", Results.round(lags.isEmpty() ? Double.NaN : lags.get(lags.size() - 1) / 1000.0, 2));
      f.put("commit_interval_s", writerConfig.commitInterval().toSeconds());
      results.put("freshness_p99_s", Results.round(percentile(lags, 0.99) / 1000.0, 2));
    }
  }

  private static double percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }

  /** Trace id (hex) -> {partition, highest offset} of its records. */
  private static Map<String, long[]> positions(LocalInfra infra, String topic) {
    Map<String, long[]> out = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> c = Bench.consumer(infra)) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline && parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          // a record holds the traces of every key bound for its partition: read them from its spans
          ExportTraceServiceRequest value;
          try {
            value = ExportTraceServiceRequest.parseFrom(r.value());
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("a record of " + topic + " is not a trace export request", e);
          }
          for (ResourceSpans rs : value.getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
              for (Span span : ss.getSpansList()) {
                String trace = Hex.encode(span.getTraceId());
                long[] prev = out.get(trace);
                if (prev == null || prev[1] < r.offset()) {
                  out.put(trace, new long[] {r.partition(), r.offset()});
                }
              }
            }
          }
        }
      }
    }
    return out;
  }
}
