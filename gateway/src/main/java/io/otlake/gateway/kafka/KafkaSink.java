package io.otlake.gateway.kafka;

import io.otlake.gateway.config.GatewayConfig;
import io.otlake.gateway.receiver.RecordSink;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
  private final long maxInFlightBytes;
  private final AtomicLong inFlightBytes = new AtomicLong();

  public KafkaSink(Producer<byte[], byte[]> producer, Map<Signal, String> topics, long maxInFlightBytes) {
    this.producer = producer;
    this.topics = topics;
    this.maxInFlightBytes = maxInFlightBytes;
  }

  public static KafkaSink create(GatewayConfig config) {
    return new KafkaSink(new KafkaProducer<>(producerProperties(config)), Map.of(Signal.TRACES, config.tracesTopic()),
        config.maxInFlightBytes());
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
    p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "otlake-gateway");
    return p;
  }

  @Override
  public CompletableFuture<Void> send(Signal signal, List<OtlpRecord> records, long receivedAtMs) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    long bytes = 0;
    for (OtlpRecord r : records) {
      bytes += r.value().length + r.key().length;
    }
    long reserved = bytes;
    if (inFlightBytes.addAndGet(reserved) > maxInFlightBytes && reserved < maxInFlightBytes) {
      inFlightBytes.addAndGet(-reserved);
      done.completeExceptionally(new SinkException(
          "the gateway has " + maxInFlightBytes + " bytes waiting for Kafka; retry later", true, null));
      return done;
    }
    String topic = topics.get(signal);
    List<Header> headers = new ArrayList<>(4);
    headers.add(new RecordHeader(RecordHeaders.SIGNAL, RecordHeaders.utf8(signal.headerValue())));
    headers.add(ENCODING);
    headers.add(new RecordHeader(RecordHeaders.RECEIVED_AT_MS, RecordHeaders.utf8(Long.toString(receivedAtMs))));
    headers.add(FORMAT);
    AtomicInteger pending = new AtomicInteger(records.size());
    done.whenComplete((v, t) -> inFlightBytes.addAndGet(-reserved));
    for (OtlpRecord r : records) {
      if (done.isDone()) {
        break; // an earlier record already failed (e.g. no metadata within max.block.ms): answer now
      }
      try {
        producer.send(new ProducerRecord<>(topic, null, r.key(), r.value(), headers), (metadata, error) -> {
          if (error != null) {
            done.completeExceptionally(new SinkException(error.toString(), false, error));
          } else if (pending.decrementAndGet() == 0) {
            done.complete(null);
          }
        });
      } catch (RuntimeException e) {
        // metadata not available within max.block.ms, buffer full, or producer closed
        done.completeExceptionally(new SinkException(e.toString(), false, e));
        break;
      }
    }
    return done;
  }

  /** Waits up to {@code grace} for records already handed to the producer, then closes it. */
  public void close(Duration grace) {
    try {
      producer.close(grace);
    } catch (RuntimeException e) {
      LOG.warn("closing the Kafka producer: {}", e.toString());
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
