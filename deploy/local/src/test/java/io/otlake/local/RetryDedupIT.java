package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.Counter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.otlake.gateway.GatewayServer;
import io.otlake.writer.WriterService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;

/**
 * A client that sends a request again (its attempt timed out, or it got UNAVAILABLE after the gateway had in fact
 * stored the records) gets each span stored once: the writer drops spans it read within dedup.window, also when the
 * retry arrives after a writer restart (the window is rebuilt from Kafka).
 */
class RetryDedupIT {
  @Test
  void retriedRequestsAreStoredOnceAcrossRestarts() {
    String topic = "retry_spans";
    String name = "traces_retry";
    Catalog catalog = TestLake.catalog();
    try (GatewayServer gateway = TestLake.gateway(topic, Map.of())) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.grpcPort()).usePlaintext().build();
      try {
        TraceServiceGrpc.TraceServiceBlockingStub stub = TraceServiceGrpc.newBlockingStub(channel);
        ExportTraceServiceRequest first = Spans.request("retry", 0, 4, 5);
        ExportTraceServiceRequest second = Spans.request("retry", 1, 4, 5);
        Set<String> expected = new HashSet<>();
        for (int i = 1; i <= 40; i++) {
          expected.add(Spans.spanIdHex(i));
        }

        WriterService writer = TestLake.writer(topic, name, Map.of());
        try {
          for (int attempt = 0; attempt < 3; attempt++) {
            stub.withDeadlineAfter(30, TimeUnit.SECONDS).export(first);
          }
          TestLake.awaitRows(catalog, name, Duration.ofSeconds(60), rows -> rows.size() >= 20);
          ChildJvm.sleep(2000);
          assertThat(spanIds(catalog, name)).hasSize(20).doesNotHaveDuplicates();
          assertThat(dropped(writer)).isEqualTo(40);
        } finally {
          writer.close();
        }

        // the client retries after the writer restarted, then sends something new
        stub.withDeadlineAfter(30, TimeUnit.SECONDS).export(first);
        stub.withDeadlineAfter(30, TimeUnit.SECONDS).export(second);
        WriterService restarted = TestLake.writer(topic, name, Map.of());
        try {
          TestLake.awaitRows(catalog, name, Duration.ofSeconds(60), rows -> rows.size() >= 40);
          ChildJvm.sleep(2000);
          List<String> ids = spanIds(catalog, name);
          assertThat(ids).doesNotHaveDuplicates();
          assertThat(Set.copyOf(ids)).isEqualTo(expected);
          assertThat(dropped(restarted)).isEqualTo(20);
          Counter warm = restarted.meterRegistry().find("otlake.writer.dedup.warmup.records").tag("signal", "traces").counter();
          assertThat(warm.count()).as("records re-read to rebuild the window").isPositive();
        } finally {
          restarted.close();
        }
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static double dropped(WriterService writer) {
    return writer.meterRegistry().find("otlake.writer.duplicates.dropped").tag("signal", "traces").counter().count();
  }

  private static List<String> spanIds(Catalog catalog, String table) {
    List<String> ids = new ArrayList<>();
    TestLake.rows(catalog, table).forEach(r -> ids.add((String) r.getField("span_id")));
    return ids;
  }
}
