package io.otlake.bench;

import io.otlake.writer.testing.DemoTelemetry;

import io.micrometer.core.instrument.Counter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.otlake.local.LocalInfra;
import io.otlake.writer.WriterService;
import io.otlake.writer.table.Catalogs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Writer heap while about 1,000 table partitions (service x day) have open data files: the writer consumes a topic
 * whose spans spread over that many services, with commits held back, and the heap after GC is compared with the
 * heap before the writer started.
 */
final class HeapBench {
  private HeapBench() {}

  static void run(LocalInfra infra, boolean quick, Results results) throws Exception {
    String topic = "bench_heap";
    int spans = quick ? 60_000 : 150_000;
    // ~15 demo services x 67 variants = ~1,000 services; all traces within one day
    long noonToday = (System.currentTimeMillis() / 86_400_000L) * 86_400_000L * 1_000_000L + 43_200_000_000_000L
        - 86_400_000_000_000L;
    DemoTelemetry demo = new DemoTelemetry(31, noonToday, 1000, 67);
    List<ExportTraceServiceRequest> requests = new ArrayList<>();
    int total = 0;
    while (total < spans) {
      ExportTraceServiceRequest r = demo.request(512);
      requests.add(r);
      total += Bench.spanCount(r);
    }
    Bench.fill(infra, topic, requests);
    requests = null;

    long before = Cpu.heapAfterGc();
    WriterService writer = WriterService.start(Bench.writerConfig(infra, topic, "bench_heap",
        Map.of("commit.interval", "10m", "commit.max-buffered-bytes", "1024GiB")));
    Counter decoded = writer.meterRegistry().get("otlake.writer.rows.decoded").counter();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (decoded.count() < total && System.nanoTime() < deadline) {
      Bench.sleep(200);
    }
    long during = Cpu.heapAfterGc();
    writer.close();

    Table table = Catalogs.build(LocalInfra.CATALOG_NAME, infra.catalogProperties())
        .loadTable(TableIdentifier.of("otel", "bench_heap"));
    Set<String> partitions = new HashSet<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask t : tasks) {
        partitions.add(t.file().partition().toString());
      }
    }
    double mib = (during - before) / (1024.0 * 1024.0);
    Map<String, Object> h = results.section("heap");
    h.put("live_partitions", partitions.size());
    h.put("spans_buffered", total);
    h.put("heap_before_mib", Results.round(before / 1048576.0, 1));
    h.put("heap_with_open_partitions_mib", Results.round(during / 1048576.0, 1));
    results.put("writer_heap_mib_1000_partitions", Results.round(mib, 1));
  }
}
