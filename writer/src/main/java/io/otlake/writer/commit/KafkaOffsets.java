package io.otlake.writer.commit;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.TableMetadata;

/**
 * The Kafka position a table has consumed up to, kept in the summary of each snapshot the writer commits under
 * {@code otlake.kafka.offsets.<topic>} as {@code partition:next-offset} pairs, e.g. {@code 0:1200,1:977}. Every
 * writer commit carries the whole map (its own partitions advanced, the others copied from its parent snapshot), so
 * the newest snapshot that has the key tells the position of every partition; snapshots made by others (compaction,
 * deletes) lack the key and are skipped.
 */
public final class KafkaOffsets {
  public static final String SUMMARY_PREFIX = "otlake.kafka.offsets.";

  private KafkaOffsets() {}

  public static String summaryKey(String topic) {
    return SUMMARY_PREFIX + topic;
  }

  /** The next offset to consume per partition, from the newest snapshot of {@code metadata} that records it. */
  public static Map<Integer, Long> latest(TableMetadata metadata, String topic) {
    String key = summaryKey(topic);
    Snapshot s = metadata.currentSnapshot();
    while (s != null) {
      String value = s.summary() == null ? null : s.summary().get(key);
      if (value != null) {
        return parse(value);
      }
      s = s.parentId() == null ? null : metadata.snapshot(s.parentId());
    }
    return Collections.emptyMap();
  }

  public static Map<Integer, Long> parse(String value) {
    Map<Integer, Long> out = new TreeMap<>();
    if (value.isEmpty()) {
      return out;
    }
    for (String pair : value.split(",")) {
      int colon = pair.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("malformed Kafka offsets in snapshot summary: '" + value + "'");
      }
      out.put(Integer.parseInt(pair.substring(0, colon).trim()), Long.parseLong(pair.substring(colon + 1).trim()));
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
