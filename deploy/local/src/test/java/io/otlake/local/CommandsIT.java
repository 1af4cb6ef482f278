package io.otlake.local;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.otlake.writer.StatusCommand;
import io.otlake.writer.TraceCommand;
import io.otlake.writer.WriterService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ./otlake status} and {@code ./otlake trace} on the real parts: status' numbers against what was written
 * (rows, files, lag 0 once the writer caught up, the exact lag of records produced while it was stopped, a dead
 * letter), in text and JSON; a multi-service trace with an error span and an orphan as a tree, with its logs; an
 * unknown trace, a bad id, an unreachable Kafka or catalog.
 */
class CommandsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Result(int status, String out, String err) {}

  private static Result status(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int s = StatusCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(s, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Result trace(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int s = TraceCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(s, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static JsonNode statusJson(Path config, String table) throws IOException {
    Result r = status("--config", config.toString(), "--json");
    assertThat(r.status()).as("status: %s", r.err()).isZero();
    for (JsonNode t : JSON.readTree(r.out()).get("tables")) {
      if (t.get("table").asText().equals(table)) {
        return t;
      }
    }
    throw new AssertionError("no " + table + " in " + r.out());
  }

  @Test
  void statusShowsWhatWasWrittenTheLagAndTheDeadLetters() throws Exception {
    String name = "status_" + UUID.randomUUID().toString().substring(0, 8);
    Path config = TestLake.writeConfig("commands/writer-" + name + ".yaml",
        TestLake.writerSettings(name, name, Map.of()));
    int records = 8;
    try (KafkaProducer<byte[], byte[]> producer = TestLake.producer()) {
      for (int i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>(name, i % 4, null,
            Spans.request("svc-" + (i % 2), i, 2, 5).toByteArray())).get();
      }
      producer.send(new ProducerRecord<>(name, 1, null,
          "this is not protobuf \u00ff".getBytes(StandardCharsets.UTF_8))).get();
    }
    int rows = records * 2 * 5;
    String id = "otel." + name;
    Catalog catalog = TestLake.catalog();
    WriterService writer = TestLake.writer(name, name, Map.of());
    JsonNode t;
    try {
      TestLake.awaitRows(catalog, name, Duration.ofSeconds(90), r -> r.size() >= rows);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      do {
        t = statusJson(config, id);
        if (t.at("/kafka/lag").asLong() == 0 && t.at("/kafka/dead_letters/records").asLong() == 1) {
          break;
        }
        ChildJvm.sleep(1000);
      } while (System.nanoTime() < deadline);
    } finally {
      writer.close();
    }
    // what the table holds, read independently
    Table table = catalog.loadTable(TableIdentifier.of("otel", name));
    table.refresh();
    long files = 0;
    long bytes = 0;
    Map<String, Integer> perPartition = new HashMap<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile f = task.file();
        files++;
        bytes += f.fileSizeInBytes();
        perPartition.merge(table.spec().partitionToPath(f.partition()), 1, Integer::sum);
      }
    }
    Set<String> days = new HashSet<>();
    TestLake.rows(catalog, name).forEach(r -> days.add(((OffsetDateTime) r.getField("timestamp"))
        .withOffsetSameInstant(ZoneOffset.UTC).toLocalDate() + "/" + r.getField("service_name")));
    t = statusJson(config, id);
    assertThat(t.get("exists").asBoolean()).isTrue();
    assertThat(t.get("rows").asLong()).isEqualTo(rows);
    assertThat(t.get("data_files").asLong()).isEqualTo(files).isPositive();
    assertThat(t.get("bytes").asLong()).isEqualTo(bytes);
    assertThat(t.get("snapshots").asInt()).isEqualTo(((java.util.Collection<?>) toList(table.snapshots())).size());
    assertThat(t.at("/files_per_partition/partitions").asInt()).isEqualTo(days.size()).isEqualTo(perPartition.size());
    assertThat(t.at("/files_per_partition/max").asInt())
        .isEqualTo(perPartition.values().stream().mapToInt(Integer::intValue).max().orElseThrow());
    assertThat(t.at("/last_commit/time").asText()).isEqualTo(
        Instant.ofEpochMilli(table.currentSnapshot().timestampMillis()).toString());
    assertThat(t.at("/last_commit/age_seconds").asLong()).isBetween(0L, 600L);
    assertThat(t.at("/kafka/topic").asText()).isEqualTo(name);
    assertThat(t.at("/kafka/group").asText()).isEqualTo("group-" + name);
    assertThat(t.at("/kafka/position").asText()).isEqualTo("FOUND");
    assertThat(t.at("/kafka/lag").asLong()).isZero();
    JsonNode parts = t.at("/kafka/partitions");
    assertThat(parts.size()).isEqualTo(4);
    long[] ends = {2, 3, 2, 2}; // two records per partition, and the dead letter in partition 1
    for (int p = 0; p < 4; p++) {
      assertThat(parts.get(p).get("partition").asInt()).isEqualTo(p);
      assertThat(parts.get(p).get("end").asLong()).isEqualTo(ends[p]);
      assertThat(parts.get(p).get("position").asLong()).isEqualTo(ends[p]);
      assertThat(parts.get(p).get("lag").asLong()).isZero();
    }
    assertThat(t.at("/kafka/dead_letters/topic").asText()).isEqualTo(name + "_dlq");
    assertThat(t.at("/kafka/dead_letters/records").asLong()).isEqualTo(1);

    // the writer is stopped: what is produced now is lag, per partition
    try (KafkaProducer<byte[], byte[]> producer = TestLake.producer()) {
      for (int i = 0; i < 5; i++) {
        producer.send(new ProducerRecord<>(name, i < 3 ? 0 : 3, null,
            Spans.request("svc-0", 100 + i, 1, 1).toByteArray())).get();
      }
    }
    t = statusJson(config, id);
    assertThat(t.at("/kafka/lag").asLong()).isEqualTo(5);
    assertThat(t.at("/kafka/partitions/0/lag").asLong()).isEqualTo(3);
    assertThat(t.at("/kafka/partitions/1/lag").asLong()).isZero();
    assertThat(t.at("/kafka/partitions/3/lag").asLong()).isEqualTo(2);
    assertThat(t.get("rows").asLong()).isEqualTo(rows);

    Result text = status("--config", config.toString());
    assertThat(text.status()).isZero();
    assertThat(text.out()).contains(id + "\n")
        .contains(String.format("  rows          %,d%n", rows))
        .contains("  lag           5 records\n")
        .contains("  dead letters  1 in " + name + "_dlq\n")
        .containsPattern("(?m)^\\s+0\\s+2\\s+0\\s+5\\s+3$");
  }

  private static <T> List<T> toList(Iterable<T> it) {
    List<T> out = new ArrayList<>();
    it.forEach(out::add);
    return out;
  }

  @Test
  @Timeout(120)
  void statusFindsALocalModeByItsDataFolderAndFailsInOneLineWhenKafkaOrTheCatalogDoNotAnswer() throws Exception {
    LocalInfra infra = TestLake.infra();
    infra.writeCatalogProperties();
    infra.writeKafkaProperties();
    Result local = status("--data", infra.dataDir().toString());
    assertThat(local.status()).as(local.err()).isZero();
    assertThat(local.out()).contains("otel.traces");

    // the same catalog, a Kafka nobody listens on
    Path elsewhere = infra.dataDir().resolve("commands/no-kafka");
    Files.createDirectories(elsewhere);
    Files.copy(infra.dataDir().resolve("catalog.properties"), elsewhere.resolve("catalog.properties"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    int closed = LocalInfra.freePort();
    Files.writeString(elsewhere.resolve("kafka.properties"), "bootstrap.servers=127.0.0.1:" + closed + "\n");
    Result noKafka = status("--data", elsewhere.toString());
    assertThat(noKafka.status()).isEqualTo(1);
    assertThat(noKafka.out()).isEmpty();
    assertThat(noKafka.err().lines().toList()).hasSize(1);
    assertThat(noKafka.err())
        .isEqualTo("otlake status: Kafka at 127.0.0.1:" + closed + " (cluster): no answer within 5 s\n");

    // a REST catalog nobody serves
    Map<String, String> settings = new HashMap<>(TestLake.writerSettings("t", "t", Map.of()));
    settings.keySet().removeIf(k -> k.startsWith("iceberg.catalog."));
    settings.put("iceberg.catalog.type", "rest");
    settings.put("iceberg.catalog.uri", "http://127.0.0.1:" + closed);
    Path config = TestLake.writeConfig("commands/no-catalog.yaml", settings);
    Result noCatalog = status("--config", config.toString());
    assertThat(noCatalog.status()).isEqualTo(1);
    assertThat(noCatalog.err().lines().toList()).hasSize(1);
    assertThat(noCatalog.err()).startsWith("otlake status: catalog 'otlake' (http://127.0.0.1:" + closed + ")");
    Result traceNoCatalog = trace("--config", config.toString(), "4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(traceNoCatalog.status()).isEqualTo(1);
    assertThat(traceNoCatalog.err().lines().toList()).hasSize(1);
  }

  private static Span.Builder span(ByteString traceId, long spanId, long parent, String name, long startNanos,
      double ms) {
    Span.Builder s = Span.newBuilder().setTraceId(traceId).setSpanId(Spans.id(8, spanId)).setName(name)
        .setKind(Span.SpanKind.SPAN_KIND_SERVER).setStartTimeUnixNano(startNanos)
        .setEndTimeUnixNano(startNanos + (long) (ms * 1_000_000));
    if (parent != 0) {
      s.setParentSpanId(Spans.id(8, parent));
    }
    return s;
  }

  private static ResourceSpans service(String service, Span.Builder... spans) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (Span.Builder s : spans) {
      scope.addSpans(s);
    }
    return ResourceSpans.newBuilder().setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder()
        .setKey("service.name").setValue(AnyValue.newBuilder().setStringValue(service)))).addScopeSpans(scope).build();
  }

  private static final Schema LOGS = new Schema(
      required(1, "timestamp", Types.TimestampType.withZone()),
      optional(2, "trace_id", Types.StringType.get()),
      optional(3, "span_id", Types.StringType.get()),
      optional(4, "severity_text", Types.StringType.get()),
      optional(5, "severity_number", Types.IntegerType.get()),
      optional(6, "body", Types.StringType.get()),
      optional(7, "service_name", Types.StringType.get()));

  /** A logs table with the columns the logs writer uses, holding {@code rows}, in one file. */
  private static void logsTable(Catalog catalog, Namespace ns, List<Map<String, Object>> rows) {
    Table table = catalog.buildTable(TableIdentifier.of(ns, "logs"), LOGS).withPartitionSpec(PartitionSpec.unpartitioned())
        .withProperties(Map.of("format-version", "2")).create();
    GenericFileWriterFactory writers = new GenericFileWriterFactory.Builder(table)
        .dataFileFormat(FileFormat.PARQUET).dataSchema(LOGS).build();
    OutputFileFactory files = OutputFileFactory.builderFor(table, 1, 1).format(FileFormat.PARQUET).build();
    DataWriter<Record> w = writers.newDataWriter(files.newOutputFile(), PartitionSpec.unpartitioned(), null);
    GenericRecord template = GenericRecord.create(LOGS);
    try (w) {
      for (Map<String, Object> r : rows) {
        w.write(template.copy(r));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    table.newFastAppend().appendFile(w.toDataFile()).commit();
  }

  @Test
  void traceShowsAMultiServiceTraceAsATreeWithItsErrorOrphanAndLogs() throws Exception {
    String name = "trace_" + UUID.randomUUID().toString().substring(0, 8);
    Namespace ns = Namespace.of(name);
    Path config = TestLake.writeConfig("commands/writer-" + name + ".yaml",
        TestLake.writerSettings(name, "traces", Map.of("table.namespace", name)));
    ByteString traceId = Spans.id(16, 0x4bf92f3577b34dL);
    ByteString other = Spans.id(16, 0x99L);
    String hex = HexFormat.of().formatHex(traceId.toByteArray());
    long t0 = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) - TimeUnit.MINUTES.toNanos(2);
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(service("frontend",
            span(traceId, 1, 0, "GET /checkout", t0, 120.5)
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK))))
        .addResourceSpans(service("checkout",
            span(traceId, 2, 1, "PlaceOrder", t0 + 1_200_000, 80),
            span(traceId, 3, 1, "Reserve", t0 + 90_000_000, 10)))
        .addResourceSpans(service("payment",
            span(traceId, 4, 2, "Charge", t0 + 5_000_000, 30)
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR)
                    .setMessage("card declined"))))
        .addResourceSpans(service("worker",
            span(traceId, 5, 0xdeadL, "late-job", t0 + 100_000_000, 2),
            span(other, 6, 0, "someone-else", t0, 1)))
        .build();
    try (KafkaProducer<byte[], byte[]> producer = TestLake.producer()) {
      producer.send(new ProducerRecord<>(name, 0, null, request.toByteArray())).get();
    }
    Catalog catalog = TestLake.catalog();
    WriterService writer = TestLake.writer(name, "traces", Map.of("table.namespace", name));
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!catalog.tableExists(TableIdentifier.of(ns, "traces")) || count(catalog, ns) < 6) {
        assertThat(System.nanoTime()).as("spans committed within 90 s").isLessThan(deadline);
        ChildJvm.sleep(500);
      }
    } finally {
      writer.close();
    }

    // without a logs table: the tree alone
    Result r = trace("--config", config.toString(), hex.toUpperCase());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("trace " + hex + ": 5 spans, 4 services, 1 error, 120.500 ms, started ")
        .doesNotContain("someone-else").doesNotContain("log record");
    List<String> tree = r.out().lines().skip(2).map(l -> l.charAt(0) + "|" + l.substring(29)).toList();
    assertThat(tree).containsExactly(
        " |frontend GET /checkout  OK",
        " |  checkout PlaceOrder",
        "!|    payment Charge  ERROR: card declined",
        " |  checkout Reserve",
        " |worker late-job  (orphan: parent 000000000000dead is not in the trace)");
    assertThat(r.out()).contains("       1.200       80.000    checkout PlaceOrder")
        .contains("       5.000       30.000      payment Charge");

    // with one: the trace's log records in time order, nobody else's
    OffsetDateTime start = Instant.EPOCH.plusNanos(t0).atOffset(ZoneOffset.UTC);
    logsTable(catalog, ns, List.of(
        Map.of("timestamp", start.plusNanos(7_000_000), "trace_id", hex, "span_id", "0000000000000004",
            "severity_text", "ERROR", "severity_number", 17, "body", "charge failed: card declined",
            "service_name", "payment"),
        Map.of("timestamp", start.plusNanos(1_000_000), "trace_id", hex, "severity_number", 9,
            "body", "checkout started", "service_name", "frontend"),
        Map.of("timestamp", start, "trace_id", HexFormat.of().formatHex(other.toByteArray()),
            "body", "not this trace", "service_name", "worker")));
    r = trace("--config", config.toString(), hex);
    assertThat(r.status()).as(r.err()).isZero();
    String logs = r.out().substring(r.out().indexOf("2 log records, in time order:"));
    List<String> lines = logs.lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(2)).contains("       1.000  ").contains("SEV9").endsWith("frontend: checkout started");
    assertThat(lines.get(3)).contains("       7.000  ").contains("ERROR")
        .endsWith("payment: charge failed: card declined  [span 0000000000000004]");
    assertThat(r.out()).doesNotContain("not this trace");

    Result unknown = trace("--config", config.toString(), "0123456789abcdef0123456789abcdef");
    assertThat(unknown.status()).isEqualTo(1);
    assertThat(unknown.out()).isEmpty();
    assertThat(unknown.err()).isEqualTo("otlake trace: no trace 0123456789abcdef0123456789abcdef in " + name
        + ".traces or " + name + ".logs\n");
    Result bad = trace("--config", config.toString(), "not-a-trace");
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).isEqualTo("otlake trace: 'not-a-trace' is not a trace id (32 hex digits)\n");
  }

  private static int count(Catalog catalog, Namespace ns) throws IOException {
    Table t = catalog.loadTable(TableIdentifier.of(ns, "traces"));
    int n = 0;
    try (CloseableIterable<Record> it = IcebergGenerics.read(t).build()) {
      for (Record ignored : it) {
        n++;
      }
    }
    return n;
  }
}
