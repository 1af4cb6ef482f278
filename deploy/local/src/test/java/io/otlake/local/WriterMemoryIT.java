package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.catalog.Catalog;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A writer in its own process under {@code -Xmx256m} (exit on OutOfMemoryError) with its default settings, fed
 * records that touch 1,200 partitions (40 services x 30 days): its heap-derived bounds (open files, partitions per
 * commit, dedup ids) keep it alive, and every span lands exactly once.
 */
class WriterMemoryIT {
  private static final int SERVICES = 40;
  private static final int DAYS = 30;
  private static final int RECORDS = 400;

  @Test
  void aThousandPartitionsUnderASmallHeap() throws Exception {
    String topic = "memory_spans";
    String name = "traces_memory";
    Set<String> sent = new HashSet<>();
    long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    try (KafkaProducer<byte[], byte[]> producer = TestLake.producer()) {
      long id = 0;
      for (int r = 0; r < RECORDS; r++) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        for (int d = 0; d < DAYS; d++) {
          id++;
          long start = now - TimeUnit.DAYS.toNanos(d);
          scope.addSpans(Span.newBuilder().setTraceId(Spans.id(16, r + 1L)).setSpanId(Spans.id(8, id))
              .setName("op").setStartTimeUnixNano(start).setEndTimeUnixNano(start + 1000)
              .addAttributes(KeyValue.newBuilder().setKey("http.route").setValue(
                  AnyValue.newBuilder().setStringValue("/api/v1/items/" + (id % 97)))));
          sent.add(Spans.spanIdHex(id));
        }
        ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder().addResourceSpans(
            ResourceSpans.newBuilder().setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder()
                .setKey("service.name").setValue(AnyValue.newBuilder().setStringValue("svc-" + r % SERVICES))))
                .addScopeSpans(scope)).build();
        producer.send(new ProducerRecord<>(topic, r % 4, null, request.toByteArray()));
      }
      producer.flush();
    }
    Process writer = startWriterProcess(topic, name);
    Catalog catalog = TestLake.catalog();
    try {
      TestLake.awaitRows(catalog, name, Duration.ofSeconds(240), rows -> rows.size() >= sent.size()
          || !writer.isAlive());
      assertThat(writer.isAlive()).as("the writer lived within -Xmx256m (see its log under the test lake)").isTrue();
      List<String> ids = new ArrayList<>();
      TestLake.rows(catalog, name).forEach(r -> ids.add((String) r.getField("span_id")));
      assertThat(ids).doesNotHaveDuplicates();
      assertThat(Set.copyOf(ids)).isEqualTo(sent);
    } finally {
      writer.destroy();
      writer.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static Process startWriterProcess(String topic, String table) throws IOException {
    Path dir = TestLake.infra().dataDir().resolve("writer-memory");
    Path config = TestLake.writeConfig("writer-memory/writer.yaml", TestLake.writerSettings(topic, table, Map.of("commit.interval", "5s")));
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"), "io.otlake.writer.Main",
        "--config", config.toString());
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("writer.log").toFile())).start();
  }
}
