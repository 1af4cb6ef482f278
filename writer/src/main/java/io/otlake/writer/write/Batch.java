package io.otlake.writer.write;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * What has been consumed since the last commit: per Kafka partition the next offset after its last record, with the
 * bytes and records read (the data files are per table, held by the poll loop's tables).
 */
public final class Batch {
  private final long startedAtMillis;
  private final Map<Integer, Long> next = new HashMap<>();
  private long bytes;
  private long records;
  private long deadLetters;
  private long oldestRecordMillis = Long.MAX_VALUE;

  public Batch(long startedAtMillis) {
    this.startedAtMillis = startedAtMillis;
  }

  /**
   * Notes a consumed record; {@code timestampMillis} is the record's Kafka timestamp (when it was produced), or a
   * value <= 0 if unknown.
   */
  public void consumed(int partition, long offset, int valueBytes, long timestampMillis) {
    if (timestampMillis > 0 && timestampMillis < oldestRecordMillis) {
      oldestRecordMillis = timestampMillis;
    }
    next.put(partition, offset + 1);
    bytes += valueBytes;
    records++;
  }

  public void deadLettered() {
    deadLetters++;
  }

  public Map<Integer, Long> next() {
    return Collections.unmodifiableMap(next);
  }

  public boolean isEmpty() {
    return records == 0;
  }

  public long bytes() {
    return bytes;
  }

  public long records() {
    return records;
  }

  public long deadLetters() {
    return deadLetters;
  }

  /**
   * Whether to commit now. The aim is that a record becomes visible within {@code intervalMillis} of being produced:
   * the commit starts {@code leadMillis} (the caller's allowance for a commit and the wait for the next poll) before
   * the oldest record of the batch turns {@code intervalMillis} old. A batch of old records (catching up on a backlog) still grows for half an interval
   * so that commits stay large; no batch waits longer than the interval or grows past {@code maxBytes}.
   */
  public boolean due(long nowMillis, long intervalMillis, long maxBytes, long leadMillis) {
    if (records == 0) {
      return false;
    }
    if (bytes >= maxBytes || nowMillis - startedAtMillis >= intervalMillis) {
      return true;
    }
    long oldest = Math.min(oldestRecordMillis, startedAtMillis);
    long allowance = Math.min(leadMillis, intervalMillis / 2);
    return nowMillis >= oldest + intervalMillis - allowance && nowMillis - startedAtMillis >= intervalMillis / 2;
  }
}
