package io.otlake.writer.inspect;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * What Kafka holds of a topic, through the Admin client (no consumer group joined, nothing written), each request
 * bounded by a timeout: a broker that does not answer is {@link Unreachable}.
 */
public final class KafkaView implements AutoCloseable {
  private final Admin admin;
  private final String servers;
  private final Duration timeout;

  private KafkaView(Admin admin, String servers, Duration timeout) {
    this.admin = admin;
    this.servers = servers;
    this.timeout = timeout;
  }

  /**
   * Connects to {@code bootstrapServers} with the client settings in {@code clientProperties} (e.g. security) and
   * checks that the cluster answers within {@code timeout}.
   */
  public static KafkaView connect(String bootstrapServers, Map<String, ?> clientProperties, Duration timeout) {
    Map<String, Object> p = new HashMap<>(clientProperties);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "otlake-command");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    p.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 500L);
    Admin admin;
    try {
      admin = Admin.create(p);
    } catch (RuntimeException e) {
      throw new Unreachable("Kafka at " + bootstrapServers + ": " + Bounded.oneLine(e), e);
    }
    KafkaView view = new KafkaView(admin, bootstrapServers, timeout);
    try {
      view.get(admin.describeCluster().nodes(), "cluster");
    } catch (RuntimeException e) {
      view.close();
      throw e;
    }
    return view;
  }

  /** The topic's partition numbers in order; empty when the topic does not exist. */
  public List<Integer> partitions(String topic) {
    Map<String, TopicDescription> d;
    try {
      d = get(admin.describeTopics(List.of(topic)).allTopicNames(), "topic " + topic);
    } catch (MissingTopic e) {
      return List.of();
    }
    return d.get(topic).partitions().stream().map(p -> p.partition()).sorted().toList();
  }

  /** The first (log start) and next (end) offset of each of the topic's partitions; empty for a missing topic. */
  public Map<Integer, long[]> startAndEnd(String topic) {
    List<Integer> parts = partitions(topic);
    Map<Integer, long[]> out = new TreeMap<>();
    if (parts.isEmpty()) {
      return out;
    }
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p : parts) {
      earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, ListOffsetsResultInfo> start = get(admin.listOffsets(earliest).all(), "offsets of " + topic);
    Map<TopicPartition, ListOffsetsResultInfo> end = get(admin.listOffsets(latest).all(), "offsets of " + topic);
    for (int p : parts) {
      TopicPartition tp = new TopicPartition(topic, p);
      out.put(p, new long[] {start.get(tp).offset(), end.get(tp).offset()});
    }
    return out;
  }

  private <T> T get(KafkaFuture<T> future, String what) {
    try {
      return future.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new MissingTopic();
      }
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw new Unreachable("Kafka at " + servers + " (" + what + "): no answer within " + timeout.toSeconds()
            + " s", e);
      }
      throw new Unreachable("Kafka at " + servers + " (" + what + "): " + Bounded.oneLine(e.getCause()), e);
    } catch (TimeoutException e) {
      throw new Unreachable("Kafka at " + servers + " (" + what + "): no answer within " + timeout.toSeconds()
          + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("Kafka at " + servers + ": interrupted", e);
    }
  }

  private static final class MissingTopic extends RuntimeException {
    MissingTopic() {
      super(null, null, false, false);
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(1));
  }
}
