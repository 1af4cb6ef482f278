package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.otlake.gateway.GatewayServer;
import io.otlake.writer.WriterService;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;

/**
 * Nothing lost, nothing duplicated while writers crash, join and leave mid-stream: a writer in its own JVM is killed
 * with SIGKILL after it has committed (its open batch is lost and must be re-read from the table's offsets), two
 * writers then share the partitions, and one of them leaves while data still flows.
 */
class WriterRestartIT {
  private static final int REQUESTS = 120;
  private static final int TRACES = 5;
  private static final int SPANS_PER_TRACE = 10;

  @Test
  void writersCrashJoinAndLeaveWithoutLossOrDuplicates() throws Exception {
    String topic = "restart_spans";
    String table = "traces_restart";
    Catalog catalog = TestLake.catalog();
    AtomicInteger sent = new AtomicInteger();
    try (GatewayServer gateway = TestLake.gateway(topic, Map.of())) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.grpcPort()).usePlaintext().build();
      TraceServiceGrpc.TraceServiceBlockingStub stub = TraceServiceGrpc.newBlockingStub(channel);
      CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
        for (int n = 0; n < REQUESTS; n++) {
          stub.withDeadlineAfter(30, TimeUnit.SECONDS).export(Spans.request("restart", n, TRACES, SPANS_PER_TRACE));
          sent.incrementAndGet();
          ChildJvm.sleep(60);
        }
      });

      Process crashing = startWriterProcess(topic, table);
      try {
        TestLake.awaitRows(catalog, table, Duration.ofSeconds(120), rows -> !rows.isEmpty());
        awaitSent(sent, REQUESTS / 3);
      } finally {
        crashing.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      WriterService second = TestLake.writer(topic, table, Map.of());
      try {
        WriterService third = TestLake.writer(topic, table, Map.of());
        awaitSent(sent, 2 * REQUESTS / 3);
        third.close();
        sender.get(120, TimeUnit.SECONDS);
        int total = REQUESTS * TRACES * SPANS_PER_TRACE;
        TestLake.awaitRows(catalog, table, Duration.ofSeconds(120), rows -> rows.size() >= total);
        ChildJvm.sleep(3000); // a late duplicate commit would show up here
        List<Record> rows = TestLake.rows(catalog, table);
        List<String> ids = new ArrayList<>();
        rows.forEach(r -> ids.add((String) r.getField("span_id")));
        Set<String> expected = new HashSet<>();
        for (long i = 1; i <= total; i++) {
          expected.add(Spans.spanIdHex(i));
        }
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids)).isEqualTo(expected);
      } finally {
        second.close();
        channel.shutdownNow();
      }
    }
  }

  private static void awaitSent(AtomicInteger sent, int atLeast) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (sent.get() < atLeast && System.nanoTime() < deadline) {
      ChildJvm.sleep(50);
    }
    assertThat(sent.get()).isGreaterThanOrEqualTo(atLeast);
  }

  /** {@code otlake writer --config FILE} in its own JVM, configured through a YAML file like an operator would. */
  private static Process startWriterProcess(String topic, String table) throws IOException {
    Path dir = TestLake.infra().dataDir().resolve("writer-process");
    Path config = TestLake.writeConfig("writer-process/writer.yaml", TestLake.writerSettings(topic, table, Map.of()));
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), "io.otlake.writer.Main", "--config", config.toString());
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("writer.log").toFile())).start();
  }
}
