package io.otlake.writer.source;

import io.otlake.proto.Encoding;
import io.otlake.proto.RecordHeaders;
import io.otlake.writer.commit.Position;
import io.otlake.writer.dedup.Dedup;
import io.otlake.writer.commit.TableCommitter;
import io.otlake.writer.deadletter.DeadLetters;
import io.otlake.proto.json.OtlpJson;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedTraces;
import io.otlake.writer.decode.Slice;
import io.otlake.writer.decode.SpanView;
import io.otlake.writer.write.Batch;
import io.otlake.writer.write.PartitionedFiles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.iceberg.DataFile;
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
 * table with the offsets it covers when it is due. Positions come from the table (see
 * {@link io.otlake.writer.commit.TablePosition}), never from the consumer group's committed offsets, which are only
 * updated after each commit so lag can be watched.
 *
 * <p>A partition the table cannot give a position for although it holds data is <em>blocked</em>: paused, reported
 * in an ERROR line and the {@code otlake.writer.partitions.blocked} gauge, and checked again every
 * {@value #BLOCKED_RECHECK_MILLIS} ms, so that it resumes by itself once an operator sets the position. Only a table
 * the group never committed to starts at {@code kafka.start-from}; partitions added to the topic later start at
 * their beginning.
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
  static final long BLOCKED_RECHECK_MILLIS = 10_000;

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final String group;
  private final Table table;
  private final TableCommitter committer;
  private final DeadLetters deadLetters;
  private final Encoding defaultEncoding;
  private final boolean startFromEarliest;
  private final long commitIntervalMillis;
  private final long maxBufferedBytes;
  private final int maxOpenFiles;
  private final int maxPartitionsPerCommit;
  private final java.util.concurrent.Executor closer;
  private final LongSupplier clock;
  private final WriterMetrics metrics;
  private final int writerId;
  private final SpanView view = new SpanView();
  private final Dedup dedup;
  /**
   * Per partition being warmed up: the table's position. Records before it (from the start of the dedup window) are
   * read only to remember their span ids, so that a client's retry straddling a restart or rebalance is recognised.
   */
  private final Map<Integer, Long> warmUntil = new HashMap<>();

  /** Per assigned partition: the next offset the table holds for it, or null when it holds none. */
  private final Map<Integer, Long> stored = new HashMap<>();
  /**
   * Start offsets of partitions the table holds none for (all of a new table's, or partitions the topic gained),
   * stored with the next commit so that every partition of the topic below the highest stored one has a position.
   */
  private final Map<Integer, Long> initial = new HashMap<>();
  /** Partitions paused because the table holds no position for them that can be trusted. */
  private final Set<TopicPartition> blocked = new LinkedHashSet<>();
  private long nextBlockedCheck;
  private Batch batch;
  private long batchSeq;
  /** How long recent commits took (moving average), so a commit can start early enough to keep freshness. */
  private long commitMillis;
  private volatile boolean running = true;

  public PartitionPoller(Consumer<byte[], byte[]> consumer, Table table, TableCommitter committer,
      DeadLetters deadLetters, Encoding defaultEncoding, boolean startFromEarliest, Duration commitInterval,
      long maxBufferedBytes, int maxOpenFiles, int maxPartitionsPerCommit, Dedup dedup,
      java.util.concurrent.Executor closer, LongSupplier clock,
      WriterMetrics metrics, int writerId) {
    this.closer = closer;
    this.consumer = consumer;
    this.topic = committer.topic();
    this.group = committer.group();
    this.table = table;
    this.committer = committer;
    this.deadLetters = deadLetters;
    this.defaultEncoding = defaultEncoding;
    this.startFromEarliest = startFromEarliest;
    this.commitIntervalMillis = commitInterval.toMillis();
    this.maxBufferedBytes = maxBufferedBytes;
    this.maxOpenFiles = maxOpenFiles;
    this.maxPartitionsPerCommit = maxPartitionsPerCommit;
    this.dedup = dedup;
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
          if (!blocked.isEmpty() && clock.getAsLong() >= nextBlockedCheck) {
            position(new ArrayList<>(blocked), "re-check of blocked partitions");
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
          rewind("error");
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
    Long warm = warmUntil.get(r.partition());
    if (warm != null) {
      if (r.offset() < warm) {
        remember(r);
        return;
      }
      warmUntil.remove(r.partition());
    }
    if (batch != null && batch.files().partitionsTouched() >= maxPartitionsPerCommit) {
      // a batch over many days or services becomes many files and a slow commit: commit what it has first
      metrics.committedEarly("partitions");
      LOG.info("batch reached {} partitions (commit.max-partitions); committing early",
          batch.files().partitionsTouched());
      commit();
    }
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
    Decoded d = decode(r);
    if (d.problem() != null) {
      return d.problem();
    }
    // the scan checked every byte the view reads (structure, wire types, UTF-8), so writing cannot fail half-way
    // through a record for a reason in the record: a bad record is refused above, before any of its rows is written
    view.reset(d.scanned());
    int spans = d.scanned().spanCount();
    long at = r.timestamp() > 0 ? r.timestamp() : clock.getAsLong();
    int written = 0;
    for (int s = 0; s < spans; s++) {
      view.moveTo(s);
      if (isDuplicate(r.partition(), at)) {
        continue;
      }
      batch.files().write(view);
      written++;
    }
    metrics.rows(written);
    if (written < spans) {
      metrics.duplicates(spans - written);
    }
    return null;
  }

  /** Whether the span the view is on was read before within the dedup window (it is remembered if not). */
  private boolean isDuplicate(int partition, long recordMillis) {
    Slice trace = view.rawTraceId();
    Slice span = view.rawSpanId();
    return dedup.seen(partition, trace.buf, trace.off, trace.len, span.buf, span.off, span.len, recordMillis);
  }

  /** Remembers the span ids of a record before the table's position (warming the dedup window up). */
  private void remember(ConsumerRecord<byte[], byte[]> r) {
    metrics.warmupRecord();
    Decoded d = decode(r);
    if (d.problem() != null) {
      return; // it was dead-lettered when it was first read
    }
    view.reset(d.scanned());
    long at = r.timestamp() > 0 ? r.timestamp() : clock.getAsLong();
    for (int s = 0; s < d.scanned().spanCount(); s++) {
      view.moveTo(s);
      isDuplicate(r.partition(), at);
    }
  }

  /** A record's spans, scanned, or why the record cannot be read. */
  private record Decoded(ScannedTraces scanned, String problem) {
    static Decoded refused(String problem) {
      return new Decoded(null, problem);
    }
  }

  private Decoded decode(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      return Decoded.refused("record has no value");
    }
    String version = header(r, RecordHeaders.FORMAT_VERSION);
    if (version != null && !version.equals(RecordHeaders.CURRENT_FORMAT_VERSION)) {
      return Decoded.refused("unknown otlake format version '" + version + "'");
    }
    Encoding encoding;
    try {
      String e = header(r, RecordHeaders.ENCODING);
      encoding = e == null ? defaultEncoding : Encoding.fromId(e);
    } catch (IllegalArgumentException e) {
      return Decoded.refused(e.getMessage());
    }
    byte[] proto = r.value();
    if (encoding == Encoding.OTLP_JSON) {
      try {
        proto = OtlpJson.traceRequestToProto(proto);
      } catch (MalformedRequestException e) {
        return Decoded.refused("not a valid otlp_json ExportTraceServiceRequest: " + e.getMessage());
      }
    }
    try {
      return new Decoded(ScannedTraces.scan(proto), null);
    } catch (MalformedRequestException e) {
      return Decoded.refused("not a valid otlp_proto ExportTraceServiceRequest: " + e.getMessage());
    }
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
      rewind("error");
      return;
    }
    TableCommitter.Result result;
    try {
      result = committer.commit(table, files, b.expected(), b.next(), Map.copyOf(initial),
          Map.of("otlake.writer.rows", Long.toString(b.files().rows()),
              "otlake.writer.dead-letters", Long.toString(b.deadLetters())));
    } catch (RuntimeException e) {
      LOG.error("commit failed; re-reading from the last commit", e);
      PartitionedFiles.deleteAll(table, files);
      rewind("error");
      return;
    }
    if (result.outcome() == TableCommitter.Outcome.FENCED) {
      metrics.fenced();
      LOG.warn("fenced: {}; dropping the batch ({} rows in {} files, offsets {} -> {}) and re-reading from the"
          + " table's position", result.reason(), b.files().rows(), files.size(), b.expected(), b.next());
      PartitionedFiles.deleteAll(table, files);
      rewind("fenced");
      return;
    }
    initial.clear();
    for (Integer p : new ArrayList<>(stored.keySet())) {
      stored.put(p, result.offsets().get(p));
    }
    long tookNanos = System.nanoTime() - started;
    commitMillis = (commitMillis * 3 + tookNanos / 1_000_000) / 4;
    metrics.committed(b.files().rows(), files.size(), tookNanos);
    Map<TopicPartition, OffsetAndMetadata> forLag = new HashMap<>();
    b.next().forEach((p, o) -> forLag.put(new TopicPartition(topic, p), new OffsetAndMetadata(o)));
    consumer.commitAsync(forLag, null);
    LOG.info("committed {} rows in {} files ({} finished early) in {} ms; offsets {}", b.files().rows(), files.size(),
        b.files().filesFinishedEarly(), tookNanos / 1_000_000, b.next());
  }

  /** Re-reads the table's position and seeks every assigned partition back to it. */
  private void rewind(String reason) {
    metrics.rewound(reason);
    position(consumer.assignment(), "rewind after " + reason);
  }

  /**
   * Seeks each partition to the next offset the table holds for it; a table the group never committed to starts at
   * {@code kafka.start-from}, a partition the topic gained since the position was written at its beginning, and a
   * partition the table cannot say anything trustworthy about is paused (blocked) until it can.
   */
  private void position(Collection<TopicPartition> partitions, String why) {
    if (partitions.isEmpty()) {
      return;
    }
    nextBlockedCheck = clock.getAsLong() + BLOCKED_RECHECK_MILLIS;
    Position position = committer.position(table);
    partitions.forEach(tp -> initial.remove(tp.partition()));
    Map<TopicPartition, Long> seeks = new TreeMap<>(PartitionPoller::compare);
    List<TopicPartition> refused = new ArrayList<>();
    String problem = position.problem();
    switch (position.kind()) {
      case BLOCKED -> refused.addAll(partitions);
      case NEW -> {
        Map<Integer, Long> starts = startOffsets(topicPartitions(partitions), startFromEarliest);
        initial.putAll(starts);
        partitions.forEach(tp -> seeks.put(tp, starts.get(tp.partition())));
        metrics.positioned("start-from", partitions.size());
      }
      case FOUND -> {
        if (position.rewound()) {
          metrics.rewound("rollback");
          LOG.warn("the table was rolled back behind the group's last commit: reading {} again from {}", topic,
              position.source());
        }
        List<TopicPartition> added = new ArrayList<>();
        for (TopicPartition tp : partitions) {
          Long o = position.offset(tp.partition());
          if (o != null) {
            seeks.put(tp, o);
          } else if (position.isNewPartition(tp.partition())) {
            added.add(tp);
          } else {
            refused.add(tp);
          }
        }
        if (!added.isEmpty()) {
          // every partition above the highest stored one is new to the position: store them all with the next commit
          Map<Integer, Long> starts = new HashMap<>(startOffsets(topicPartitions(added), true));
          starts.keySet().removeIf(p -> !position.isNewPartition(p));
          initial.putAll(starts);
          added.forEach(tp -> seeks.put(tp, starts.get(tp.partition())));
          metrics.positioned("new-partition", added.size());
          LOG.info("partitions {} of {} are new to the table's position: reading them from their beginning", added,
              topic);
        }
        if (!refused.isEmpty()) {
          problem = "the table's position (" + position.source() + ") has offsets " + position.offsets()
              + " but none for " + refused + ", which are below the highest partition it has: the value was edited;"
              + " set the position explicitly: ./otlake position --config writer.yaml set <partition>=<offset>...";
        }
        metrics.positioned("table", seeks.size() - added.size());
      }
      default -> throw new IllegalStateException("unknown position kind " + position.kind());
    }
    Map<TopicPartition, Long> warmFrom = warmUpStarts(seeks, position);
    List<TopicPartition> resumed = new ArrayList<>();
    for (Map.Entry<TopicPartition, Long> e : seeks.entrySet()) {
      TopicPartition tp = e.getKey();
      Long from = warmFrom.get(tp);
      consumer.seek(tp, from != null ? from : e.getValue());
      stored.put(tp.partition(), position.offset(tp.partition()));
      if (blocked.remove(tp)) {
        resumed.add(tp);
      }
    }
    if (!resumed.isEmpty()) {
      consumer.resume(resumed);
      metrics.positioned("resumed", resumed.size());
      LOG.info("{} no longer blocked: the table now gives a position ({})", resumed, position.source());
    }
    if (!refused.isEmpty()) {
      consumer.pause(refused);
      boolean fresh = blocked.addAll(refused);
      refused.forEach(tp -> {
        stored.remove(tp.partition());
        dedup.forget(tp.partition());
        warmUntil.remove(tp.partition());
      });
      if (fresh) {
        LOG.error("NOT consuming {} of group '{}': {}", refused, group, problem);
      } else {
        LOG.debug("still blocked: {}", refused);
      }
    }
    metrics.blocked(blocked.size());
    if (!seeks.isEmpty()) {
      LOG.info("positioned {} ({}) from {}", seeks, why, position.source());
    }
  }

  /**
   * Where each partition positioned from the table starts reading to rebuild its dedup window: the first record of
   * the window (by record time) when it lies before the table's position. The partition's remembered ids are dropped
   * first, so ids of an aborted batch are never taken for duplicates when the batch is read again.
   */
  private Map<TopicPartition, Long> warmUpStarts(Map<TopicPartition, Long> seeks, Position position) {
    Map<TopicPartition, Long> out = new HashMap<>();
    Map<TopicPartition, Long> times = new HashMap<>();
    for (Map.Entry<TopicPartition, Long> e : seeks.entrySet()) {
      dedup.forget(e.getKey().partition());
      warmUntil.remove(e.getKey().partition());
      if (dedup.enabled() && position.offset(e.getKey().partition()) != null) {
        times.put(e.getKey(), Math.max(0, clock.getAsLong() - dedup.windowMillis()));
      }
    }
    if (times.isEmpty()) {
      return out;
    }
    consumer.offsetsForTimes(times).forEach((tp, found) -> {
      long until = seeks.get(tp);
      if (found != null && found.offset() < until) {
        out.put(tp, found.offset());
        warmUntil.put(tp.partition(), until);
      }
    });
    if (!out.isEmpty()) {
      LOG.info("re-reading {} up to the table's position {} to remember the last {} s of span ids", out,
          seeks, dedup.windowMillis() / 1000);
    }
    return out;
  }

  /** All partitions of the topic, as far as the consumer knows, plus those given. */
  private List<TopicPartition> topicPartitions(Collection<TopicPartition> atLeast) {
    Set<TopicPartition> all = new LinkedHashSet<>(atLeast);
    var infos = consumer.partitionsFor(topic);
    if (infos != null) {
      infos.forEach(i -> all.add(new TopicPartition(topic, i.partition())));
    }
    return new ArrayList<>(all);
  }

  private Map<Integer, Long> startOffsets(List<TopicPartition> partitions, boolean earliest) {
    Map<TopicPartition, Long> found = earliest ? consumer.beginningOffsets(partitions)
        : consumer.endOffsets(partitions);
    Map<Integer, Long> out = new HashMap<>();
    found.forEach((tp, o) -> out.put(tp.partition(), o));
    return out;
  }

  private static int compare(TopicPartition a, TopicPartition b) {
    int c = a.topic().compareTo(b.topic());
    return c != 0 ? c : Integer.compare(a.partition(), b.partition());
  }

  private void forget(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      dedup.forget(tp.partition());
      warmUntil.remove(tp.partition());
      stored.remove(tp.partition());
      initial.remove(tp.partition());
      blocked.remove(tp);
    }
    metrics.blocked(blocked.size());
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (batch != null) {
        commit();
      }
      forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      abortBatch();
      forget(partitions);
      rewindAssigned(partitions);
    }

    private void rewindAssigned(Collection<TopicPartition> lost) {
      List<TopicPartition> keep = new ArrayList<>(consumer.assignment());
      keep.removeAll(lost);
      position(keep, "rewind after partitions were lost");
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      position(partitions, "assigned");
    }
  }
}
