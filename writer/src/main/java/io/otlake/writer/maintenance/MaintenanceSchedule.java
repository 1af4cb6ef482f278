package io.otlake.writer.maintenance;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Maintainer} on the writer's tables every {@code maintenance.interval} on one thread of its own, so the
 * poll loop never waits for it (maintenance and the writer meet only in the catalog, where Iceberg's optimistic
 * concurrency orders their commits). The first run starts after a random half to whole interval, so the writers of one
 * group do not all maintain at once. {@link #close} asks a running run to stop (it keeps nothing half-done) and waits
 * for it. Of the writers of one group, only the one that consumes partition 0 of a table's topic maintains the
 * table ({@code mine}): they would otherwise compact the same partitions at once and abandon each other's work
 * (safe, see ARCHITECTURE.md, but wasted). Around a rebalance two may briefly both do it, which is still safe.
 */
public final class MaintenanceSchedule implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceSchedule.class);

  private final ScheduledExecutorService thread;
  private volatile boolean stopping;

  private MaintenanceSchedule(ScheduledExecutorService thread) {
    this.thread = thread;
  }

  /** Starts the schedule; with {@code maintenance.enabled=false} nothing runs and {@link #close} does nothing. */
  public static MaintenanceSchedule start(MaintenanceSettings settings, Catalog catalog, List<TableIdentifier> tables,
      java.util.function.Predicate<TableIdentifier> mine, MaintenanceMetrics metrics) {
    if (!settings.enabled()) {
      LOG.info("table maintenance is off (maintenance.enabled=false)");
      return new MaintenanceSchedule(null);
    }
    ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "otlake-maintenance");
      t.setDaemon(true);
      t.setPriority(Thread.NORM_PRIORITY - 1);
      return t;
    });
    MaintenanceSchedule schedule = new MaintenanceSchedule(thread);
    Maintainer maintainer = new Maintainer(settings, metrics, System::currentTimeMillis, () -> schedule.stopping);
    long interval = settings.interval().toMillis();
    long first = interval / 2 + ThreadLocalRandom.current().nextLong(interval / 2 + 1);
    thread.scheduleWithFixedDelay(() -> schedule.runOnce(maintainer, catalog, tables, mine), first, interval,
        TimeUnit.MILLISECONDS);
    LOG.info("table maintenance of {} every {} ({})", tables, settings.interval(), settings.steps());
    return schedule;
  }

  private void runOnce(Maintainer maintainer, Catalog catalog, List<TableIdentifier> tables,
      java.util.function.Predicate<TableIdentifier> mine) {
    for (TableIdentifier id : tables) {
      if (stopping) {
        return;
      }
      if (!mine.test(id)) {
        LOG.debug("{} is maintained by the writer that consumes partition 0 of its topic", id);
        continue;
      }
      try {
        maintainer.run(catalog.loadTable(id));
      } catch (NoSuchTableException e) {
        LOG.debug("no table {} to maintain yet", id);
      } catch (RuntimeException e) {
        // never let the scheduled task die: the next run tries again
        LOG.warn("maintenance of {} failed: {}", id, e.toString());
      }
    }
  }

  @Override
  public void close() {
    if (thread == null) {
      return;
    }
    stopping = true;
    thread.shutdown();
    try {
      if (!thread.awaitTermination(60, TimeUnit.SECONDS)) {
        LOG.warn("maintenance did not stop within 60 s");
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thread.shutdownNow();
    }
  }
}
