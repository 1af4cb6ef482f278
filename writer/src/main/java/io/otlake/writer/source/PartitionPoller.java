package io.otlake.writer.source;

import io.otlake.proto.Encoding;
import io.otlake.proto.RecordHeaders;
import io.otlake.writer.commit.Position;
import io.otlake.writer.dedup.Dedup;
import io.otlake.writer.commit.TableCommitter;
import io.otlake.writer.deadletter.DeadLetters;
import io.otlake.proto.json.OtlpJson;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.writer.signals.ItemView;
import io.otlake.writer.signals.WriterSignal;
import io.otlake.writer.write.Batch;
import io.otlake.writer.write.OpenFileBudget;
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
import org.apache.iceberg.exceptions.CommitStateUnknownException;
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
 * One signal's loop: poll the signal's topic, decode records into rows of the open batch (each item into the table
 * of the signal its view names), and commit the batch to every table with the offsets it covers when it is due.
 * Every table keeps its own position: a partition is read from the lowest of its tables' positions, and a record
 * adds rows only to the tables whose position is at or before it (a crash between two tables' commits re-reads the
 * records for the tables that had not committed them, and only for those). Positions come from the table (see
 * {@link io.otlake.writer.commit.TablePosition}), never from the consumer group's committed offsets, which are only
 * updated after each commit so lag can be watched.
 *
 * <p>A partition the table cannot give a position for although it holds data is <em>blocked</em>: paused, reported
 * in an ERROR line and the {@code otlake.writer.partitions.blocked} gauge, and checked again every
 * {@value #BLOCKED_RECHECK_MILLIS} ms, so that it resumes by itself once an operator sets the position. Only a table
 * the group never committed to starts at {@code kafka.start-from}; partitions added to the topic later start at
 * their beginning.
 */
public final class PartitionPoller<V extends ItemView> implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionPoller.class);
  private static final long POLL_MILLIS = 100;
  /**
   * Margin for what the mean commit time does not show: a GC pause, a slow catalog round trip, a busy machine. With
   * only twice the mean commit ahead, p99 freshness sat at 9.8-9.9 s of a 10 s interval in the benchmarks, and the
   * slowest commits passed it.
   */
  private static final long MARGIN_MILLIS = 250;
  static final long BLOCKED_RECHECK_MILLIS = 10_000;
  /**
   * A table that gets no rows from a batch still commits its position (an append without files) when it last did
   * this long ago, so that a restart does not re-read a long stretch of the topic for it (a metrics kind nobody
   * sends); a table's first commit is made at once, whatever it holds.
   */
  static final long POSITION_ONLY_MILLIS = 60_000;
  /**
   * Fault injection for the crash tests: with this system property naming a table (as {@code otel.metrics_sum}), the
   * process halts right after its first commit of rows to that table, before the signal's tables after it commit.
   */
  public static final String HALT_PROPERTY = "otlake.test.halt-after-commit-to";
  public static final int HALT_STATUS = 86;
  private static final String HALT_AFTER_COMMIT_TO = System.getProperty(HALT_PROPERTY);

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final String group;
  private final WriterSignal<V> signal;
  private final List<TableState<V>> tables;
  private final DeadLetters deadLetters;
  private final Encoding defaultEncoding;
  private final boolean startFromEarliest;
  private final long commitIntervalMillis;
  private final long maxBufferedBytes;
  private final OpenFileBudget fileBudget;
  private final int maxPartitionsPerCommit;
  private final java.util.concurrent.Executor closer;
  private final LongSupplier clock;
  private final WriterMetrics metrics;
  private final int writerId;
  private final V view;
  private final byte[] identity = new byte[24];
  private final Dedup dedup;
  /**
   * Per partition being warmed up: the table's position. Records before it (from the start of the dedup window) are
   * read only to remember their span ids, so that a client's retry straddling a restart or rebalance is recognised.
   */
  private final Map<Integer, Long> warmUntil = new HashMap<>();

  /** Partitions paused because the table holds no position for them that can be trusted. */
  private final Set<TopicPartition> blocked = new LinkedHashSet<>();
  private long nextBlockedCheck;
  private Batch batch;
  private long batchSeq;
  /** How long recent commits took (moving average), so a commit can start early enough to keep freshness. */
  private long commitMillis;
  private volatile boolean running = true;
  /** When the tables' positions are read again after a failure ({@link #failed}); -1: no failure pending. */
  private long rewindAt = -1;
  /** The last backoff after a failure; 0 after a commit succeeded. */
  private long retryMillis;
  /** Whether the last try failed (a commit since clears it): repeated failures at the longest backoff log briefly. */
  private boolean failing;
  static final long RETRY_MIN_MILLIS = 1000;
  static final long RETRY_MAX_MILLIS = 16_000;
  /** Whether this loop consumes partition 0 of its topic: the one writer of the group that maintains its tables. */
  private volatile boolean leads;

  /**
   * @param tables the signal's tables, in the order of {@link WriterSignal#tables()}, loaded or created
   */
  public PartitionPoller(Consumer<byte[], byte[]> consumer, WriterSignal<V> signal, List<Table> tables, String topic,
      String group, DeadLetters deadLetters, Encoding defaultEncoding, boolean startFromEarliest,
      Duration commitInterval, long maxBufferedBytes, OpenFileBudget fileBudget, int maxPartitionsPerCommit,
      Dedup dedup, java.util.concurrent.Executor closer, LongSupplier clock, WriterMetrics metrics, int writerId) {
    if (tables.size() != signal.tables().size()) {
      throw new IllegalArgumentException(signal.signal() + " feeds " + signal.tables().size() + " tables, got "
          + tables.size());
    }
    this.closer = closer;
    this.consumer = consumer;
    this.topic = topic;
    this.group = group;
    this.signal = signal;
    this.view = signal.newView();
    List<TableState<V>> states = new ArrayList<>();
    for (int i = 0; i < tables.size(); i++) {
      states.add(new TableState<>(signal.tables().get(i), tables.get(i), new TableCommitter(topic, group, 10, 200)));
    }
    this.tables = List.copyOf(states);
    this.deadLetters = deadLetters;
    this.defaultEncoding = defaultEncoding;
    this.startFromEarliest = startFromEarliest;
    this.commitIntervalMillis = commitInterval.toMillis();
    this.maxBufferedBytes = maxBufferedBytes;
    this.fileBudget = fileBudget;
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
        try {
          if (rewindAt >= 0 && clock.getAsLong() >= rewindAt) {
            resumeAfterFailure();
          }
          ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(POLL_MILLIS));
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
          // storage, catalog or Kafka trouble (in a commit, a rewind, or a rebalance callback run by poll)
          failed("writing failed", e);
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

  /** Whether this loop consumes partition 0 of its topic now (the group's maintainer of the signal's tables). */
  public boolean leads() {
    return leads;
  }

  private void updateLead(Collection<TopicPartition> leaving) {
    boolean now = false;
    for (TopicPartition tp : consumer.assignment()) {
      if (tp.partition() == 0 && !leaving.contains(tp)) {
        now = true;
      }
    }
    if (now != leads) {
      LOG.info("{} maintenance of {}'s tables (partition 0 of {} {})", now ? "taking over" : "handing over",
          signalName(), topic, now ? "assigned" : "revoked");
    }
    leads = now;
  }

  /** The signal this loop writes ({@code traces}, {@code logs}, {@code metrics}). */
  public String signalName() {
    return signal.signal().headerValue();
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
    if (batch != null && partitionsTouched() >= maxPartitionsPerCommit) {
      // a batch over many days or services becomes many files and a slow commit: commit what it has first
      metrics.committedEarly("partitions");
      LOG.info("batch reached {} partitions (commit.max-partitions); committing early", partitionsTouched());
      commit();
    }
    if (batch == null) {
      batch = new Batch(clock.getAsLong());
      batchSeq++;
    }
    batch.consumed(r.partition(), r.offset(), r.value() == null ? 0 : r.value().length, r.timestamp());
    String problem = decodeInto(r);
    if (problem != null) {
      deadLetters.send(r, problem);
      batch.deadLettered();
      metrics.deadLettered();
    }
  }

  private int partitionsTouched() {
    int n = 0;
    for (TableState<V> t : tables) {
      n += t.partitionsTouched();
    }
    return n;
  }

  /** Decodes one record's rows into the batch; returns why it could not, or null. */
  private String decodeInto(ConsumerRecord<byte[], byte[]> r) {
    String problem = decode(r);
    if (problem != null) {
      return problem;
    }
    // the scan checked every byte the view reads (structure, wire types, UTF-8), so writing cannot fail half-way
    // through a record for a reason in the record: a bad record is refused above, before any of its rows is written
    int items = view.itemCount();
    long at = r.timestamp() > 0 ? r.timestamp() : clock.getAsLong();
    int written = 0;
    int duplicates = 0;
    for (int i = 0; i < items; i++) {
      view.moveTo(i);
      // remembered even for a table that has the record already, so that a later retry is still recognised
      if (isDuplicate(r.partition(), at)) {
        duplicates++;
        continue;
      }
      TableState<V> t = tables.get(view.table());
      if (!t.takes(r.partition(), r.offset())) {
        continue; // this table committed the record before (a crash between two tables' commits)
      }
      t.files(writerId, batchSeq, fileBudget, closer).write(view);
      written++;
    }
    metrics.rows(written);
    if (duplicates > 0) {
      metrics.duplicates(duplicates);
    }
    return null;
  }

  /** Whether the item the view is on was read before within the dedup window (it is remembered if not). */
  private boolean isDuplicate(int partition, long recordMillis) {
    if (!dedup.enabled()) {
      return false;
    }
    view.identity(identity);
    return dedup.seen(partition, identity, recordMillis);
  }

  /** Remembers the item ids of a record before the table's position (warming the dedup window up). */
  private void remember(ConsumerRecord<byte[], byte[]> r) {
    metrics.warmupRecord();
    if (decode(r) != null) {
      return; // it was dead-lettered when it was first read
    }
    long at = r.timestamp() > 0 ? r.timestamp() : clock.getAsLong();
    for (int i = 0, n = view.itemCount(); i < n; i++) {
      view.moveTo(i);
      isDuplicate(r.partition(), at);
    }
  }

  /** Puts the view on a record's items; returns why the record cannot be read, or null. */
  private String decode(ConsumerRecord<byte[], byte[]> r) {
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
    String request = signal.contract().tree().requestName();
    byte[] proto = r.value();
    if (encoding == Encoding.OTLP_JSON) {
      try {
        proto = signal.jsonToProto(proto);
      } catch (MalformedRequestException e) {
        return "not a valid otlp_json " + request + ": " + e.getMessage();
      }
    }
    try {
      view.reset(proto);
      return null;
    } catch (MalformedRequestException e) {
      return "not a valid otlp_proto " + request + ": " + e.getMessage();
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : RecordHeaders.text(h.value());
  }

  private void abortBatch() {
    if (batch != null) {
      abortFiles();
      deadLetters.discard();
      batch = null;
    }
  }

  private void abortFiles() {
    for (TableState<V> t : tables) {
      if (t.files != null) {
        t.files.abort();
        t.files = null;
      }
    }
  }

  /**
   * Storage, catalog or Kafka trouble: drops the batch, stops reading (every assigned partition paused, so nothing is
   * read from a position that is no longer the table's) and schedules a rewind to the tables' positions after a
   * backoff that doubles with each failure in a row ({@value #RETRY_MIN_MILLIS} ms up to {@value #RETRY_MAX_MILLIS}
   * ms). The loop keeps polling meanwhile, so the consumer stays in its group and rebalances run.
   */
  private void failed(String what, RuntimeException e) {
    retryMillis = retryMillis == 0 ? RETRY_MIN_MILLIS : Math.min(RETRY_MAX_MILLIS, retryMillis * 2);
    if (retryMillis < RETRY_MAX_MILLIS || !failing) {
      LOG.error("{}; re-reading from the tables' positions in {} ms", what, retryMillis, e);
    } else {
      LOG.error("{}; re-reading from the tables' positions in {} ms: {}", what, retryMillis, e.toString());
    }
    failing = true;
    abortBatch();
    try {
      consumer.pause(consumer.assignment());
    } catch (RuntimeException again) {
      LOG.debug("could not pause the assignment: {}", again.toString());
    }
    rewindAt = clock.getAsLong() + retryMillis;
  }

  /** After {@link #failed}: back to the tables' positions, then reading again (a failure here fails again). */
  private void resumeAfterFailure() {
    abortBatch();
    rewind("error");
    rewindAt = -1;
    List<TopicPartition> resume = new ArrayList<>(consumer.assignment());
    resume.removeAll(blocked);
    consumer.resume(resume);
    LOG.info("reading {} again after {} ms of failures", resume, retryMillis);
  }

  private void commit() {
    Batch b = batch;
    batch = null;
    if (b == null || b.isEmpty()) {
      abortFiles();
      return;
    }
    long started = System.nanoTime();
    // every table's files and the dead letters are stored before anything is committed
    Map<TableState<V>, List<DataFile>> files = new java.util.LinkedHashMap<>();
    try {
      for (TableState<V> t : tables) {
        files.put(t, t.files == null ? List.of() : t.files.complete());
      }
      deadLetters.flush();
    } catch (RuntimeException e) {
      abortFiles();
      deadLetters.discard();
      failed("could not finish the batch's files or dead letters", e);
      return;
    }
    long now = clock.getAsLong();
    long rows = 0;
    int fileCount = 0;
    List<String> committedTo = new ArrayList<>();
    for (int i = 0; i < tables.size(); i++) {
      TableState<V> t = tables.get(i);
      List<DataFile> written = files.get(t);
      long tableRows = t.files == null ? 0 : t.files.rows();
      Map<Integer, Long> expected = new HashMap<>();
      Map<Integer, Long> next = new HashMap<>();
      for (Map.Entry<Integer, Long> e : b.next().entrySet()) {
        Long from = t.from(e.getKey());
        if (from == null || e.getValue() > from) {
          expected.put(e.getKey(), t.stored.get(e.getKey()));
          next.put(e.getKey(), e.getValue());
        }
      }
      boolean due = !written.isEmpty()
          || !next.isEmpty() && (!t.initial.isEmpty() || now - t.lastCommitMillis >= POSITION_ONLY_MILLIS);
      t.files = null;
      if (!due) {
        continue;
      }
      TableCommitter.Result result;
      try {
        result = t.committer.commit(t.table, written, expected, next, Map.copyOf(t.initial),
            Map.of("otlake.writer.rows", Long.toString(tableRows),
                "otlake.writer.dead-letters", Long.toString(b.deadLetters())));
      } catch (CommitStateUnknownException e) {
        // the commit may have landed (the catalog cannot say yet): its files stay, referenced or orphans to remove
        dropFrom(i + 1, files);
        failed("commit to " + t.name() + " ended in an unknown state; its " + written.size() + " files are kept"
            + (committedTo.isEmpty() ? "" : " (committed to " + committedTo + ")"), e);
        return;
      } catch (RuntimeException e) {
        dropFrom(i, files);
        failed("commit to " + t.name() + " failed" + (committedTo.isEmpty() ? "" : " (committed to " + committedTo
            + ")"), e);
        return;
      }
      if (result.outcome() == TableCommitter.Outcome.FENCED) {
        metrics.fenced();
        LOG.warn("fenced on {}: {}; dropping the batch ({} rows in {} files, offsets {} -> {}) and re-reading from the"
            + " table's position", t.name(), result.reason(), tableRows, written.size(), expected, next);
        dropFrom(i, files);
        rewind("fenced");
        return;
      }
      t.initial.clear();
      for (Integer p : new ArrayList<>(t.stored.keySet())) {
        t.stored.put(p, result.offsets().get(p));
      }
      t.lastCommitMillis = now;
      rows += tableRows;
      fileCount += written.size();
      committedTo.add(t.name());
      if (!written.isEmpty() && i < tables.size() - 1 && HALT_AFTER_COMMIT_TO != null
          && (t.name().equals(HALT_AFTER_COMMIT_TO) || t.name().endsWith("." + HALT_AFTER_COMMIT_TO))) {
        LOG.warn("halting after the commit to {} ({}), before the signal's other tables", t.name(), HALT_PROPERTY);
        Runtime.getRuntime().halt(HALT_STATUS);
      }
    }
    long tookNanos = System.nanoTime() - started;
    commitMillis = (commitMillis * 3 + tookNanos / 1_000_000) / 4;
    metrics.committed(rows, fileCount, tookNanos);
    retryMillis = 0;
    failing = false;
    Map<TopicPartition, OffsetAndMetadata> forLag = new HashMap<>();
    b.next().forEach((p, o) -> forLag.put(new TopicPartition(topic, p), new OffsetAndMetadata(o)));
    consumer.commitAsync(forLag, null);
    LOG.info("committed {} rows in {} files to {} in {} ms; offsets {}", rows, fileCount, committedTo,
        tookNanos / 1_000_000, b.next());
  }

  /** Deletes the files of table {@code from} and the tables after it (not committed). */
  private void dropFrom(int from, Map<TableState<V>, List<DataFile>> files) {
    for (int j = from; j < tables.size(); j++) {
      TableState<V> t = tables.get(j);
      PartitionedFiles.deleteAll(t.table, files.get(t));
      t.files = null;
    }
  }

  /** Re-reads the tables' positions and seeks every assigned partition back to them. */
  private void rewind(String reason) {
    metrics.rewound(reason);
    position(consumer.assignment(), "rewind after " + reason);
  }

  /**
   * Seeks each partition to the lowest next offset its tables hold for it; a table the group never committed to
   * starts at {@code kafka.start-from}, a partition the topic gained since a position was written at its beginning,
   * and a partition a table cannot say anything trustworthy about is paused (blocked) until it can.
   */
  private void position(Collection<TopicPartition> partitions, String why) {
    if (partitions.isEmpty()) {
      return;
    }
    nextBlockedCheck = clock.getAsLong() + BLOCKED_RECHECK_MILLIS;
    Map<TopicPartition, Long> seeks = new TreeMap<>(PartitionPoller::compare);
    Set<TopicPartition> refused = new LinkedHashSet<>();
    Set<TopicPartition> committedBefore = new java.util.HashSet<>();
    List<String> problems = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    for (TableState<V> t : tables) {
      Position position = t.committer.position(t.table);
      partitions.forEach(tp -> t.forget(tp.partition()));
      t.lastCommitMillis = clock.getAsLong();
      sources.add(t.name() + ": " + position.source());
      Map<TopicPartition, Long> own = new HashMap<>();
      List<TopicPartition> refusedHere = new ArrayList<>();
      switch (position.kind()) {
        case BLOCKED -> {
          refusedHere.addAll(partitions);
          problems.add(t.name() + ": " + position.problem());
        }
        case NEW -> {
          Map<Integer, Long> starts = startOffsets(topicPartitions(partitions), startFromEarliest);
          t.initial.putAll(starts);
          partitions.forEach(tp -> own.put(tp, starts.get(tp.partition())));
          metrics.positioned("start-from", partitions.size());
        }
        case FOUND -> {
          if (position.rewound()) {
            metrics.rewound("rollback");
            LOG.warn("{} was rolled back behind the group's last commit: reading {} again from {}", t.name(), topic,
                position.source());
          }
          List<TopicPartition> added = new ArrayList<>();
          for (TopicPartition tp : partitions) {
            Long o = position.offset(tp.partition());
            if (o != null) {
              own.put(tp, o);
              committedBefore.add(tp);
            } else if (position.isNewPartition(tp.partition())) {
              added.add(tp);
            } else {
              refusedHere.add(tp);
            }
          }
          if (!added.isEmpty()) {
            // every partition above the highest stored one is new to the position: stored with the next commit
            Map<Integer, Long> starts = new HashMap<>(startOffsets(topicPartitions(added), true));
            starts.keySet().removeIf(p -> !position.isNewPartition(p));
            t.initial.putAll(starts);
            added.forEach(tp -> own.put(tp, starts.get(tp.partition())));
            metrics.positioned("new-partition", added.size());
            LOG.info("partitions {} of {} are new to {}'s position: reading them from their beginning", added, topic,
                t.name());
          }
          if (!refusedHere.isEmpty()) {
            problems.add(t.name() + ": its position (" + position.source() + ") has offsets " + position.offsets()
                + " but none for " + refusedHere + ", which are below the highest partition it has: the value was"
                + " edited; set the position explicitly: ./otlake position --config writer.yaml set"
                + " <partition>=<offset>...");
          }
          metrics.positioned("table", own.size() - added.size());
        }
        default -> throw new IllegalStateException("unknown position kind " + position.kind());
      }
      for (TopicPartition tp : partitions) {
        if (!refusedHere.contains(tp)) {
          t.stored.put(tp.partition(), position.offset(tp.partition()));
        }
      }
      refused.addAll(refusedHere);
      own.forEach((tp, o) -> seeks.merge(tp, o, Math::min));
    }
    refused.forEach(seeks::remove);
    Map<TopicPartition, Long> warmFrom = warmUpStarts(seeks, committedBefore);
    List<TopicPartition> resumed = new ArrayList<>();
    for (Map.Entry<TopicPartition, Long> e : seeks.entrySet()) {
      TopicPartition tp = e.getKey();
      Long from = warmFrom.get(tp);
      consumer.seek(tp, from != null ? from : e.getValue());
      if (blocked.remove(tp)) {
        resumed.add(tp);
      }
    }
    if (!resumed.isEmpty()) {
      consumer.resume(resumed);
      metrics.positioned("resumed", resumed.size());
      LOG.info("{} no longer blocked: the tables now give a position ({})", resumed, sources);
    }
    if (!refused.isEmpty()) {
      List<TopicPartition> pause = new ArrayList<>(refused);
      consumer.pause(pause);
      boolean fresh = blocked.addAll(pause);
      pause.forEach(tp -> {
        tables.forEach(t -> t.forget(tp.partition()));
        dedup.forget(tp.partition());
        warmUntil.remove(tp.partition());
      });
      if (fresh) {
        LOG.error("NOT consuming {} of group '{}': {}", pause, group, String.join("; ", problems));
      } else {
        LOG.debug("still blocked: {}", pause);
      }
    }
    metrics.blocked(blocked.size());
    if (!seeks.isEmpty()) {
      LOG.info("positioned {} ({}) from {}", seeks, why, sources);
    }
  }

  /**
   * Where each partition positioned from a table starts reading to rebuild its dedup window: the first record of
   * the window (by record time) when it lies before the position. The partition's remembered ids are dropped
   * first, so ids of an aborted batch are never taken for duplicates when the batch is read again.
   */
  private Map<TopicPartition, Long> warmUpStarts(Map<TopicPartition, Long> seeks, Set<TopicPartition> committed) {
    Map<TopicPartition, Long> out = new HashMap<>();
    Map<TopicPartition, Long> times = new HashMap<>();
    for (Map.Entry<TopicPartition, Long> e : seeks.entrySet()) {
      dedup.forget(e.getKey().partition());
      warmUntil.remove(e.getKey().partition());
      if (dedup.enabled() && committed.contains(e.getKey())) {
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
      LOG.info("re-reading {} up to the tables' position {} to remember the last {} s of item ids", out,
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
      tables.forEach(t -> t.forget(tp.partition()));
      blocked.remove(tp);
    }
    metrics.blocked(blocked.size());
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      updateLead(partitions);
      try {
        if (batch != null) {
          commit();
        }
      } finally {
        forget(partitions);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      updateLead(partitions);
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
      updateLead(List.of());
      position(partitions, "assigned");
    }
  }
}
