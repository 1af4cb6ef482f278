package io.otlake.writer.source;

import io.otlake.proto.Encoding;
import io.otlake.proto.RecordHeaders;
import io.otlake.writer.commit.KafkaOffsets;
import io.otlake.writer.commit.TableCommitter;
import io.otlake.writer.deadletter.DeadLetters;
import io.otlake.proto.json.OtlpJson;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedTraces;
import io.otlake.writer.decode.SpanView;
import io.otlake.writer.write.Batch;
import io.otlake.writer.write.PartitionedFiles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer's one loop: poll a topic, decode records into rows of the open batch, and commit the batch to the
 * table with the offsets it covers when it is due. Positions come from the table (see {@link KafkaOffsets}), never
 * from the consumer group's committed offsets, which are only updated after each commit so lag can be watched.
 */
public final class PartitionPoller implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionPoller.class);
  private static final long POLL_MILLIS = 100;
  /**
   * Margin for what the mean commit time does not show: a GC pause, a slow catalog round trip, a busy machine. With
   * only twice the mean commit ahead, p99 freshness sat at 9.8-9.9 s of a 10 s interval in the benchmarks, and the
   * slowest commits passed it.
   */
  private static final long MARGIN_MILLIS = 250;

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final Table table;
  private final TableCommitter committer;
  private final DeadLetters deadLetters;
  private final Encoding defaultEncoding;
  private final boolean startFromEarliest;
  private final long commitIntervalMillis;
  private final long maxBufferedBytes;
  private final int maxOpenFiles;
  private final java.util.concurrent.Executor closer;
  private final LongSupplier clock;
  private final WriterMetrics metrics;
  private final int writerId;
  private final SpanView view = new SpanView();

  /** Per assigned partition: the next offset the table holds for it, or null when it holds none. */
  private final Map<Integer, Long> stored = new HashMap<>();
  private Batch batch;
  private long batchSeq;
  /** How long recent commits took (moving average), so a commit can start early enough to keep freshness. */
  private long commitMillis;
  private volatile boolean running = true;

  public PartitionPoller(Consumer<byte[], byte[]> consumer, String topic, Table table, TableCommitter committer,
      DeadLetters deadLetters, Encoding defaultEncoding, boolean startFromEarliest, Duration commitInterval,
      long maxBufferedBytes, int maxOpenFiles, java.util.concurrent.Executor closer, LongSupplier clock,
      WriterMetrics metrics, int writerId) {
    this.closer = closer;
    this.consumer = consumer;
    this.topic = topic;
    this.table = table;
    this.committer = committer;
    this.deadLetters = deadLetters;
    this.defaultEncoding = defaultEncoding;
    this.startFromEarliest = startFromEarliest;
    this.commitIntervalMillis = commitInterval.toMillis();
    this.maxBufferedBytes = maxBufferedBytes;
    this.maxOpenFiles = maxOpenFiles;
    this.clock = clock;
    this.metrics = metrics;
    this.writerId = writerId;
  }

  @Override
  public void run() {
    consumer.subscribe(List.of(topic), new Rebalance());
    try {
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(POLL_MILLIS));
        try {
          for (ConsumerRecord<byte[], byte[]> r : records) {
            take(r);
          }
          // twice the recent mean commit time: commits vary, and the promise is about the slowest records too
          if (batch != null && batch.due(clock.getAsLong(), commitIntervalMillis, maxBufferedBytes,
              2 * commitMillis + POLL_MILLIS + MARGIN_MILLIS)) {
            commit();
          }
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          // storage or catalog trouble: drop the batch, go back to the last commit, and try again shortly
          LOG.error("writing failed; re-reading from the last commit in 1s", e);
          abortBatch();
          pause(1000);
          rewind();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } finally {
      try {
        if (batch != null) {
          commit();
        }
      } catch (RuntimeException e) {
        LOG.warn("final commit on shutdown failed; the next writer re-reads those records: {}", e.toString());
      }
      consumer.close();
    }
  }

  /** Asks the loop to commit what it has and stop; returns at once. */
  public void stop() {
    running = false;
    consumer.wakeup();
  }

  private void take(ConsumerRecord<byte[], byte[]> r) {
    if (batch == null) {
      batch = new Batch(new PartitionedFiles(table, writerId, batchSeq++, maxOpenFiles, closer), clock.getAsLong());
    }
    batch.consumed(r.partition(), r.offset(), stored.get(r.partition()), r.value() == null ? 0 : r.value().length,
        r.timestamp());
    String problem = decodeInto(r);
    if (problem != null) {
      deadLetters.send(r, problem);
      batch.deadLettered();
      metrics.deadLettered();
    }
  }

  /** Decodes one record's rows into the batch; returns why it could not, or null. */
  private String decodeInto(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      return "record has no value";
    }
    String version = header(r, RecordHeaders.FORMAT_VERSION);
    if (version != null && !version.equals(RecordHeaders.CURRENT_FORMAT_VERSION)) {
      return "unknown otlake format version '" + version + "'";
    }
    Encoding encoding;
    try {
      String e = header(r, RecordHeaders.ENCODING);
      encoding = e == null ? defaultEncoding : Encoding.fromId(e);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    byte[] proto = r.value();
    if (encoding == Encoding.OTLP_JSON) {
      try {
        proto = OtlpJson.traceRequestToProto(proto);
      } catch (MalformedRequestException e) {
        return "not a valid otlp_json ExportTraceServiceRequest: " + e.getMessage();
      }
    }
    ScannedTraces scanned;
    try {
      scanned = ScannedTraces.scan(proto);
    } catch (MalformedRequestException e) {
      return "not a valid otlp_proto ExportTraceServiceRequest: " + e.getMessage();
    }
    // the scan checked every byte the view reads (structure, wire types, UTF-8), so writing cannot fail half-way
    // through a record for a reason in the record: a bad record is refused above, before any of its rows is written
    view.reset(scanned);
    int spans = scanned.spanCount();
    for (int s = 0; s < spans; s++) {
      view.moveTo(s);
      batch.files().write(view);
    }
    metrics.rows(spans);
    return null;
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : RecordHeaders.text(h.value());
  }

  private void abortBatch() {
    if (batch != null) {
      batch.files().abort();
      deadLetters.discard();
      batch = null;
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void commit() {
    Batch b = batch;
    batch = null;
    if (b == null || b.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    List<DataFile> files;
    try {
      files = b.files().complete();
      deadLetters.flush();
    } catch (RuntimeException e) {
      LOG.error("could not finish the batch's files or dead letters; re-reading from the last commit", e);
      b.files().abort();
      deadLetters.discard();
      rewind();
      return;
    }
    TableCommitter.Outcome outcome;
    try {
      outcome = committer.commit(table, topic, files, b.expected(), b.next(),
          Map.of("otlake.writer.rows", Long.toString(b.files().rows()),
              "otlake.writer.dead-letters", Long.toString(b.deadLetters())));
    } catch (RuntimeException e) {
      LOG.error("commit failed; re-reading from the last commit", e);
      PartitionedFiles.deleteAll(table, files);
      rewind();
      return;
    }
    if (outcome == TableCommitter.Outcome.FENCED) {
      PartitionedFiles.deleteAll(table, files);
      rewind();
      return;
    }
    stored.putAll(b.next());
    long tookNanos = System.nanoTime() - started;
    commitMillis = (commitMillis * 3 + tookNanos / 1_000_000) / 4;
    metrics.committed(b.files().rows(), files.size(), tookNanos);
    Map<TopicPartition, OffsetAndMetadata> forLag = new HashMap<>();
    b.next().forEach((p, o) -> forLag.put(new TopicPartition(topic, p), new OffsetAndMetadata(o)));
    consumer.commitAsync(forLag, null);
    LOG.info("committed {} rows in {} files ({} finished early) in {} ms; offsets {}", b.files().rows(), files.size(),
        b.files().filesFinishedEarly(), tookNanos / 1_000_000, b.next());
  }

  /** Re-reads the stored offsets and seeks every assigned partition back to them. */
  private void rewind() {
    seekToStored(consumer.assignment());
  }

  /** Seeks each partition to the next offset the table holds for it (or to the configured start when none). */
  private void seekToStored(Collection<TopicPartition> partitions) {
    table.refresh();
    Map<Integer, Long> offsets = KafkaOffsets.latest(((HasTableOperations) table).operations().current(), topic);
    List<TopicPartition> unknown = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      Long o = offsets.get(tp.partition());
      stored.put(tp.partition(), o);
      if (o != null) {
        consumer.seek(tp, o);
      } else {
        unknown.add(tp);
      }
    }
    if (!unknown.isEmpty()) {
      if (startFromEarliest) {
        consumer.seekToBeginning(unknown);
      } else {
        consumer.seekToEnd(unknown);
      }
    }
    LOG.info("positioned {} at the table's offsets {}", partitions, offsets);
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (batch != null) {
        commit();
      }
      partitions.forEach(tp -> stored.remove(tp.partition()));
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      abortBatch();
      partitions.forEach(tp -> stored.remove(tp.partition()));
      rewindAssigned(partitions);
    }

    private void rewindAssigned(Collection<TopicPartition> lost) {
      List<TopicPartition> keep = new ArrayList<>(consumer.assignment());
      keep.removeAll(lost);
      if (!keep.isEmpty()) {
        seekToStored(keep);
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        seekToStored(partitions);
      }
    }
  }
}
