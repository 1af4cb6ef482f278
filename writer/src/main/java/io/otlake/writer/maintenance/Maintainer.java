package io.otlake.writer.maintenance;

import io.otlake.writer.maintenance.MaintenanceSettings.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured maintenance steps once on a table, in the order retention, compact, manifests, expire, orphans
 * (retention first so compaction does not rewrite what is dropped; expiry after compaction and manifest rewrites so
 * it deletes the files they replaced, once they are older than the expiry age; orphans last). Works on any table:
 * nothing here knows a column of the traces table. Each step logs one line and reports its counts to
 * {@link MaintenanceMetrics}; a failing step is reported and the next one runs.
 */
public final class Maintainer {
  private static final Logger LOG = LoggerFactory.getLogger(Maintainer.class);

  private final MaintenanceSettings settings;
  private final MaintenanceMetrics metrics;
  private final LongSupplier clock;
  private final BooleanSupplier stopping;

  /**
   * @param clock wall-clock milliseconds (snapshot ages, cold files, retention days, orphan ages)
   * @param stopping polled between steps and inside long rewrites; once true, the run ends early and keeps nothing
   *     half-done
   */
  public Maintainer(MaintenanceSettings settings, MaintenanceMetrics metrics, LongSupplier clock,
      BooleanSupplier stopping) {
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
    this.stopping = stopping;
  }

  public List<StepResult> run(Table table) {
    List<StepResult> results = new ArrayList<>();
    for (Step step : settings.steps()) {
      if (stopping.getAsBoolean()) {
        break;
      }
      results.add(runStep(table, step));
    }
    return results;
  }

  StepResult runStep(Table table, Step step) {
    long t0 = System.nanoTime();
    StringBuilder note = new StringBuilder();
    StepResult.Counts counts = new StepResult.Counts();
    String error = null;
    try {
      long now = clock.getAsLong();
      counts = switch (step) {
        case RETENTION -> new Retention(settings).run(table, now, note);
        case COMPACT -> new Compaction(settings, stopping).run(table, now, note);
        case MANIFESTS -> new ManifestRewrite(settings).run(table, note);
        case EXPIRE -> new SnapshotExpiry(settings).run(table, now, note);
        case ORPHANS -> new OrphanRemoval(settings).run(table, now, note);
      };
    } catch (SortedRewrite.Stopped e) {
      note.append("stopped before the end");
    } catch (RuntimeException e) {
      error = e.toString();
    }
    StepResult r = new StepResult(table.name(), step, counts.values(), note.length() == 0 ? null : note.toString(),
        Duration.ofNanos(System.nanoTime() - t0), error);
    if (r.failed()) {
      LOG.warn("maintenance {}", r.line());
    } else {
      LOG.info("maintenance {}", r.line());
    }
    if (metrics != null) {
      metrics.record(r);
    }
    return r;
  }
}
