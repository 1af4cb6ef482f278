package io.otlake.bench;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.otlake.gateway.config.GatewayConfig;
import io.otlake.gateway.kafka.KafkaSink;
import io.otlake.local.LocalInfra;
import io.otlake.proto.OtlpRecord;
import io.otlake.proto.Signal;
import io.otlake.proto.RecordSplitter;
import io.otlake.proto.signals.TraceContract;
import io.otlake.proto.wire.ScannedTraces;
import io.otlake.writer.commit.TablePosition;
import io.otlake.writer.config.WriterConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Helpers the benchmarks share. */
public final class Bench {
  private Bench() {}

  public static int spanCount(ExportTraceServiceRequest r) {
    int n = 0;
    for (ResourceSpans rs : r.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        n += ss.getSpansCount();
      }
    }
    return n;
  }

  /** Produces requests to {@code topic} exactly as the gateway does (same split, headers and producer settings). */
  static void fill(LocalInfra infra, String topic, List<ExportTraceServiceRequest> requests) throws Exception {
    List<byte[]> payloads = new ArrayList<>(requests.size());
    for (ExportTraceServiceRequest r : requests) {
      payloads.add(r.toByteArray());
    }
    fillBytes(infra, topic, payloads);
  }

  /** {@link #fill} from serialized requests. */
  static void fillBytes(LocalInfra infra, String topic, List<byte[]> requests) throws Exception {
    GatewayConfig config = GatewayConfig.load(null, Map.of(),
        Map.of("kafka.bootstrap.servers", infra.bootstrapServers(), "kafka.topic.traces", topic));
    RecordSplitter splitter = new RecordSplitter(config.maxRecordBytes());
    try (KafkaSink sink = KafkaSink.create(config)) {
      List<CompletableFuture<Void>> pending = new ArrayList<>();
      for (byte[] r : requests) {
        List<OtlpRecord> records = splitter.split(ScannedTraces.scan(r).request(), TraceContract.INSTANCE);
        CompletableFuture<Void> f;
        while (true) {
          f = sink.send(Signal.TRACES, records, new io.otlake.gateway.receiver.RequestContext(System.currentTimeMillis()));
          if (!f.isCompletedExceptionally()) {
            break;
          }
          Thread.sleep(5); // the in-flight budget is full: wait as a client would
        }
        pending.add(f);
        if (pending.size() > 64) {
          pending.remove(0).join();
        }
      }
      pending.forEach(CompletableFuture::join);
    }
  }

  /** A plain consumer (no group) for reading topics back. */
  static KafkaConsumer<byte[], byte[]> consumer(LocalInfra infra) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
  }

  static Map<Integer, Long> endOffsets(LocalInfra infra, String topic) {
    try (KafkaConsumer<byte[], byte[]> c = consumer(infra)) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      Map<Integer, Long> out = new HashMap<>();
      c.endOffsets(parts).forEach((tp, o) -> {
        if (o > 0) {
          out.put(tp.partition(), o);
        }
      });
      return out;
    }
  }

  static Map<Integer, Long> storedOffsets(Table table, String topic) {
    table.refresh();
    return TablePosition.resolve(((HasTableOperations) table).operations().current(), topic, groupOf(topic)).offsets();
  }

  /** The consumer group of the benchmark's writers of {@code topic}. */
  static String groupOf(String topic) {
    return "bench-" + topic;
  }

  static WriterConfig writerConfig(LocalInfra infra, String topic, String table, Map<String, String> extra) {
    Map<String, String> o = new HashMap<>(infra.writerOverrides());
    o.put("kafka.topic.traces", topic);
    o.put("kafka.group-id", groupOf(topic));
    o.put("table.traces", table);
    o.put("metrics.port", "-1");
    // the peers do no table maintenance; a scheduled run landing in a timed window would skew the ratios
    o.put("maintenance.enabled", "false");
    o.putAll(extra);
    return WriterConfig.load(null, Map.of(), o);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
