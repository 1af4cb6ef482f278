package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.otlake.gateway.GatewayServer;
import io.otlake.writer.PositionCommand;
import io.otlake.writer.WriterService;
import io.otlake.writer.commit.KafkaOffsets;
import io.otlake.writer.commit.StoredPosition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;

/**
 * The writer's position survives what another engine may legally do to its table (compaction, snapshot expiry down to
 * one snapshot, manifest rewrites, rollback, schema change), done through Iceberg's own API while the writer is
 * stopped and again while it keeps committing under load: the table always ends with exactly the acknowledged span
 * ids, each once. A table whose position was removed on purpose is refused, loudly, until the documented command sets
 * it. Real broker, S3 API server and catalog.
 */
class PositionSurvivesMaintenanceIT {
  private static List<String> spanIds(Catalog catalog, String table) {
    List<String> ids = new ArrayList<>();
    TestLake.rows(catalog, table).forEach(r -> ids.add((String) r.getField("span_id")));
    return ids;
  }

  /** Waits until the table has as many rows as were acknowledged, then checks they are exactly those, each once. */
  private static void assertExactlyTheAcknowledged(Catalog catalog, String table, AckedLoad load, String after) {
    int expected = load.acked.size();
    List<Record> rows = TestLake.awaitRows(catalog, table, Duration.ofSeconds(90), r -> r.size() >= expected);
    ChildJvm.sleep(1500); // a late duplicate commit would show here
    List<String> ids = spanIds(catalog, table);
    assertThat(ids).as("span ids after %s", after).doesNotHaveDuplicates();
    assertThat(Set.copyOf(ids)).as("span ids after %s", after).isEqualTo(load.acked);
    assertThat(rows).isNotEmpty();
  }

  /** A writer run that makes at least two commits on top of whatever was done to the table. */
  private static WriterService writerRound(String topic, String table, AckedLoad load, Catalog catalog, String after) {
    WriterService writer = TestLake.writer(topic, table, Map.of());
    load.send(4);
    assertExactlyTheAcknowledged(catalog, table, load, after + " (first commit)");
    load.send(4);
    assertExactlyTheAcknowledged(catalog, table, load, after + " (second commit)");
    return writer;
  }

