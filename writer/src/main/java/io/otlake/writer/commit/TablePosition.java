package io.otlake.writer.commit;

import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.TableMetadata;

/**
 * Reads a consumer group's position in a topic from a table's metadata, and refuses to guess.
 *
 * <p>The position lives in the table property {@link KafkaOffsets#key}, written in the same commit as the data it
 * covers, with the id and sequence number of that commit's snapshot. Compaction, snapshot expiry, manifest rewrites,
 * schema and partition changes and property changes by any engine carry properties forward untouched, so the
 * position survives them. What they do not carry forward is a rollback: the property then names a snapshot that is
 * no longer in the current snapshot's history. So the property is taken only once the current snapshot's history
 * leads to that snapshot (or to a child of it, when it was expired) without passing a snapshot older than it:
 * <ul>
 *   <li>a rollback to an older snapshot of this group shows as a snapshot of the group's met first, or a sequence
 *       number below the property's: the position is then the one in the summary of the newest snapshot of the group
 *       in the current history (the data that is current now), so the rolled-back records are read again;</li>
 *   <li>a rollback past every snapshot the history still has a position for is {@link Position.Kind#BLOCKED};</li>
 *   <li>a history cut by expiry before either shows is taken as leading to the property's snapshot: snapshot
 *       expiry removes old history, which is the normal case after compaction; only a rollback to a snapshot that was
 *       itself expired after another commit on top of it, all while no writer of the group committed, looks the
 *       same, and is the one case this cannot tell (ARCHITECTURE.md).</li>
 * </ul>
 * Without the property: a table the group never committed to (no data, or only other groups' data) is
 * {@link Position.Kind#NEW}; a table whose snapshots or first-commit marker show the group committed, or that holds
 * data and no otlake position at all, is {@link Position.Kind#BLOCKED}. Tables of earlier versions, which kept the
 * position in snapshot summaries only, are read from the newest such summary.
 */
public final class TablePosition {
  private TablePosition() {}

  public static Position resolve(TableMetadata metadata, String topic, String group) {
    String key = KafkaOffsets.key(topic, group);
    String value = metadata.properties().get(key);
    if (value != null) {
      StoredPosition stored;
      try {
        stored = StoredPosition.parse(value);
      } catch (IllegalArgumentException e) {
        return Position.blocked("table property " + key + " cannot be read (" + e.getMessage() + ")" + howToSet(topic));
      }
      if (stored.snapshotId() == null) {
        return Position.found(stored.offsets(), "table property " + key + " (set by hand)");
      }
      return followHistory(metadata, key, stored, topic);
    }
    return withoutProperty(metadata, key, topic, group);
  }

  private static Position followHistory(TableMetadata metadata, String key, StoredPosition stored, String topic) {
    long committedIn = stored.snapshotId();
    long seq = stored.sequenceNumber() == null ? 0 : stored.sequenceNumber();
    Snapshot s = metadata.currentSnapshot();
    if (s == null) {
      return committedIn == -1 ? Position.found(stored.offsets(), "table property " + key)
          : Position.blocked("the table has no current snapshot, but its position " + key + " was committed in"
              + " snapshot " + committedIn + " (the table was replaced or emptied?)" + howToSet(topic));
    }
    boolean older = false;
    while (true) {
      if (s.snapshotId() == committedIn) {
        return Position.found(stored.offsets(), "table property " + key);
      }
      if (seq > 0 && s.sequenceNumber() < seq) {
        older = true;
      }
      String own = summary(s, key);
      if (own != null) {
        // the group's newest commit would have been met first: the table was rolled back to this older one
        return Position.rewound(KafkaOffsets.parse(own), "summary of snapshot " + s.snapshotId()
            + " (the table was rolled back from snapshot " + committedIn + ", where the property was written)");
      }
      Long parent = s.parentId();
      if (parent == null) {
        if (committedIn == -1) {
          return Position.found(stored.offsets(), "table property " + key + " (set on the empty table)");
        }
        return Position.blocked("snapshot " + committedIn + ", where " + key + " was committed, is not in the"
            + " history of the current snapshot " + metadata.currentSnapshot().snapshotId() + " (rolled back or"
            + " switched to another branch), and no snapshot of that history records a position" + howToSet(topic));
      }
      if (parent == committedIn) {
        return Position.found(stored.offsets(), "table property " + key + " (snapshot " + committedIn
            + " expired; its child " + s.snapshotId() + " is in the history)");
      }
      Snapshot next = metadata.snapshot(parent);
      if (next == null) {
        if (older) {
          return Position.blocked("the table was rolled back to before snapshot " + committedIn + ", where " + key
              + " was committed, and the history that would tell the position of the current data was expired"
              + howToSet(topic));
        }
        return Position.found(stored.offsets(), "table property " + key + " (history before snapshot "
            + s.snapshotId() + " expired)");
      }
      s = next;
    }
  }

  private static Position withoutProperty(TableMetadata metadata, String key, String topic, String group) {
    String first = metadata.properties().get(KafkaOffsets.firstCommitKey(topic, group));
    if (first != null) {
      return Position.blocked("the table records that group '" + group + "' has committed '" + topic + "' since "
          + first + ", but its position (table property " + key + ") is missing" + howToSet(topic));
    }
    String legacy = KafkaOffsets.legacySummaryKey(topic);
    for (Snapshot s = metadata.currentSnapshot(); s != null;
        s = s.parentId() == null ? null : metadata.snapshot(s.parentId())) {
      if (summary(s, key) != null) {
        return Position.blocked("snapshot " + s.snapshotId() + " records a position of group '" + group + "' in '"
            + topic + "', but the table property " + key + " that holds the current one is missing" + howToSet(topic));
      }
      String old = summary(s, legacy);
      if (old != null) {
        return Position.found(KafkaOffsets.parse(old), "summary of snapshot " + s.snapshotId()
            + " (written before positions were table properties; the next commit moves it there)");
      }
    }
    Snapshot current = metadata.currentSnapshot();
    if (current == null || "0".equals(summaryOf(current).get(SnapshotSummary.TOTAL_RECORDS_PROP))) {
      return Position.fresh("the table holds no data");
    }
    for (String k : metadata.properties().keySet()) {
      if (k.startsWith(KafkaOffsets.PREFIX)) {
        return Position.fresh("the table holds only data of other writer groups (" + k + ")");
      }
    }
    return Position.blocked("the table holds data (snapshot " + current.snapshotId() + ", "
        + summaryOf(current).getOrDefault(SnapshotSummary.TOTAL_RECORDS_PROP, "?") + " rows) but no position of"
        + " group '" + group + "' in '" + topic + "' (table property " + key + ")" + howToSet(topic));
  }

  private static String summary(Snapshot s, String key) {
    return summaryOf(s).get(key);
  }

  private static Map<String, String> summaryOf(Snapshot s) {
    return s.summary() == null ? Map.of() : s.summary();
  }

  private static String howToSet(String topic) {
    return "; the writer will not read those partitions until the position is set explicitly: ./otlake position"
        + " --config writer.yaml set <partition>=<offset>... (or --earliest / --latest), see README 'Positions'";
  }
}
