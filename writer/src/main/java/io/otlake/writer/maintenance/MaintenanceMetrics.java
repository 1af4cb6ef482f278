package io.otlake.writer.maintenance;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;

/**
 * Meters of table maintenance, all tagged with the table: {@code otlake.maintenance.<count>} counters for every count
 * a step reports (files rewritten and written, bytes rewritten and written, partitions abandoned, snapshots expired,
 * files expired, manifests rewritten and written, files dropped by retention, orphans removed and their bytes),
 * {@code otlake.maintenance.duration{step}} and {@code otlake.maintenance.failures{step}}.
 */
public final class MaintenanceMetrics {
  private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
      Map.entry("files.rewritten", "small data files compaction replaced"),
      Map.entry("files.written", "sorted data files compaction wrote"),
      Map.entry("bytes.rewritten", "bytes of the data files compaction replaced"),
      Map.entry("bytes.written", "bytes of the data files compaction wrote"),
      Map.entry("partitions.compacted", "partition rewrites committed by compaction"),
      Map.entry("partitions.abandoned", "partition rewrites abandoned on a conflicting commit"),
      Map.entry("snapshots.expired", "snapshots expired"),
      Map.entry("files.expired", "data, manifest and manifest-list files deleted by snapshot expiry"),
      Map.entry("manifests.rewritten", "manifests replaced by manifest rewrites"),
      Map.entry("manifests.written", "manifests written by manifest rewrites"),
      Map.entry("files.dropped", "data files dropped by retention"),
      Map.entry("rows.dropped", "rows dropped by retention"),
      Map.entry("orphans.removed", "unreferenced files deleted"),
      Map.entry("bytes.orphaned", "bytes of the unreferenced files deleted"));

  private final MeterRegistry registry;

  public MaintenanceMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void record(StepResult r) {
    r.counts().forEach((name, n) -> {
      if (DESCRIPTIONS.containsKey(name)) {
        Counter.builder("otlake.maintenance." + name).tag("table", r.table()).description(DESCRIPTIONS.get(name))
            .register(registry).increment(n);
      }
    });
    Timer.builder("otlake.maintenance.duration").tag("table", r.table()).tag("step", r.step().id())
        .description("one maintenance step on one table").register(registry).record(r.took());
    if (r.failed()) {
      Counter.builder("otlake.maintenance.failures").tag("table", r.table()).tag("step", r.step().id())
          .description("maintenance steps that failed").register(registry).increment();
    }
  }
}
