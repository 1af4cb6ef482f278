package io.otlake.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.otlake.gateway.receiver.SinkException;
import io.otlake.proto.OtlpRecord;
import io.otlake.gateway.receiver.RequestContext;
import io.otlake.proto.Signal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The sink's bookkeeping with Kafka's MockProducer standing in for the broker (the real broker is in the
 * integration tests): partitions as the default partitioner picks them, each partition written by one thread only,
 * answers only after every record is acknowledged, overload and failures as retryable answers.
 */
class KafkaSinkTest {
  private static final String TOPIC = "spans";
  private static final int PARTITIONS = 6;

  /** A MockProducer that remembers which threads sent to each partition. */
  private static final class Recording extends MockProducer<byte[], byte[]> {
    final Map<Integer, Set<String>> threadsByPartition = new ConcurrentHashMap<>();

    Recording() {
      super(cluster(), false, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
      threadsByPartition.computeIfAbsent(record.partition(), p -> ConcurrentHashMap.newKeySet())
          .add(Thread.currentThread().getName());
      return super.send(record, callback);
    }
  }

  @Test
  void recordsGoToTheirKeysPartitionFromOneThreadEachAndTheAnswerWaitsForEveryAck() throws Exception {
    Recording producer = new Recording();
    KafkaSink sink = new KafkaSink(producer, Map.of(Signal.TRACES, TOPIC), 1 << 20, 3);
    try {
      List<CompletableFuture<Void>> answers = new ArrayList<>();
      int records = 0;
      for (int r = 0; r < 20; r++) {
        List<OtlpRecord> request = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
          request.add(record("trace-" + r + "-" + t));
        }
        records += request.size();
        answers.add(sink.send(Signal.TRACES, request, new RequestContext(1L)));
      }
      awaitSent(producer, records);
      assertThat(answers).noneMatch(CompletableFuture::isDone);
      for (ProducerRecord<byte[], byte[]> sent : producer.history()) {
        // where the producer's own default partitioner would have put it
        assertThat(sent.partition()).isEqualTo(BuiltInPartitioner.partitionForKey(sent.key(), PARTITIONS))
            .isEqualTo(KafkaSink.partitionForKey(sent.key(), PARTITIONS));
        assertThat(sent.headers().lastHeader("otlake.signal")).isNotNull();
      }
      assertThat(producer.threadsByPartition).allSatisfy((p, threads) -> assertThat(threads).hasSize(1));
      assertThat(producer.threadsByPartition.values().stream().flatMap(Set::stream).distinct()).hasSizeGreaterThan(1);
      while (producer.completeNext()) {
        // acknowledge every record
      }
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    } finally {
      sink.close();
    }
  }

  @Test
  void thePartitionerIsKnownAfterTheFirstSendAndAGroupedRecordGoesToItsPartition() throws Exception {
    Recording producer = new Recording();
    KafkaSink sink = new KafkaSink(producer, Map.of(Signal.TRACES, TOPIC), 1 << 20, 2);
    try {
      // before anything was sent the topic's partitions are unknown: the receivers make one record per key
      assertThat(sink.partitioner(Signal.TRACES)).isNull();
      CompletableFuture<Void> first = sink.send(Signal.TRACES, List.of(record("a")), new RequestContext(1L));
      awaitSent(producer, 1);
      assertThat(sink.partitioner(Signal.TRACES)).isNotNull();
      byte[] key = "trace-x".getBytes(StandardCharsets.US_ASCII);
      assertThat(sink.partitioner(Signal.TRACES).applyAsInt(key))
          .isEqualTo(BuiltInPartitioner.partitionForKey(key, PARTITIONS));
      assertThat(sink.partitioner(Signal.LOGS)).as("no topic configured for logs").isNull();
      // a record of several keys has no key of its own and goes to the partition it was grouped for
      CompletableFuture<Void> grouped = sink.send(Signal.TRACES,
          List.of(new OtlpRecord(null, new byte[] {1}, 2, 5), new OtlpRecord(null, new byte[] {2}, 3, 4)),
          new RequestContext(1L));
      awaitSent(producer, 3);
      assertThat(producer.history().subList(1, 3)).extracting(ProducerRecord::partition).containsExactlyInAnyOrder(5, 4);
      assertThat(producer.history().subList(1, 3)).extracting(ProducerRecord::key).containsOnlyNulls();
      assertThat(producer.threadsByPartition).allSatisfy((p, threads) -> assertThat(threads).hasSize(1));
      while (producer.completeNext()) {
        // acknowledge every record
      }
      first.get(10, TimeUnit.SECONDS);
      grouped.get(10, TimeUnit.SECONDS);
    } finally {
      sink.close();
    }
  }

  @Test
  void aFailedRecordFailsItsRequestAndAFullBudgetIsOverload() throws Exception {
    Recording producer = new Recording();
    KafkaSink sink = new KafkaSink(producer, Map.of(Signal.TRACES, TOPIC), 1000, 1);
    try {
      CompletableFuture<Void> first = sink.send(Signal.TRACES, List.of(record("a"), record("b")), new RequestContext(1L));
      CompletableFuture<Void> second = sink.send(Signal.TRACES, List.of(record("c".repeat(995))), new RequestContext(1L));
      assertThat(second).isCompletedExceptionally();
      assertThat(cause(second).overloaded()).isTrue();
      awaitSent(producer, 2);
      producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("no broker"));
      assertThat(cause(first).overloaded()).isFalse();
      assertThat(cause(first)).hasMessageContaining("no broker");
      // the failed request gave its budget back
      producer.completeNext();
      CompletableFuture<Void> third = sink.send(Signal.TRACES, List.of(record("c".repeat(995))), new RequestContext(1L));
      awaitSent(producer, 3);
      producer.completeNext();
      third.get(10, TimeUnit.SECONDS);
    } finally {
      sink.close();
    }
    assertThat(sink.send(Signal.TRACES, List.of(record("late")), new RequestContext(1L))).isCompletedExceptionally();
  }

  private static SinkException cause(CompletableFuture<Void> f) throws InterruptedException {
    try {
      f.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return (SinkException) e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  private static void awaitSent(MockProducer<byte[], byte[]> producer, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (producer.history().size() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(producer.history()).hasSize(n);
  }

  private static OtlpRecord record(String key) {
    return new OtlpRecord(key.getBytes(StandardCharsets.US_ASCII), new byte[] {1, 2, 3}, 1);
  }

  private static Cluster cluster() {
    Node node = new Node(0, "localhost", 9092);
    List<PartitionInfo> partitions = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      partitions.add(new PartitionInfo(TOPIC, p, node, new Node[] {node}, new Node[] {node}));
    }
    return new Cluster("test", List.of(node), partitions, Set.of(), Set.of());
  }
}
