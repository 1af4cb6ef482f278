package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.otlake.gateway.GatewayServer;
import io.otlake.writer.WriterService;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;

/**
 * Three writer replicas in one group under steady load, one stopped and a new one started every few seconds (each
 * change a rebalance), with every replica running compaction and snapshot expiry every 2 s: the table ends with
 * exactly the acknowledged spans, each once; and at the end exactly one replica maintains the table.
 */
class ReplicasIT {
  private static final Map<String, String> MAINTAINING = Map.of(
      "maintenance.interval", "2s",
      "maintenance.compact.min-age", "0s",
      "maintenance.expire.max-age", "0s",
      "maintenance.expire.min-snapshots", "1");

  @Test
  void rebalancesWithMaintenanceRunningLoseAndDoubleNothing() throws Exception {
    String topic = "replicas_spans";
    String name = "traces_replicas";
    Catalog catalog = TestLake.catalog();
    try (GatewayServer gateway = TestLake.gateway(topic, Map.of()); AckedLoad load = new AckedLoad(gateway, "rep")) {
      ArrayDeque<WriterService> writers = new ArrayDeque<>();
      for (int i = 0; i < 3; i++) {
        writers.add(TestLake.writer(topic, name, MAINTAINING));
      }
      AtomicBoolean sending = new AtomicBoolean(true);
      CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
        while (sending.get()) {
          load.send(1);
          ChildJvm.sleep(30);
        }
      });
      try {
        TestLake.awaitRows(catalog, name, Duration.ofSeconds(60), rows -> rows.size() > 100);
        for (int cycle = 0; cycle < 4; cycle++) {
          ChildJvm.sleep(4000);
          writers.poll().close();
          writers.add(TestLake.writer(topic, name, MAINTAINING));
        }
        ChildJvm.sleep(3000);
        // of the replicas, exactly one maintains the table: the one consuming partition 0
        org.apache.iceberg.catalog.TableIdentifier id = org.apache.iceberg.catalog.TableIdentifier.of("otel", name);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (writers.stream().filter(w -> w.maintains(id)).count() != 1 && System.nanoTime() < deadline) {
          ChildJvm.sleep(200);
        }
        assertThat(writers.stream().filter(w -> w.maintains(id)).count()).isEqualTo(1);
      } finally {
        sending.set(false);
        sender.get(60, TimeUnit.SECONDS);
      }
      try {
        int expected = load.acked.size();
        TestLake.awaitRows(catalog, name, Duration.ofSeconds(120), rows -> rows.size() >= expected);
        ChildJvm.sleep(3000);
        List<String> ids = new ArrayList<>();
        TestLake.rows(catalog, name).forEach(r -> ids.add((String) r.getField("span_id")));
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(Set.copyOf(ids)).isEqualTo(load.acked);
      } finally {
        writers.forEach(WriterService::close);
      }
    }
  }
}
