package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.otlake.gateway.GatewayServer;
import io.otlake.gateway.receiver.RawBytes;
import io.otlake.proto.RecordHeaders;
import io.otlake.proto.json.OtlpJson;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Logs and metrics end to end on a real broker: the OpenTelemetry Java SDK's own exporters over gRPC and
 * http/protobuf, and OTLP/JSON with gzip, get OK, and the records on the logs and metrics topics parse back to the
 * very items the SDK marshals (protobuf as the oracle); bad input on every new path gets INVALID_ARGUMENT / 400.
 * The writer then stores each item once in its tables, every field as the SDK sent it.
 */
class SignalsEndToEndIT {
  private static final Resource RESOURCE = Resource.getDefault().merge(Resource.create(Attributes.of(
      AttributeKey.stringKey("service.name"), "checkout")));

  @Test
  void logsFromTheSdkOverEveryTransportReachTheirTopicUnchanged() throws Exception {
    String topic = "it_logs";
    InMemoryLogRecordExporter memory = InMemoryLogRecordExporter.create();
    List<LogRecordData> data;
    try (SdkLoggerProvider provider = SdkLoggerProvider.builder().setResource(RESOURCE)
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(memory)).build()) {
      Logger logger = provider.get("it.logs");
      logger.logRecordBuilder().setBody("a plain line").setSeverityText("INFO")
          .setAttribute(AttributeKey.longKey("n"), 1L).emit();
      SpanContext span = SpanContext.create("0102030405060708090a0b0c0d0e0f10", "0102030405060708",
          TraceFlags.getSampled(), TraceState.getDefault());
      logger.logRecordBuilder().setContext(Context.root().with(Span.wrap(span))).setBody("in a trace").emit();
      logger.logRecordBuilder().setBody(io.opentelemetry.api.common.Value.of(Map.of(
              "user", io.opentelemetry.api.common.Value.of("ann"),
              "tries", io.opentelemetry.api.common.Value.of(3L),
              "tags", io.opentelemetry.api.common.Value.of(io.opentelemetry.api.common.Value.of("a"),
                  io.opentelemetry.api.common.Value.of(2.5)))))
          .setSeverity(io.opentelemetry.api.logs.Severity.WARN).setEventName("checkout.retry").emit();
      logger.logRecordBuilder().setBody(io.opentelemetry.api.common.Value.of(new byte[] {1, 2, 3}))
          .setContext(Context.root().with(Span.wrap(span))).setTimestamp((System.currentTimeMillis() - 3_600_000) * 1_000_000L + 123_789,
              TimeUnit.NANOSECONDS).emit();
      data = memory.getFinishedLogRecordItems(); // before close: the in-memory exporter forgets on shutdown
    }
    assertThat(data).hasSize(4);
    ExportLogsServiceRequest expected = logsRequest(data);
    List<LogRecord> expectedRecords = logRecords(expected);
    try (GatewayServer gateway = TestLake.gateway("it_logs_unused_spans", Map.of("kafka.topic.logs", topic))) {
      for (LogRecordExporter exporter : List.of(
          OtlpGrpcLogRecordExporter.builder().setEndpoint("http://127.0.0.1:" + gateway.grpcPort())
              .setTimeout(Duration.ofSeconds(30)).build(),
          OtlpHttpLogRecordExporter.builder().setEndpoint("http://127.0.0.1:" + gateway.httpPort() + "/v1/logs")
              .setCompression("gzip").setTimeout(Duration.ofSeconds(30)).build())) {
        CompletableResultCode result = exporter.export(data).join(40, TimeUnit.SECONDS);
        assertThat(result.isSuccess()).as(exporter.toString()).isTrue();
        exporter.shutdown();
      }
      HttpResponse<String> json = postGzippedJson(gateway, "/v1/logs", OtlpJson.requestToJson(expected));
      assertThat(json.statusCode()).isEqualTo(200);
      assertThat(json.body()).isEqualTo("{}");

      // per request: traced and untraced keys, in one record when they hash to one partition
      List<ConsumerRecord<byte[], byte[]>> records = read(topic, 3 * expectedRecords.size(),
          v -> logRecords(parseLogs(v)).size());
      List<LogRecord> stored = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : records) {
        assertThat(TestLake.header(r, RecordHeaders.SIGNAL)).isEqualTo("logs");
        ExportLogsServiceRequest part = ExportLogsServiceRequest.parseFrom(r.value());
        assertThat(part.getResourceLogs(0).getResource()).isEqualTo(expected.getResourceLogs(0).getResource());
        List<LogRecord> in = logRecords(part);
        stored.addAll(in);
        // a record of one key is keyed by it (the trace id, or a resource's 16-digit hash); of both, unkeyed
        boolean traced = in.stream().anyMatch(l -> !l.getTraceId().isEmpty());
        boolean untraced = in.stream().anyMatch(l -> l.getTraceId().isEmpty());
        if (traced && untraced) {
          assertThat(r.key()).isNull();
        } else {
          String key = new String(r.key(), StandardCharsets.US_ASCII);
          assertThat(key).isEqualTo(untraced ? key : "0102030405060708090a0b0c0d0e0f10");
          assertThat(key).hasSize(untraced ? 16 : 32);
        }
      }
      List<LogRecord> thrice = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        thrice.addAll(expectedRecords);
      }
      assertThat(stored).containsExactlyInAnyOrderElementsOf(thrice);
      badInput(gateway, LogsServiceGrpc.getExportMethod().getFullMethodName(), "/v1/logs",
          "ExportLogsServiceRequest");
    }
    // the writer: every field of every record in otel.<table>. The topic holds each record three times: the SDK's
    // gRPC and HTTP exporters sent the same bytes (to the writer, a retry: stored once), the JSON request was
    // printed from protobuf-java's parse of them, whose bytes differ from the SDK's own encoding,
    // so it counts as another sending: dedup compares records byte for
    // byte, as a client's retry resends them
    String table = "it_logs_table";
    try (io.otlake.writer.WriterService writer = TestLake.writer("it_logs_unused_spans", "it_logs_unused",
        Map.of("signals", "logs", "kafka.topic.logs", topic, "table.logs", table))) {
      List<org.apache.iceberg.data.Record> rows = TestLake.awaitRows(TestLake.catalog(), table,
          Duration.ofSeconds(60), r -> r.size() >= expectedRecords.size());
      ChildJvm.sleep(2000);
      rows = TestLake.rows(TestLake.catalog(), table);
      List<Object> twice = new ArrayList<>(normalized(new io.otlake.writer.testing.LogRows().rows(expected)));
      twice.addAll(List.copyOf(twice));
      assertThat(normalized(rows)).containsExactlyInAnyOrderElementsOf(twice);
      assertThat(writer.meterRegistry().find("otlake.writer.duplicates.dropped").tag("signal", "logs").counter()
          .count()).isEqualTo(expectedRecords.size());
    }
  }

  /** Rows as comparable values: maps sorted by key, structs as maps of their fields, nested alike. */
  static List<Object> normalized(List<org.apache.iceberg.data.Record> rows) {
    List<Object> out = new ArrayList<>();
    rows.forEach(r -> out.add(normalize(r)));
    return out;
  }

  private static Object normalize(Object v) {
    if (v instanceof org.apache.iceberg.StructLike && v instanceof org.apache.iceberg.data.Record r) {
      Map<String, Object> m = new java.util.TreeMap<>();
      for (org.apache.iceberg.types.Types.NestedField f : r.struct().fields()) {
        m.put(f.name(), normalize(r.getField(f.name())));
      }
      return m;
    }
    if (v instanceof Map<?, ?> map) {
      Map<Object, Object> m = new java.util.TreeMap<>();
      map.forEach((k, x) -> m.put(String.valueOf(k), normalize(x)));
      return m;
    }
    if (v instanceof List<?> list) {
      List<Object> l = new ArrayList<>();
      list.forEach(x -> l.add(normalize(x)));
      return l;
    }
    if (v instanceof java.time.OffsetDateTime t) {
      return t.truncatedTo(java.time.temporal.ChronoUnit.MICROS); // the tables' precision
    }
    if (v instanceof java.nio.ByteBuffer b) {
      return java.util.HexFormat.of().formatHex(org.apache.iceberg.util.ByteBuffers.toByteArray(b));
    }
    return v;
  }

  @Test
  void metricsOfEveryInstrumentFromTheSdkReachTheirTopicUnchanged() throws Exception {
    String topic = "it_metrics";
    // every instrument kind, cumulative (the default) and delta with exponential histograms
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    InMemoryMetricReader delta = InMemoryMetricReader.builder()
        .setAggregationTemporalitySelector(
            io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector.deltaPreferred())
        .setDefaultAggregationSelector(io.opentelemetry.sdk.metrics.export.DefaultAggregationSelector.getDefault()
            .with(io.opentelemetry.sdk.metrics.InstrumentType.HISTOGRAM,
                io.opentelemetry.sdk.metrics.Aggregation.base2ExponentialBucketHistogram()))
        .build();
    Collection<MetricData> data = new ArrayList<>();
    try (SdkMeterProvider provider = SdkMeterProvider.builder().setResource(RESOURCE).registerMetricReader(reader)
        .build(); SdkMeterProvider deltaProvider = SdkMeterProvider.builder().setResource(RESOURCE)
        .registerMetricReader(delta).build()) {
      for (SdkMeterProvider p : List.of(provider, deltaProvider)) {
        Meter meter = p.get(p == provider ? "it.metrics" : "it.metrics.delta");
        Attributes route = Attributes.of(AttributeKey.stringKey("route"), "/cart");
        meter.counterBuilder("requests").build().add(3, route);
        meter.upDownCounterBuilder("in_flight").build().add(-2, route);
        meter.gaugeBuilder("temperature").build().set(21.5, route);
        meter.gaugeBuilder("queue").ofLongs().build().set(7, route);
        var latency = meter.histogramBuilder("latency").setUnit("ms").build();
        latency.record(12.5, route);
        latency.record(0.25, route);
        latency.record(900, route);
      }
      data.addAll(reader.collectAllMetrics());
      data.addAll(delta.collectAllMetrics());
    }
    assertThat(data).hasSize(10);
    ExportMetricsServiceRequest expected = metricsRequest(data);
    try (GatewayServer gateway = TestLake.gateway("it_metrics_unused_spans", Map.of("kafka.topic.metrics", topic))) {
      for (MetricExporter exporter : List.of(
          OtlpGrpcMetricExporter.builder().setEndpoint("http://127.0.0.1:" + gateway.grpcPort())
              .setTimeout(Duration.ofSeconds(30)).build(),
          OtlpHttpMetricExporter.builder().setEndpoint("http://127.0.0.1:" + gateway.httpPort() + "/v1/metrics")
              .setTimeout(Duration.ofSeconds(30)).build())) {
        CompletableResultCode result = exporter.export(data).join(40, TimeUnit.SECONDS);
        assertThat(result.isSuccess()).as(exporter.toString()).isTrue();
        exporter.shutdown();
      }
      HttpResponse<String> json = postGzippedJson(gateway, "/v1/metrics", OtlpJson.requestToJson(expected));
      assertThat(json.statusCode()).isEqualTo(200);
      assertThat(json.body()).isEqualTo("{}");
      // keyed per metric name (resource + name); a request's keys of one partition share a record
      List<ConsumerRecord<byte[], byte[]>> records = read(topic, 3 * metricCount(expected), v -> {
        try {
          return metricCount(ExportMetricsServiceRequest.parseFrom(v));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw new AssertionError(e);
        }
      });
      List<Metric> stored = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : records) {
        assertThat(TestLake.header(r, RecordHeaders.SIGNAL)).isEqualTo("metrics");
        ExportMetricsServiceRequest part = ExportMetricsServiceRequest.parseFrom(r.value());
        part.getResourceMetricsList().forEach(rm -> rm.getScopeMetricsList().forEach(sm ->
            stored.addAll(sm.getMetricsList())));
      }
      List<Metric> thrice = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        expected.getResourceMetricsList().forEach(rm -> rm.getScopeMetricsList().forEach(sm ->
            thrice.addAll(sm.getMetricsList())));
      }
      assertThat(stored).containsExactlyInAnyOrderElementsOf(thrice);
      badInput(gateway, MetricsServiceGrpc.getExportMethod().getFullMethodName(), "/v1/metrics",
          "ExportMetricsServiceRequest");
      // summaries come from hand-built requests (SDKs emit none), here as OTLP/JSON with gzip
      HttpResponse<String> summary = postGzippedJson(gateway, "/v1/metrics", OtlpJson.requestToJson(SUMMARY));
      assertThat(summary.statusCode()).isEqualTo(200);
    }
    // the writer: every point in its kind's table with every field as sent. Of the three copies of each point, the
    // SDK's gRPC and HTTP exporters sent the same bytes (stored once); the JSON copy is protobuf-java's encoding,
    // which for some kinds differs from the SDK's in byte order, and then counts as another sending (see the logs
    // test): so each point is there once or twice, never three times
    Map<String, String> tables = new java.util.LinkedHashMap<>();
    for (String kind : new String[] {"gauge", "sum", "histogram", "exponential-histogram", "summary"}) {
      tables.put("table.metrics-" + kind, "it_metrics_" + kind.replace('-', '_'));
    }
    Map<String, String> settings = new java.util.HashMap<>(tables);
    settings.put("signals", "metrics");
    settings.put("kafka.topic.metrics", topic);
    List<List<org.apache.iceberg.data.Record>> want = new io.otlake.writer.testing.MetricRows().rows(expected);
    List<List<org.apache.iceberg.data.Record>> summaries = new io.otlake.writer.testing.MetricRows().rows(SUMMARY);
    try (io.otlake.writer.WriterService writer = TestLake.writer("it_metrics_unused_spans", "it_metrics_unused",
        settings)) {
      List<String> names = new ArrayList<>(tables.values());
      for (int k = 0; k < names.size(); k++) {
        List<Object> rows = new ArrayList<>(normalized(want.get(k)));
        rows.addAll(normalized(summaries.get(k)));
        int count = rows.size();
        TestLake.awaitRows(TestLake.catalog(), names.get(k), Duration.ofSeconds(60), r -> r.size() >= count);
      }
      ChildJvm.sleep(2000);
      int stored = 0;
      for (int k = 0; k < names.size(); k++) {
        List<Object> rows = new ArrayList<>(normalized(want.get(k)));
        rows.addAll(normalized(summaries.get(k)));
        List<Object> got = normalized(TestLake.rows(TestLake.catalog(), names.get(k)));
        stored += got.size();
        assertThat(new java.util.HashSet<>(got)).as(names.get(k)).isEqualTo(new java.util.HashSet<>(rows));
        for (Object row : rows) {
          assertThat(got.stream().filter(row::equals).count()).as(names.get(k)).isBetween(1L, 2L);
        }
      }
      assertThat(want.get(io.otlake.writer.testing.MetricRows.EXPONENTIAL_HISTOGRAM)).isNotEmpty();
      int points = want.stream().mapToInt(List::size).sum();
      assertThat(writer.meterRegistry().find("otlake.writer.duplicates.dropped").tag("signal", "metrics").counter()
          .count()).isEqualTo(3.0 * points + 1 - stored);
      assertThat(summaries.get(io.otlake.writer.testing.MetricRows.SUMMARY)).hasSize(1);
    }
  }

  private static final ExportMetricsServiceRequest SUMMARY = summaryRequest();

  private static ExportMetricsServiceRequest summaryRequest() {
    long now = System.currentTimeMillis() * 1_000_000L;
    var point = io.opentelemetry.proto.metrics.v1.SummaryDataPoint.newBuilder()
        .setStartTimeUnixNano(now - 60_000_000_000L).setTimeUnixNano(now).setCount(42).setSum(1234.5)
        .addQuantileValues(io.opentelemetry.proto.metrics.v1.SummaryDataPoint.ValueAtQuantile.newBuilder()
            .setQuantile(0.5).setValue(20))
        .addQuantileValues(io.opentelemetry.proto.metrics.v1.SummaryDataPoint.ValueAtQuantile.newBuilder()
            .setQuantile(0.99).setValue(95.5))
        .addAttributes(io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey("route").setValue(
            io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("/cart")));
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(
        io.opentelemetry.proto.metrics.v1.ResourceMetrics.newBuilder()
            .setResource(io.opentelemetry.proto.resource.v1.Resource.newBuilder().addAttributes(
                io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey("service.name").setValue(
                    io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("legacy"))))
            .addScopeMetrics(io.opentelemetry.proto.metrics.v1.ScopeMetrics.newBuilder().addMetrics(
                Metric.newBuilder().setName("rpc.duration").setUnit("ms").setDescription("from a Prometheus app")
                    .setSummary(io.opentelemetry.proto.metrics.v1.Summary.newBuilder().addDataPoints(point)))))
        .build();
  }

  /** Garbage over gRPC gets INVALID_ARGUMENT, over HTTP 400, each saying what it is not. */
  private static void badInput(GatewayServer gateway, String method, String path, String message) throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.grpcPort()).usePlaintext().build();
    try {
      MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(method)
          .setRequestMarshaller(RawBytes.INSTANCE).setResponseMarshaller(RawBytes.INSTANCE).build();
      StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
          () -> ClientCalls.blockingUnaryCall(channel, raw, CallOptions.DEFAULT, new byte[] {0x0a, 0x05, 0x01}));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).startsWith("not a valid " + message);
    } finally {
      channel.shutdownNow();
    }
    HttpResponse<byte[]> http = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + gateway.httpPort() + path)).header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {0x0a, 0x05, 0x01})).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(http.statusCode()).isEqualTo(400);
    assertThat(com.google.rpc.Status.parseFrom(http.body()).getMessage()).startsWith("not a valid " + message);
  }

  private static ExportLogsServiceRequest logsRequest(Collection<LogRecordData> data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LogsRequestMarshaler.create(data).writeBinaryTo(out);
    return ExportLogsServiceRequest.parseFrom(out.toByteArray());
  }

  private static ExportMetricsServiceRequest metricsRequest(Collection<MetricData> data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MetricsRequestMarshaler.create(data).writeBinaryTo(out);
    return ExportMetricsServiceRequest.parseFrom(out.toByteArray());
  }

  private static ExportLogsServiceRequest parseLogs(byte[] value) {
    try {
      return ExportLogsServiceRequest.parseFrom(value);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static List<LogRecord> logRecords(ExportLogsServiceRequest r) {
    List<LogRecord> all = new ArrayList<>();
    r.getResourceLogsList().forEach(rl -> rl.getScopeLogsList().forEach(sl -> all.addAll(sl.getLogRecordsList())));
    return all;
  }

  private static HttpResponse<String> postGzippedJson(GatewayServer gateway, String path, byte[] json)
      throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      z.write(json);
    }
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + gateway.httpPort() + path)).header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray())).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Reads a topic from the start until it has {@code count} records (or 30 s passed), then a little longer. */
  /**
   * The records of {@code topic} until they hold {@code items} items as {@code itemsOf} counts them (how many records
   * that takes depends on how the gateway grouped the keys into partitions), and no more after that.
   */
  private static int metricCount(ExportMetricsServiceRequest request) {
    return request.getResourceMetricsList().stream()
        .mapToInt(rm -> rm.getScopeMetricsList().stream().mapToInt(sm -> sm.getMetricsCount()).sum()).sum();
  }

  private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int items, ToIntFunction<byte[]> itemsOf) {
    List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
    int seen = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = TestLake.consumer()) {
      List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (seen < items && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          got.add(r);
          seen += itemsOf.applyAsInt(r.value());
        }
      }
      int before = got.size();
      consumer.poll(Duration.ofMillis(500)).forEach(got::add);
      assertThat(got).as("records after the expected items").hasSize(before);
    }
    assertThat(seen).isEqualTo(items);
    return got;
  }
}
