package io.otlake.writer.deadletter;

import io.otlake.proto.RecordHeaders;
import io.otlake.proto.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Sends records the writer cannot decode to {@code <topic>_dlq}, unchanged, with the reason and the source position
 * in headers. {@link #flush} must succeed before the offsets past those records are committed.
 */
public final class DeadLetters implements AutoCloseable {
  private final Producer<byte[], byte[]> producer;
  private final List<Future<RecordMetadata>> pending = new ArrayList<>();

  public DeadLetters(Producer<byte[], byte[]> producer) {
    this.producer = producer;
  }

  public void send(ConsumerRecord<byte[], byte[]> record, String reason) {
    List<Header> headers = new ArrayList<>();
    for (Header h : record.headers()) {
      headers.add(h);
    }
    headers.add(new RecordHeader(RecordHeaders.DLQ_REASON, RecordHeaders.utf8(reason)));
    headers.add(new RecordHeader(RecordHeaders.DLQ_SOURCE,
        RecordHeaders.utf8(record.topic() + "/" + record.partition() + "/" + record.offset())));
    pending.add(producer.send(new ProducerRecord<>(Topics.deadLetterTopic(record.topic()), null, record.key(),
        record.value(), headers)));
  }

  /** Waits until every record sent so far is acknowledged; throws if any was not. */
  public void flush() {
    if (pending.isEmpty()) {
      return;
    }
    producer.flush();
    try {
      for (Future<RecordMetadata> f : pending) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not write to the dead-letter topic", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to the dead-letter topic", e);
    } finally {
      pending.clear();
    }
  }

  /** Forgets sends whose batch is being dropped; they may still land (a dead letter twice is harmless). */
  public void discard() {
    pending.clear();
  }

  @Override
  public void close() {
    producer.close();
  }
}
