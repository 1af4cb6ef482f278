package io.otlake.writer.maintenance;

import java.util.UUID;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Marks a maintenance commit's snapshot summary with {@value #KEY} = {@code <step>:<uuid>}, so that the step can find
 * its own snapshot after the commit (a writer may have committed on top of it already) and a person reading the
 * history sees what maintenance did. Summary entries are the snapshot's own: no table property is touched.
 */
final class OwnSnapshot {
  static final String KEY = "otlake.maintenance";
  /** How far back from the current snapshot to look for our own. */
  private static final int MAX_WALK = 10_000;

  private OwnSnapshot() {}

  static String marker(String step) {
    return step + ":" + UUID.randomUUID();
  }

  /** The snapshot whose summary carries {@code marker}, walking back from the current one; null if not found. */
  static Snapshot find(Table table, String marker) {
    table.refresh();
    Snapshot s = table.currentSnapshot();
    for (int i = 0; s != null && i < MAX_WALK; i++) {
      if (s.summary() != null && marker.equals(s.summary().get(KEY))) {
        return s;
      }
      s = s.parentId() == null ? null : table.snapshot(s.parentId());
    }
    return null;
  }

  static long summaryLong(Snapshot s, String key) {
    if (s == null || s.summary() == null || s.summary().get(key) == null) {
      return 0;
    }
    try {
      return Long.parseLong(s.summary().get(key));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
