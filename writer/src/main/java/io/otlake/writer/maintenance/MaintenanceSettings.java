package io.otlake.writer.maintenance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What table maintenance does and when (the {@code maintenance.*} keys of the writer's configuration, documented in
 * {@code WriterConfig.DEF}).
 *
 * @param spillDir local folder for compaction's sorted runs; empty means {@code java.io.tmpdir}
 * @param retentionDays 0: keep everything (a table property {@value Retention#TABLE_PROPERTY} overrides it)
 */
public record MaintenanceSettings(
    boolean enabled,
    Duration interval,
    List<Step> steps,
    Duration expireMaxAge,
    int expireMinSnapshots,
    int maxManifestsPerSnapshot,
    Duration compactMinAge,
    int smallFilePercent,
    int maxRowsInMemory,
    String spillDir,
    int retentionDays,
    Duration orphanMinAge) {

  public MaintenanceSettings {
    steps = List.copyOf(steps);
  }

  /** The steps, in the order a run takes them. */
  public enum Step {
    /** Drops day partitions past the retention (a metadata delete). */
    RETENTION,
    /** Rewrites small cold data files into sorted files near the target size. */
    COMPACT,
    /** Rewrites the current snapshot's manifests when it has too many. */
    MANIFESTS,
    /** Expires old snapshots and deletes the files only they referenced. */
    EXPIRE,
    /** Deletes old files under the table's location that nothing references. */
    ORPHANS;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code "compact, expire"}; null when a name is unknown, repeated or the list is empty. */
    public static List<Step> parseList(String value) {
      List<Step> out = new ArrayList<>();
      for (String part : value.split(",")) {
        String name = part.trim().toUpperCase(Locale.ROOT);
        if (name.isEmpty()) {
          continue;
        }
        Step step;
        try {
          step = Step.valueOf(name);
        } catch (IllegalArgumentException e) {
          return null;
        }
        if (out.contains(step)) {
          return null;
        }
        out.add(step);
      }
      if (out.isEmpty()) {
        return null;
      }
      out.sort(null); // always in declaration order: retention first, orphans last
      return out;
    }
  }

  /** The same settings with other steps (for {@code ./otlake maintain --steps} and tests). */
  public MaintenanceSettings withSteps(List<Step> other) {
    return new MaintenanceSettings(enabled, interval, other, expireMaxAge, expireMinSnapshots, maxManifestsPerSnapshot,
        compactMinAge, smallFilePercent, maxRowsInMemory, spillDir, retentionDays, orphanMinAge);
  }
}
