package io.otlake.writer.commit;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a table says about where a consumer group is in a topic (see {@link TablePosition#resolve}).
 *
 * @param kind whether the table knows the position, has never been written by the group, or cannot say
 * @param offsets per partition the next offset to read (empty unless {@link Kind#FOUND})
 * @param source where the offsets came from, for logs
 * @param rewound true when the table was rolled back behind the group's last commit and the offsets are those of the
 *     older snapshot that is current now: the rolled-back records are read again
 * @param problem for {@link Kind#BLOCKED}, what was found and what an operator can do
 */
public record Position(Kind kind, Map<Integer, Long> offsets, String source, boolean rewound, String problem) {
  public enum Kind {
    /** The table holds the group's position. */
    FOUND,
    /** Nothing of this group was ever committed to the table: start from {@code kafka.start-from}. */
    NEW,
    /** The table holds data but no position the writer can trust: stop and ask the operator. */
    BLOCKED
  }

  public Position {
    offsets = Collections.unmodifiableMap(new TreeMap<>(offsets));
  }

  static Position found(Map<Integer, Long> offsets, String source) {
    return new Position(Kind.FOUND, offsets, source, false, null);
  }

  static Position rewound(Map<Integer, Long> offsets, String source) {
    return new Position(Kind.FOUND, offsets, source, true, null);
  }

  static Position fresh(String source) {
    return new Position(Kind.NEW, Map.of(), source, false, null);
  }

  static Position blocked(String problem) {
    return new Position(Kind.BLOCKED, Map.of(), "nothing trustworthy", false, problem);
  }

  /** The next offset of {@code partition}, or null when the table holds none for it. */
  public Long offset(int partition) {
    return offsets.get(partition);
  }

  /**
   * Whether a partition missing from a found position was added to the topic after the position was first written:
   * Kafka numbers partitions 0..n-1 and adds new ones at the end, and every commit stores every partition known, so
   * a partition above the highest stored one is new, and a missing one below it was removed from the value.
   */
  public boolean isNewPartition(int partition) {
    if (kind != Kind.FOUND || offsets.containsKey(partition)) {
      return false;
    }
    int highest = -1;
    for (int p : offsets.keySet()) {
      highest = Math.max(highest, p);
    }
    return partition > highest;
  }
}
