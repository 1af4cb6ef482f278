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

  public Batch(PartitionedFiles files, long startedAtMillis) {
    this.files = files;
    this.startedAtMillis = startedAtMillis;
  }

  /** Notes a consumed record; {@code storedNext} is the table's offset for the partition when the batch began. */
  public void consumed(int partition, long offset, Long storedNext, int valueBytes) {
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

  public boolean due(long nowMillis, long intervalMillis, long maxBytes) {
    return records > 0 && (nowMillis - startedAtMillis >= intervalMillis || bytes >= maxBytes);
  }
}
