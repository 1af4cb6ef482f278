package io.otlake.gateway.kafka;

import io.otlake.gateway.config.GatewayConfig;
import io.otlake.gateway.receiver.RecordSink;
import io.otlake.gateway.receiver.RequestContext;
import io.otlake.gateway.receiver.SinkException;
import io.otlake.proto.Encoding;
import io.otlake.proto.OtlpRecord;
import io.otlake.proto.RecordHeaders;
import io.otlake.proto.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces records with acks=all and idempotence, zstd-compressed, and completes a request's future only when Kafka
 * acknowledged every one of its records. Bytes awaiting acknowledgement are bounded; past the bound a request is
 * refused at once as overloaded instead of queueing without limit.
 */
public final class KafkaSink implements RecordSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);
  private static final Header FORMAT =
      new RecordHeader(RecordHeaders.FORMAT_VERSION, RecordHeaders.utf8(RecordHeaders.CURRENT_FORMAT_VERSION));
  private static final Header ENCODING =
      new RecordHeader(RecordHeaders.ENCODING, RecordHeaders.utf8(Encoding.OTLP_PROTO.id()));

  private final Producer<byte[], byte[]> producer;
  private final Map<Signal, String> topics;
  /** Partitions per topic as the senders last saw them in the producer's metadata (absent: not yet seen). */
  private final Map<String, KeyPartitioner> partitioners = new ConcurrentHashMap<>();
  private final long maxInFlightBytes;
  private final AtomicLong inFlightBytes = new AtomicLong();
  private final Sender[] senders;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;

  public KafkaSink(Producer<byte[], byte[]> producer, Map<Signal, String> topics, long maxInFlightBytes,
      int senderThreads) {
    this.producer = producer;
    this.topics = topics;
    this.maxInFlightBytes = maxInFlightBytes;
    this.senders = new Sender[senderThreads];
    for (int i = 0; i < senderThreads; i++) {
      senders[i] = new Sender();
      Thread t = new Thread(senders[i], "otlake-kafka-sender-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  public static KafkaSink create(GatewayConfig config) {
    return new KafkaSink(new KafkaProducer<>(producerProperties(config)), config.topics(),
        config.maxInFlightBytes(), config.senderThreads());
  }

  /** The producer settings: the user's pass-through properties, then the ones delivery guarantees depend on. */
  public static Map<String, Object> producerProperties(GatewayConfig config) {
    Map<String, Object> p = new HashMap<>(config.producerProperties());
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    p.put(ProducerConfig.LINGER_MS_CONFIG, (int) config.linger().toMillis());
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, config.batchSize());
    p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(1 << 20, config.maxRecordBytes() + (64 << 10)));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) config.deliveryTimeout().toMillis());
    p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        (int) Math.min(30_000, config.deliveryTimeout().toMillis() - config.linger().toMillis()));
    p.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, config.maxInFlightBytes() * 2));
    // a sender thread waits this long only while a topic's metadata is missing: within the delivery budget too
    p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Math.min(10_000, config.deliveryTimeout().toMillis()));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "otlake-gateway");
    return p;
  }

  @Override
  public CompletableFuture<Void> send(Signal signal, List<OtlpRecord> records, RequestContext context) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new SinkException("the gateway is shutting down", false, null));
      return done;
    }
    long bytes = 0;
    for (OtlpRecord r : records) {
      bytes += r.value().length + (r.key() == null ? 0 : r.key().length);
    }
    long reserved = bytes;
    if (inFlightBytes.addAndGet(reserved) > maxInFlightBytes && reserved < maxInFlightBytes) {
      inFlightBytes.addAndGet(-reserved);
      done.completeExceptionally(new SinkException(
          "the gateway has " + maxInFlightBytes + " bytes waiting for Kafka; retry later", true, null));
      return done;
    }
    done.whenComplete((v, t) -> inFlightBytes.addAndGet(-reserved));
    String topic = topics.get(signal);
    List<Header> headers = new ArrayList<>(4);
    headers.add(new RecordHeader(RecordHeaders.SIGNAL, RecordHeaders.utf8(signal.headerValue())));
    headers.add(ENCODING);
    headers.add(new RecordHeader(RecordHeaders.RECEIVED_AT_MS, RecordHeaders.utf8(Long.toString(context.receivedAtMs()))));
    headers.add(FORMAT);
    AtomicInteger pending = new AtomicInteger(records.size());
    Callback acked = (metadata, error) -> {
      if (error != null) {
        done.completeExceptionally(new SinkException(error.toString(), false, error));
      } else if (pending.decrementAndGet() == 0) {
        done.complete(null);
      }
    };
    // records go by partition to one of the sender threads (a record grouped for a partition by that partition, a
    // keyed one by its key's hash, which is what picks its partition), and the thread sends each to the partition the
    // producer's default partitioner would pick for its key; with as many partitions as senders or a multiple of
    // that, every partition is written by exactly one thread, so no two threads compress into one partition's batch
    Batch[] perSender = new Batch[senders.length];
    for (OtlpRecord r : records) {
      int s = senders.length == 1 ? 0 : r.partition() >= 0 ? r.partition() % senders.length
          : Utils.toPositive(Utils.murmur2(r.key())) % senders.length;
      if (perSender[s] == null) {
        perSender[s] = new Batch(topic, headers, done, acked, new ArrayList<>());
      }
      perSender[s].records.add(r);
    }
    for (int s = 0; s < senders.length; s++) {
      if (perSender[s] != null) {
        senders[s].queue.add(perSender[s]);
      }
    }
    return done;
  }

  @Override
  public ToIntFunction<byte[]> partitioner(Signal signal) {
    String topic = topics.get(signal);
    return topic == null ? null : partitioners.get(topic);
  }

  /** The partition the producer's default partitioner picks for a keyed record (murmur2 of the key). */
  public static int partitionForKey(byte[] key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key)) % partitions;
  }

  /** The default partitioner's choice for a key among a topic's {@code partitions}. */
  private record KeyPartitioner(int partitions) implements ToIntFunction<byte[]> {
    @Override
    public int applyAsInt(byte[] key) {
      return partitionForKey(key, partitions);
    }
  }

  /** One request's records for one sender thread. */
  private record Batch(String topic, List<Header> headers, CompletableFuture<Void> done, Callback acked,
      List<OtlpRecord> records) {}

  /**
   * A thread that owns some partitions and makes every {@code producer.send} for them. The producer compresses a
   * record into its partition's batch inside {@code send}, under that batch's lock: threads sending to the same
   * partitions queue up behind each other there (a plain producer fed by two threads made 0.93M spans/s in a quick
   * benchmark run, one thread 1.2-1.5M in the runs around it). Owning partitions per thread keeps the compression of
   * different partitions in parallel and contention-free.
   */
  private final class Sender implements Runnable {
    final LinkedBlockingQueue<Batch> queue = new LinkedBlockingQueue<>();

    @Override
    public void run() {
      while (true) {
        Batch b;
        try {
          b = queue.take();
        } catch (InterruptedException e) {
          return;
        }
        if (b == STOP) {
          return;
        }
        try {
          // cached metadata; waits up to max.block.ms only while the topic's metadata is missing
          int partitions = producer.partitionsFor(b.topic).size();
          KeyPartitioner known = partitioners.get(b.topic);
          if (known == null || known.partitions() != partitions) {
            partitioners.put(b.topic, new KeyPartitioner(partitions));
          }
          for (OtlpRecord r : b.records) {
            if (b.done.isDone()) {
              break; // an earlier record already failed: the request is answered already
            }
            // a record grouped for a partition goes there (partitions are only ever added, so it still exists)
            int partition = r.partition() >= 0 ? r.partition() % partitions : partitionForKey(r.key(), partitions);
            producer.send(new ProducerRecord<>(b.topic, partition, r.key(), r.value(), b.headers), b.acked);
          }
        } catch (RuntimeException e) {
          // metadata not available within max.block.ms, buffer full, or producer closed
          b.done.completeExceptionally(new SinkException(e.toString(), false, e));
        } catch (Error e) {
          // answered, and this thread goes on: its partitions would otherwise never be answered again
          b.done.completeExceptionally(new SinkException(e.toString(), false, e));
          LOG.error("sending to Kafka failed", e);
        }
      }
    }
  }

  private static final Batch STOP = new Batch(null, null, null, null, null);

  /** Waits up to {@code grace} for records already handed to the producer, then closes it. */
  public void close(Duration grace) {
    closed = true;
    long deadline = System.nanoTime() + grace.toNanos();
    for (Sender sender : senders) {
      sender.queue.add(STOP);
    }
    for (Thread t : threads) {
      try {
        t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    // a request that slipped in while closing, or that the grace did not reach, is answered, not left hanging
    for (Sender sender : senders) {
      Batch b;
      while ((b = sender.queue.poll()) != null) {
        if (b != STOP) {
          b.done.completeExceptionally(new SinkException("the gateway is shutting down", false, null));
        }
      }
    }
    try {
      producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    } catch (RuntimeException e) {
      LOG.warn("closing the Kafka producer: {}", e.toString());
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
