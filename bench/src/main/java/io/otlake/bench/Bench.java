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
import io.otlake.proto.SignalContract;
import io.otlake.proto.wire.ScannedRequest;
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
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import io.otlake.proto.json.OtlpJson;
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
    fillBytes(infra, TraceContract.INSTANCE, topic, requests);
  }

  /** Produces serialized requests of {@code signal} to {@code topic} exactly as the gateway does. */
  static void fillBytes(LocalInfra infra, SignalContract signal, String topic, List<byte[]> requests)
      throws Exception {
    ensureTopic(infra, topic);
    // a generous delivery timeout: on a machine shared with other builds a 4 s default expired batches
    GatewayConfig config = GatewayConfig.load(null, Map.of(),
        Map.of("kafka.bootstrap.servers", infra.bootstrapServers(), GatewayConfig.topicKey(signal.signal()), topic,
            "kafka.delivery-timeout", "60s"));
    RecordSplitter splitter = new RecordSplitter(config.maxRecordBytes());
    try (KafkaSink sink = KafkaSink.create(config)) {
      List<CompletableFuture<Void>> pending = new ArrayList<>();
      for (byte[] r : requests) {
        List<OtlpRecord> records = splitter.split(ScannedRequest.scan(r, signal.tree()), null, signal,
            partitioner(config));
        CompletableFuture<Void> f;
        while (true) {
          f = sink.send(signal.signal(), records,
              new io.otlake.gateway.receiver.RequestContext(System.currentTimeMillis()));
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

  /**
   * Produces requests to {@code topic} as OTLP/JSON records, split per trace as the gateway splits them, without
   * otlake's headers: what an OpenTelemetry Collector's kafka exporter writes with the otlp_json encoding (a writer
   * reads them with {@code kafka.default-encoding: otlp_json}). Returns the JSON bytes produced.
   */
  static long fillJson(LocalInfra infra, BenchData data, String topic, List<byte[]> requests) throws Exception {
    SignalContract signal = data.signal.contract();
    ensureTopic(infra, topic);
    RecordSplitter splitter = new RecordSplitter(GatewayConfig.load(null, Map.of(),
        Map.of("kafka.bootstrap.servers", infra.bootstrapServers())).maxRecordBytes());
    long bytes = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd",
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
      for (byte[] r : requests) {
        for (OtlpRecord record : splitter.split(ScannedRequest.scan(r, signal.tree()), signal)) {
          byte[] json = OtlpJson.requestToJson(data.parse(record.value()));
          bytes += json.length;
          producer.send(new ProducerRecord<>(topic, record.key(), json));
        }
      }
      producer.flush();
    }
    return bytes;
  }

  /** Partitions of every topic {@link #ensureTopic} makes. */
  static final int PARTITIONS = 4;

  /** How the gateway configured by {@code config} groups a request's records on a topic of {@link #PARTITIONS}. */
  static java.util.function.ToIntFunction<byte[]> partitioner(GatewayConfig config) {
    return partitioner(config.recordPerKey());
  }

  /** Record per key (null: the splitter keys each record) or per partition of a topic of {@link #PARTITIONS}. */
  static java.util.function.ToIntFunction<byte[]> partitioner(boolean perKey) {
    return perKey ? null : key -> KafkaSink.partitionForKey(key, PARTITIONS);
  }

  /**
   * Creates {@code topic} ({@link #PARTITIONS} partitions) unless it exists and waits until every partition has a
   * leader: producing into a topic the broker auto-creates raced with its leader election (NOT_LEADER_OR_FOLLOWER,
   * then out-of-order sequence errors until the batches expired).
   */
  static void ensureTopic(LocalInfra infra, String topic) throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
        Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()))) {
      try {
        admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, PARTITIONS, (short) 1))).all().get();
      } catch (java.util.concurrent.ExecutionException e) {
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
          throw e;
        }
      }
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (System.nanoTime() < deadline) {
        try {
          var d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
          if (d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
            // a leader in the metadata is not yet a partition that takes writes: the first produce to a topic that
            // had just got its leaders was answered NOT_LEADER_OR_FOLLOWER, then OUT_OF_ORDER_SEQUENCE_NUMBER until
            // the batches expired; listing offsets asks each partition's leader itself
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
            d.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()),
                org.apache.kafka.clients.admin.OffsetSpec.latest()));
            admin.listOffsets(latest).all().get();
            return;
          }
        } catch (java.util.concurrent.ExecutionException e) {
          // not known yet
        }
        sleep(100);
      }
      throw new IllegalStateException("topic " + topic + " has no leaders after 60 s");
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
    return storedOffsets(table, topic, groupOf(topic));
  }

  static Map<Integer, Long> storedOffsets(Table table, String topic, String group) {
    table.refresh();
    return TablePosition.resolve(((HasTableOperations) table).operations().current(), topic, group).offsets();
  }

  /** The consumer group of the benchmark's writers of {@code topic}. */
  static String groupOf(String topic) {
    return "bench-" + topic;
  }

  static WriterConfig writerConfig(LocalInfra infra, String topic, String table, Map<String, String> extra) {
    return writerConfig(infra, io.otlake.writer.signals.traces.TracesSignal.INSTANCE, topic, table, extra);
  }

  /**
   * A writer of {@code signal} only, from {@code topic} into tables named after {@code table}: the signal's one
   * table is {@code table}, each of several is {@link #tableName}.
   */
  static WriterConfig writerConfig(LocalInfra infra, io.otlake.writer.signals.WriterSignal<?> signal, String topic,
      String table, Map<String, String> extra) {
    Map<String, String> o = new HashMap<>(infra.writerOverrides());
    o.put("signals", signal.signal().headerValue());
    o.put("kafka.topic." + signal.signal().headerValue(), topic);
    o.put("kafka.group-id", groupOf(topic));
    for (io.otlake.writer.signals.TableUnit<?> unit : signal.tables()) {
      o.put(WriterConfig.tableKey(unit.defaultName()), tableName(signal, unit, table));
    }
    o.put("metrics.port", "-1");
    // the peers do no table maintenance; a scheduled run landing in a timed window would skew the ratios
    o.put("maintenance.enabled", "false");
    o.putAll(extra);
    return WriterConfig.load(null, Map.of(), o);
  }

  /** The benchmark's name of one of a signal's tables: {@code base}, or {@code base__<unit>} for one of several. */
  static String tableName(io.otlake.writer.signals.WriterSignal<?> signal, io.otlake.writer.signals.TableUnit<?> unit,
      String base) {
    return signal.tables().size() == 1 ? base : base + "__" + unit.defaultName();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The middle value (the upper one of an even count). */
  static double median(double[] v) {
    double[] c = v.clone();
    java.util.Arrays.sort(c);
    return c[c.length / 2];
  }

  /** The middle value (the upper one of an even count). */
  static long median(long[] v) {
    long[] c = v.clone();
    java.util.Arrays.sort(c);
    return c[c.length / 2];
  }
}
