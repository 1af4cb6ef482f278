package io.otlake.writer.write;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * What has been consumed since the last commit: the open data files, and per Kafka partition the stored offset the
 * batch started from and the next offset after its last record.
 */
public final class Batch {
  private final PartitionedFiles files;
  private final long startedAtMillis;
  private final Map<Integer, Long> expected = new HashMap<>();
  private final Map<Integer, Long> next = new HashMap<>();
  private long bytes;
  private long records;
  private long deadLetters;
  private long oldestRecordMillis = Long.MAX_VALUE;

  public Batch(PartitionedFiles files, long startedAtMillis) {
    this.files = files;
    this.startedAtMillis = startedAtMillis;
  }

  /**
   * Notes a consumed record; {@code storedNext} is the table's offset for the partition when the batch began,
   * {@code timestampMillis} the record's Kafka timestamp (when it was produced), or a value <= 0 if unknown.
   */
  public void consumed(int partition, long offset, Long storedNext, int valueBytes, long timestampMillis) {
    if (timestampMillis > 0 && timestampMillis < oldestRecordMillis) {
      oldestRecordMillis = timestampMillis;
    }
    if (!next.containsKey(partition)) {
      expected.put(partition, storedNext);
    }
    next.put(partition, offset + 1);
    bytes += valueBytes;
    records++;
  }

  public void deadLettered() {
    deadLetters++;
  }

  public PartitionedFiles files() {
    return files;
  }

  public Map<Integer, Long> expected() {
    return Collections.unmodifiableMap(expected);
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
