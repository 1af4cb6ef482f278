package io.otlake.writer.commit;

import java.util.Map;
import java.util.TreeMap;

/**
 * How the Kafka position is spelled in a table. Each writer commit stores, for its topic and consumer group, the next
 * offset of every partition ({@code 0:1200,1:977}) in two places of the same commit:
 * <ul>
 *   <li>the table property {@link #key} (with the snapshot it was committed in, see {@link StoredPosition}): table
 *       properties are carried into every later metadata version by every engine, and snapshot expiry never touches
 *       them, so this is where the position is read from;</li>
 *   <li>the summary of the snapshot the commit makes, under the same key: a record of the position that matches the
 *       data of that snapshot, used to follow a rollback to it (see {@link TablePosition}).</li>
 * </ul>
 * Keys name the topic and the group, as Kafka Connect's Iceberg sink does, so writer groups feeding one table from
 * different topics never read each other's position. Tables written before positions were keyed by group carry
 * {@link #legacySummaryKey} in their snapshot summaries only; they are read once and then migrated by the next commit.
 */
public final class KafkaOffsets {
  public static final String PREFIX = "otlake.kafka.offsets.";
  /** Table property naming the time a group first committed to a table: a position missing later was removed. */
  public static final String FIRST_COMMIT_PREFIX = "otlake.kafka.first-commit.";

  private KafkaOffsets() {}

  /** Property and summary key of the position of {@code group} in {@code topic}. */
  public static String key(String topic, String group) {
    return PREFIX + topic + "." + group;
  }

  public static String firstCommitKey(String topic, String group) {
    return FIRST_COMMIT_PREFIX + topic + "." + group;
  }

  /** The key of tables written before positions were keyed by consumer group (summaries only). */
  public static String legacySummaryKey(String topic) {
    return PREFIX + topic;
  }

  /** Parses {@code partition:next-offset} pairs, e.g. {@code 0:1200,1:977}; the empty text is the empty map. */
  public static Map<Integer, Long> parse(String value) {
    Map<Integer, Long> out = new TreeMap<>();
    if (value.isBlank()) {
      return out;
    }
    for (String pair : value.split(",")) {
      int colon = pair.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("malformed Kafka offsets '" + value + "': expected partition:offset pairs");
      }
      int partition;
      long offset;
      try {
        partition = Integer.parseInt(pair.substring(0, colon).trim());
        offset = Long.parseLong(pair.substring(colon + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("malformed Kafka offsets '" + value + "': " + e.getMessage());
      }
      if (partition < 0 || offset < 0) {
        throw new IllegalArgumentException("malformed Kafka offsets '" + value + "': negative partition or offset");
      }
      out.put(partition, offset);
    }
    return out;
  }

  public static String format(Map<Integer, Long> offsets) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<Integer, Long> e : new TreeMap<>(offsets).entrySet()) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(e.getKey()).append(':').append(e.getValue());
    }
    return sb.toString();
  }
}