  private static double count(WriterService writer, String name, String tag, String value) {
    Counter c = writer.meterRegistry().find(name).tag(tag, value).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void maintenanceWhileTheWriterIsStopped() {
    String topic = "maint_stopped_spans";
    String name = "traces_maint_stopped";
    Catalog catalog = TestLake.catalog();
    try (GatewayServer gateway = TestLake.gateway(topic, Map.of()); AckedLoad load = new AckedLoad(gateway, "stopped")) {
      writerRound(topic, name, load, catalog, "the first run").close();
      Table table = catalog.loadTable(TableIdentifier.of("otel", name));

      assertThat(OtherEngine.compact(table)).isGreaterThan(1);
      OtherEngine.expireAllButCurrent(table);
      table.refresh();
      assertThat(table.snapshots()).hasSize(1);
      assertThat(table.currentSnapshot().operation()).isEqualTo("replace");
      writerRound(topic, name, load, catalog, "compaction, then expiry of all but the compaction").close();

      OtherEngine.expireAllButCurrent(table);
      writerRound(topic, name, load, catalog, "expiry of all but the writer's last commit").close();

      OtherEngine.rewriteManifests(table);
      writerRound(topic, name, load, catalog, "a manifest rewrite").close();

      OtherEngine.rollbackTo(table, OtherEngine.ancestor(table, 1));
      WriterService afterRollback = writerRound(topic, name, load, catalog, "a rollback of the last commit");
      assertThat(count(afterRollback, "otlake.writer.rewinds", "reason", "rollback")).isGreaterThanOrEqualTo(1);
      afterRollback.close();

      OtherEngine.addColumn(table, "added_by_another_engine");
      writerRound(topic, name, load, catalog, "a schema change adding a column").close();
    }
  }

  @Test
  void maintenanceWhileTheWriterKeepsCommitting() throws Exception {
    String topic = "maint_load_spans";
    String name = "traces_maint_load";
    Catalog catalog = TestLake.catalog();
    try (GatewayServer gateway = TestLake.gateway(topic, Map.of()); AckedLoad load = new AckedLoad(gateway, "loaded")) {
      WriterService writer = TestLake.writer(topic, name, Map.of());
      AtomicBoolean sending = new AtomicBoolean(true);
      CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
        while (sending.get()) {
          load.send(1);
          ChildJvm.sleep(40);
        }
      });
      try {
        TestLake.awaitRows(catalog, name, Duration.ofSeconds(60), rows -> rows.size() > 100);
        Table table = catalog.loadTable(TableIdentifier.of("otel", name));
        ChildJvm.sleep(2500);
        OtherEngine.compact(table);
        OtherEngine.expireAllButCurrent(table);
        ChildJvm.sleep(2500);
        OtherEngine.expireAllButCurrent(table);
        ChildJvm.sleep(2500);
        OtherEngine.rewriteManifests(table);
        ChildJvm.sleep(2500);
        OtherEngine.rollbackTo(table, olderWriterCommit(table, topic));
        ChildJvm.sleep(2500);
        OtherEngine.addColumn(table, "added_under_load");
        ChildJvm.sleep(2500);
      } finally {
        sending.set(false);
        sender.get(60, TimeUnit.SECONDS);
      }
      try {
        assertExactlyTheAcknowledged(catalog, name, load, "maintenance under load");
        assertThat(count(writer, "otlake.writer.rewinds", "reason", "rollback")
            + count(writer, "otlake.writer.rewinds", "reason", "fenced")).isGreaterThanOrEqualTo(1);
      } finally {
        writer.close();
      }
    }
  }

  /** A writer commit at least two snapshots back in the current history, to roll back to. */
  private static long olderWriterCommit(Table table, String topic) {
    table.refresh();
    String key = KafkaOffsets.key(topic, "group-" + topic);
    Snapshot s = table.snapshot(table.currentSnapshot().parentId());
    while (s != null) {
      Snapshot parent = s.parentId() == null ? null : table.snapshot(s.parentId());
      if (s.summary().containsKey(key) && parent != null) {
        return s.snapshotId();
      }
      s = parent;
    }
    throw new AssertionError("no writer commit to roll back to");
  }

  @Test
  void aRemovedPositionIsRefusedUntilTheOperatorSetsIt() throws IOException {
    String topic = "maint_removed_spans";
    String name = "traces_maint_removed";
    Catalog catalog = TestLake.catalog();
    try (GatewayServer gateway = TestLake.gateway(topic, Map.of()); AckedLoad load = new AckedLoad(gateway, "removed")) {
      writerRound(topic, name, load, catalog, "the first run").close();
      Table table = catalog.loadTable(TableIdentifier.of("otel", name));
      String key = KafkaOffsets.key(topic, "group-" + topic);
      StoredPosition before = StoredPosition.parse(table.properties().get(key));
      table.updateProperties().remove(key).commit();
      int rowsBefore = load.acked.size();

      WriterService writer = TestLake.writer(topic, name, Map.of());
      try {
        load.send(4);
        Gauge blocked = writer.meterRegistry().find("otlake.writer.partitions.blocked").tag("signal", "traces").gauge();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (blocked.value() < 4 && System.nanoTime() < deadline) {
          ChildJvm.sleep(200);
        }
        assertThat(blocked.value()).as("partitions refused").isEqualTo(4);
        ChildJvm.sleep(3000);
        assertThat(TestLake.rows(catalog, name)).as("nothing replayed from kafka.start-from").hasSize(rowsBefore);

        Path config = writeConfig(topic, name);
        String shown = command("--config", config.toString(), "show");
        assertThat(shown).contains("BLOCKED").contains("missing").contains("./otlake position");

        List<String> set = new ArrayList<>(List.of("--config", config.toString(), "set"));
        before.offsets().forEach((p, o) -> set.add(p + "=" + o));
        assertThat(command(set.toArray(String[]::new))).contains("set the position");

        assertExactlyTheAcknowledged(catalog, name, load, "the operator set the position again");
        assertThat(blocked.value()).isZero();
      } finally {
        writer.close();
      }
    }
  }

  @Test
  void partitionsTheTopicGainsAreReadFromTheirBeginning() throws Exception {
    String topic = "maint_grown_spans";
    String name = "traces_maint_grown";
    Catalog catalog = TestLake.catalog();
    try (GatewayServer gateway = TestLake.gateway(topic, Map.of()); AckedLoad load = new AckedLoad(gateway, "grown")) {
      writerRound(topic, name, load, catalog, "the first run").close();
      try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
          "bootstrap.servers", TestLake.infra().bootstrapServers()))) {
        admin.createPartitions(Map.of(topic, org.apache.kafka.clients.admin.NewPartitions.increaseTo(7)))
            .all().get(30, TimeUnit.SECONDS);
      }
      ChildJvm.sleep(1000);
      // the new partitions are stored from their beginning with the writer's first commit, whether or not the
      // gateway's producer has learnt of them yet (its metadata refresh decides when records go there)
      WriterService writer = writerRound(topic, name, load, catalog, "the topic grew from 4 to 7 partitions");
      try {
        load.send(20);
        assertExactlyTheAcknowledged(catalog, name, load, "records in the new partitions");
        Table table = catalog.loadTable(TableIdentifier.of("otel", name));
        StoredPosition stored = StoredPosition.parse(table.properties().get(KafkaOffsets.key(topic, "group-" + topic)));
        assertThat(stored.offsets()).containsOnlyKeys(0, 1, 2, 3, 4, 5, 6);
        assertThat(count(writer, "otlake.writer.partitions.positioned", "source", "new-partition")).isPositive();
      } finally {
        writer.close();
      }
    }
  }

  private static Path writeConfig(String topic, String table) throws IOException {
    return TestLake.writeConfig("position-command/writer-" + topic + ".yaml",
        TestLake.writerSettings(topic, table, Map.of()));
  }

  private static String command(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = PositionCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    assertThat(status).as("otlake position %s: %s", String.join(" ", args), text).isZero();
    return text;
  }
}
