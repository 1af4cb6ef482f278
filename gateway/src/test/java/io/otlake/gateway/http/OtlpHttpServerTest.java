package io.otlake.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.otlake.gateway.receiver.Admission;
import io.otlake.gateway.receiver.Intake;
import io.otlake.gateway.receiver.ReceiverMetrics;
import io.otlake.gateway.receiver.TestReceivers;
import io.otlake.gateway.receiver.RecordSink;
import io.otlake.gateway.receiver.SinkException;
import io.otlake.proto.OtlpRecord;
import io.otlake.proto.Signal;
import io.otlake.proto.json.OtlpJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OTLP/HTTP server on a real socket, with a fake sink standing in for Kafka (the Kafka side is covered by the
 * integration tests in deploy/local): routing, both encodings, compression, and the status codes of the OTLP
 * specification's Failures and Throttling sections.
 */
class OtlpHttpServerTest {
  private static final long NOW = 1_800_000_000_000_000_000L;

  /** What the fake sink does with the next request. */
  private enum Mode { STORE, OVERLOADED, UNAVAILABLE, BLOCK }

  private volatile Mode mode = Mode.STORE;
  /** In BLOCK mode, sends wait on their work thread for this latch, counted in {@link #blocked}. */
  private final java.util.concurrent.CountDownLatch unblock = new java.util.concurrent.CountDownLatch(1);
  private final java.util.concurrent.atomic.AtomicInteger blocked = new java.util.concurrent.atomic.AtomicInteger();
  private RecordSink sink;
  private final List<OtlpHttpServer> others = new CopyOnWriteArrayList<>();
  private final List<OtlpRecord> stored = new CopyOnWriteArrayList<>();
  private OtlpHttpServer server;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void start() {
    sink = (signal, records, receivedAtMs) -> switch (mode) {
      case BLOCK -> {
        blocked.incrementAndGet();
        try {
          unblock.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        stored.addAll(records);
        yield CompletableFuture.completedFuture(null);
      }
      case STORE -> {
        stored.addAll(records);
        yield CompletableFuture.completedFuture(null);
      }
      case OVERLOADED -> CompletableFuture.failedFuture(new SinkException("too much in flight", true, null));
      case UNAVAILABLE -> CompletableFuture.supplyAsync(() -> {
        throw new SinkException("no broker", false, null);
      });
    };
    Intake intake = Intake.unbounded(new ReceiverMetrics(registry));
    server = OtlpHttpServer.start("127.0.0.1", 0, 64 << 10, List.of(), intake,
        TestReceivers.all(sink, NOW, intake, 1 << 20));
  }

  @AfterEach
  void stop() {
    unblock.countDown();
    server.close(Duration.ofSeconds(5));
    others.forEach(o -> o.close(Duration.ofSeconds(5)));
  }

  /** Another server on the same fake sink, with the given bounds, admission and record size. */
  private OtlpHttpServer serve(OtlpHttpServer.Limits limits, Admission admission, int maxRecordBytes) {
    Intake intake = new Intake(admission, new ReceiverMetrics(registry));
    OtlpHttpServer s = OtlpHttpServer.start("127.0.0.1", 0, limits, List.of(), intake,
        TestReceivers.all(sink, NOW, intake, maxRecordBytes));
    others.add(s);
    return s;
  }

  @Test
  void protobufAndJsonBodiesAreStoredAlikeAndAnsweredInTheirEncoding() throws Exception {
    ExportTraceServiceRequest request = request(3);
    HttpResponse<byte[]> proto = post("/v1/traces", "application/x-protobuf", null, request.toByteArray());
    assertThat(proto.statusCode()).isEqualTo(200);
    assertThat(proto.headers().firstValue("content-type")).hasValue("application/x-protobuf");
    assertThat(ExportTraceServiceResponse.parseFrom(proto.body()).hasPartialSuccess()).isFalse();
    List<OtlpRecord> fromProto = List.copyOf(stored);
    assertThat(fromProto).isNotEmpty();
    assertThat(fromProto.stream().mapToInt(OtlpRecord::items).sum()).isEqualTo(3);

    stored.clear();
    HttpResponse<byte[]> json = post("/v1/traces", "application/json; charset=utf-8", null,
        OtlpJson.traceRequestToJson(request));
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(json.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(new String(json.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    assertThat(stored).hasSameSizeAs(fromProto);
    for (int i = 0; i < stored.size(); i++) {
      assertThat(stored.get(i).key()).isEqualTo(fromProto.get(i).key());
      assertThat(stored.get(i).value()).isEqualTo(fromProto.get(i).value());
    }

    stored.clear();
    HttpResponse<byte[]> gzipped = post("/v1/traces", "application/x-protobuf", "gzip", gzip(request.toByteArray()));
    assertThat(gzipped.statusCode()).isEqualTo(200);
    assertThat(stored.stream().mapToInt(OtlpRecord::items).sum()).isEqualTo(3);
  }

  @Test
  void theHugeExponentProbeGets400WhileGoodRequestsKeepFlowing() throws Exception {
    // the probe: a startTimeUnixNano of "1e30000000" once held a work thread for ~45 s of big-number
    // arithmetic; more of them at once than there are work threads, with a good request among them
    String json = new String(OtlpJson.traceRequestToJson(request(1)), StandardCharsets.UTF_8);
    String probe = json.replaceFirst("\"startTimeUnixNano\":\"[0-9]+\"", "\"startTimeUnixNano\":\"1e30000000\"");
    assertThat(probe).contains("1e30000000");
    List<CompletableFuture<HttpResponse<byte[]>>> probes = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      probes.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/traces"))
          .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofString(probe)).build(), HttpResponse.BodyHandlers.ofByteArray()));
    }
    HttpResponse<byte[]> good = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/v1/traces")).header("Content-Type",
            "application/x-protobuf").timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(request(2).toByteArray())).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(good.statusCode()).isEqualTo(200);
    for (CompletableFuture<HttpResponse<byte[]>> f : probes) {
      HttpResponse<byte[]> r = f.get(30, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(jsonStatus(r).getMessage()).contains("startTimeUnixNano");
    }
  }

  @Test
  void badItemsAreRejectedOneByOneAndUnreadableRequestsGet400() throws Exception {
    ExportTraceServiceRequest good = request(2);
    Span bad = good.getResourceSpans(0).getScopeSpans(0).getSpans(1).toBuilder()
        .setSpanId(ByteString.copyFrom(new byte[4])).build();
    ExportTraceServiceRequest request = good.toBuilder().setResourceSpans(0, good.getResourceSpans(0).toBuilder()
        .setScopeSpans(0, good.getResourceSpans(0).getScopeSpans(0).toBuilder().setSpans(1, bad))).build();

    // the bad span is rejected with partial_success, the good one stored
    HttpResponse<byte[]> proto = post("/v1/traces", "application/x-protobuf", null, request.toByteArray());
    assertThat(proto.statusCode()).isEqualTo(200);
    io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess partial =
        io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse.parseFrom(proto.body())
            .getPartialSuccess();
    assertThat(partial.getRejectedSpans()).isEqualTo(1);
    assertThat(partial.getErrorMessage()).startsWith("1 of 2 spans rejected: ").contains("spans[1]")
        .contains("span_id must be 8 bytes, got 4");
    assertThat(stored.stream().mapToInt(OtlpRecord::items).sum()).isEqualTo(1);

    HttpResponse<byte[]> json = post("/v1/traces", "application/json", null, OtlpJson.traceRequestToJson(request));
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(json.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(new String(json.body(), StandardCharsets.UTF_8)).contains("\"rejectedSpans\":\"1\"")
        .contains("span_id must be 8 bytes, got 4");
    assertThat(stored.stream().mapToInt(OtlpRecord::items).sum()).isEqualTo(2);
    stored.clear();

    HttpResponse<byte[]> notJson = post("/v1/traces", "application/json", null, "{\"resourceSpans\":[".getBytes());
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(new String(notJson.body(), StandardCharsets.UTF_8)).contains("not valid JSON");

    HttpResponse<byte[]> notProto = post("/v1/traces", "application/x-protobuf", null, new byte[] {0x0a, 0x05, 1});
    assertThat(notProto.statusCode()).isEqualTo(400);
    assertThat(com.google.rpc.Status.parseFrom(notProto.body()).getMessage())
        .startsWith("not a valid ExportTraceServiceRequest");

    HttpResponse<byte[]> notGzip = post("/v1/traces", "application/x-protobuf", "gzip", request.toByteArray());
    assertThat(notGzip.statusCode()).isEqualTo(400);
    assertThat(com.google.rpc.Status.parseFrom(notGzip.body()).getMessage()).contains("not valid gzip");

    assertThat(stored).isEmpty();
  }

  @Test
  void overloadGets429WithRetryAfterAndAnUnavailableKafka503() throws Exception {
    mode = Mode.OVERLOADED;
    HttpResponse<byte[]> overloaded = post("/v1/traces", "application/x-protobuf", null, request(1).toByteArray());
    assertThat(overloaded.statusCode()).isEqualTo(429);
    assertThat(overloaded.headers().firstValue("retry-after")).hasValue("1");
    assertThat(com.google.rpc.Status.parseFrom(overloaded.body()).getCode())
        .isEqualTo(com.google.rpc.Code.RESOURCE_EXHAUSTED_VALUE);

    mode = Mode.UNAVAILABLE;
    HttpResponse<byte[]> unavailable = post("/v1/traces", "application/json", null,
        OtlpJson.traceRequestToJson(request(1)));
    assertThat(unavailable.statusCode()).isEqualTo(503);
    assertThat(new String(unavailable.body(), StandardCharsets.UTF_8)).contains("\"code\":14").contains("Kafka");
  }

  @Test
  void logsAndMetricsAreServedAtTheirPathsInProtobufAndGzippedJson() throws Exception {
    io.opentelemetry.proto.logs.v1.LogRecord log = io.opentelemetry.proto.logs.v1.LogRecord.newBuilder()
        .setTimeUnixNano(NOW).setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
            14, 15, 16})).setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
        .setBody(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("hello")).build();
    io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest logs =
        io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.newBuilder().addResourceLogs(
            io.opentelemetry.proto.logs.v1.ResourceLogs.newBuilder().addScopeLogs(
                io.opentelemetry.proto.logs.v1.ScopeLogs.newBuilder().addLogRecords(log)
                    .addLogRecords(log.toBuilder().setTraceId(ByteString.copyFrom(new byte[15]))))).build();
    io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest metrics =
        io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.newBuilder().addResourceMetrics(
            io.opentelemetry.proto.metrics.v1.ResourceMetrics.newBuilder().addScopeMetrics(
                io.opentelemetry.proto.metrics.v1.ScopeMetrics.newBuilder().addMetrics(
                    io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("requests").setSum(
                        io.opentelemetry.proto.metrics.v1.Sum.newBuilder().setIsMonotonic(true)
                            .addDataPoints(io.opentelemetry.proto.metrics.v1.NumberDataPoint.newBuilder()
                                .setTimeUnixNano(NOW).setAsInt(3)))))).build();
    HttpResponse<byte[]> proto = post("/v1/logs", "application/x-protobuf", null, logs.toByteArray());
    assertThat(proto.statusCode()).isEqualTo(200);
    assertThat(io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse.parseFrom(proto.body())
        .getPartialSuccess().getRejectedLogRecords()).isEqualTo(1);
    HttpResponse<byte[]> json = post("/v1/logs", "application/json", "gzip", gzip(OtlpJson.requestToJson(logs)));
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(new String(json.body(), StandardCharsets.UTF_8)).contains("\"rejectedLogRecords\":\"1\"")
        .contains("trace_id must be empty or 16 bytes, got 15");
    assertThat(stored).hasSize(2);
    for (OtlpRecord r : stored) {
      assertThat(new String(r.key(), StandardCharsets.US_ASCII)).isEqualTo("0102030405060708090a0b0c0d0e0f10");
      assertThat(io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.parseFrom(r.value())
          .getResourceLogs(0).getScopeLogs(0).getLogRecordsList()).containsExactly(log);
    }
    stored.clear();
    HttpResponse<byte[]> m = post("/v1/metrics", "application/json", "gzip", gzip(OtlpJson.requestToJson(metrics)));
    assertThat(m.statusCode()).isEqualTo(200);
    assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    assertThat(io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.parseFrom(stored.get(0)
        .value())).isEqualTo(metrics);

    for (String path : List.of("/v1/logs", "/v1/metrics")) {
      HttpResponse<byte[]> notProto = post(path, "application/x-protobuf", null, new byte[] {0x0a, 0x05, 1});
      assertThat(notProto.statusCode()).isEqualTo(400);
      assertThat(com.google.rpc.Status.parseFrom(notProto.body()).getMessage()).startsWith("not a valid Export");
      HttpResponse<byte[]> notJson = post(path, "application/json", null, "{\"resource".getBytes());
      assertThat(notJson.statusCode()).isEqualTo(400);
      assertThat(notJson.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(new String(notJson.body(), StandardCharsets.UTF_8)).contains("\"code\":3")
          .contains("not valid JSON");
      // valid JSON, but not the request's shape: a hex id that is not hex, a string where an object belongs
      String items = path.equals("/v1/logs")
          ? "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"traceId\":\"zz\"}]}]}]}"
          : "{\"resourceMetrics\":[{\"scopeMetrics\":\"gauge\"}]}";
      HttpResponse<byte[]> badShape = post(path, "application/json", null, items.getBytes(StandardCharsets.UTF_8));
      assertThat(badShape.statusCode()).isEqualTo(400);
      assertThat(new String(badShape.body(), StandardCharsets.UTF_8)).contains("\"code\":3").contains(
          path.equals("/v1/logs") ? "traceId must be hex" : "not a valid OTLP/JSON ExportMetricsServiceRequest")
          .contains(path.equals("/v1/logs") ? "at $.resourceLogs[0].scopeLogs[0].logRecords[0].traceId"
              : "path $.resourceMetrics[0].scopeMetrics");
      HttpResponse<byte[]> notGzip = post(path, "application/json", "gzip", "{}".getBytes());
      assertThat(notGzip.statusCode()).isEqualTo(400);
    }
    assertThat(stored).hasSize(1);
  }

  @Test
  void logsAndMetricsTakeDeflateAndAnswerPartialSuccessInTheRequestsEncoding() throws Exception {
    io.opentelemetry.proto.logs.v1.LogRecord log = io.opentelemetry.proto.logs.v1.LogRecord.newBuilder()
        .setTimeUnixNano(NOW).setBody(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("ok"))
        .build();
    io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest logs =
        io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.newBuilder().addResourceLogs(
            io.opentelemetry.proto.logs.v1.ResourceLogs.newBuilder().addScopeLogs(
                io.opentelemetry.proto.logs.v1.ScopeLogs.newBuilder().addLogRecords(log)
                    .addLogRecords(log.toBuilder().setSpanId(ByteString.copyFrom(new byte[7]))))).build();
    io.opentelemetry.proto.metrics.v1.NumberDataPoint point = io.opentelemetry.proto.metrics.v1.NumberDataPoint
        .newBuilder().setTimeUnixNano(NOW).setAsDouble(1.5).build();
    io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest metrics =
        io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.newBuilder().addResourceMetrics(
            io.opentelemetry.proto.metrics.v1.ResourceMetrics.newBuilder().addScopeMetrics(
                io.opentelemetry.proto.metrics.v1.ScopeMetrics.newBuilder().addMetrics(
                    io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("temperature").setGauge(
                        io.opentelemetry.proto.metrics.v1.Gauge.newBuilder().addDataPoints(point)
                            .addDataPoints(point.toBuilder().setTimeUnixNano(0)))))).build();

    // protobuf in, deflate (zlib, as HTTP's deflate is): a protobuf answer with the rejected count and why
    HttpResponse<byte[]> logsProto = post("/v1/logs", "application/x-protobuf", "deflate", deflate(logs.toByteArray()));
    assertThat(logsProto.statusCode()).isEqualTo(200);
    assertThat(logsProto.headers().firstValue("content-type")).hasValue("application/x-protobuf");
    var logsAnswer = io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse.parseFrom(logsProto.body())
        .getPartialSuccess();
    assertThat(logsAnswer.getRejectedLogRecords()).isEqualTo(1);
    assertThat(logsAnswer.getErrorMessage()).contains("span_id must be empty or 8 bytes, got 7");
    assertThat(stored).hasSize(1);
    assertThat(io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.parseFrom(stored.get(0).value())
        .getResourceLogs(0).getScopeLogs(0).getLogRecordsList()).containsExactly(log);
    stored.clear();

    HttpResponse<byte[]> metricsProto = post("/v1/metrics", "application/x-protobuf", "deflate",
        deflate(metrics.toByteArray()));
    assertThat(metricsProto.statusCode()).isEqualTo(200);
    assertThat(metricsProto.headers().firstValue("content-type")).hasValue("application/x-protobuf");
    var metricsAnswer = io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse
        .parseFrom(metricsProto.body()).getPartialSuccess();
    assertThat(metricsAnswer.getRejectedDataPoints()).isEqualTo(1);
    assertThat(metricsAnswer.getErrorMessage()).contains("time_unix_nano");
    assertThat(stored).hasSize(1);
    assertThat(io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.parseFrom(stored.get(0)
        .value()).getResourceMetrics(0).getScopeMetrics(0).getMetrics(0).getGauge().getDataPointsList())
        .containsExactly(point);
    stored.clear();

    // JSON in, deflate: a JSON answer
    HttpResponse<byte[]> metricsJson = post("/v1/metrics", "application/json", "deflate",
        deflate(OtlpJson.requestToJson(metrics)));
    assertThat(metricsJson.statusCode()).isEqualTo(200);
    assertThat(metricsJson.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(new String(metricsJson.body(), StandardCharsets.UTF_8)).contains("\"rejectedDataPoints\":\"1\"")
        .contains("time_unix_nano");
    HttpResponse<byte[]> logsJson = post("/v1/logs", "application/json", "deflate",
        deflate(OtlpJson.requestToJson(logs)));
    assertThat(logsJson.statusCode()).isEqualTo(200);
    assertThat(logsJson.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(new String(logsJson.body(), StandardCharsets.UTF_8)).contains("\"rejectedLogRecords\":\"1\"");
    assertThat(stored).hasSize(2);
    stored.clear();

    // a body that is not deflate data, and one cut short: 400 in the request's encoding, saying so
    for (String path : List.of("/v1/logs", "/v1/metrics")) {
      HttpResponse<byte[]> notDeflate = post(path, "application/x-protobuf", "deflate", new byte[] {1, 2, 3, 4});
      assertThat(notDeflate.statusCode()).isEqualTo(400);
      assertThat(com.google.rpc.Status.parseFrom(notDeflate.body()).getMessage()).contains("not valid deflate");
      byte[] whole = deflate(path.equals("/v1/logs") ? logs.toByteArray() : metrics.toByteArray());
      HttpResponse<byte[]> cut = post(path, "application/json", "deflate",
          java.util.Arrays.copyOf(whole, whole.length / 2));
      assertThat(cut.statusCode()).isEqualTo(400);
      assertThat(jsonStatus(cut).getMessage()).contains("not valid deflate");
    }
    assertThat(stored).isEmpty();
  }

  @Test
  void wrongPathsMethodsTypesAndSizesGetTheirHttpAnswers() throws Exception {
    byte[] body = request(1).toByteArray();
    // each answer a google.rpc.Status in the request's encoding: protobuf, or JSON when it is JSON or unknown
    HttpResponse<byte[]> notFound = post("/v1/profiles", "application/x-protobuf", null, body);
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(notFound.headers().firstValue("content-type")).hasValue("application/x-protobuf");
    com.google.rpc.Status notFoundStatus = com.google.rpc.Status.parseFrom(notFound.body());
    assertThat(notFoundStatus.getCode()).isEqualTo(com.google.rpc.Code.NOT_FOUND_VALUE);
    assertThat(notFoundStatus.getMessage()).contains("/v1/profiles").contains("/v1/traces, /v1/logs, /v1/metrics");
    HttpResponse<byte[]> notFoundJson = post("/v2/traces", "application/json", null, "{}".getBytes());
    assertThat(notFoundJson.statusCode()).isEqualTo(404);
    assertThat(jsonStatus(notFoundJson).getCode()).isEqualTo(com.google.rpc.Code.NOT_FOUND_VALUE);
    HttpResponse<byte[]> get = client.send(HttpRequest.newBuilder(uri("/v1/traces")).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("allow")).hasValue("POST");
    assertThat(get.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(jsonStatus(get).getCode()).isEqualTo(com.google.rpc.Code.UNIMPLEMENTED_VALUE);
    HttpResponse<byte[]> text = post("/v1/traces", "text/plain", null, body);
    assertThat(text.statusCode()).isEqualTo(415);
    com.google.rpc.Status textStatus = jsonStatus(text);
    assertThat(textStatus.getCode()).isEqualTo(com.google.rpc.Code.INVALID_ARGUMENT_VALUE);
    assertThat(textStatus.getMessage()).contains("application/x-protobuf");
    HttpResponse<byte[]> brotli = post("/v1/traces", "application/x-protobuf", "br", body);
    assertThat(brotli.statusCode()).isEqualTo(415);
    assertThat(com.google.rpc.Status.parseFrom(brotli.body()).getMessage()).contains("Content-Encoding");
    // over the limit as sent, and a small gzip body that inflates past it
    HttpResponse<byte[]> tooLarge = post("/v1/traces", "application/x-protobuf", null, new byte[100 << 10]);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(com.google.rpc.Status.parseFrom(tooLarge.body()).getMessage()).contains("http.max-request-bytes");
    HttpResponse<byte[]> bomb = post("/v1/traces", "application/x-protobuf", "gzip", gzip(new byte[10 << 20]));
    assertThat(bomb.statusCode()).isEqualTo(413);
    assertThat(com.google.rpc.Status.parseFrom(bomb.body()).getMessage()).contains("once decompressed");
    // and it serves on
    assertThat(post("/v1/traces", "application/x-protobuf", null, body).statusCode()).isEqualTo(200);
    assertThat(stored).hasSize(1);
    // every answer is counted by transport and code
    assertThat(requests("200")).isEqualTo(1);
    assertThat(requests("413")).isEqualTo(2);
    assertThat(requests("415")).isEqualTo(2);
    assertThat(requests("404") + requests("405")).isEqualTo(3);
  }

  @Test
  void browsersOfAllowedOriginsMayExport() throws Exception {
    RecordSink sink = (signal, records, receivedAtMs) -> {
      stored.addAll(records);
      return CompletableFuture.completedFuture(null);
    };
    Intake intake = Intake.unbounded(new ReceiverMetrics(new SimpleMeterRegistry()));
    OtlpHttpServer cors = OtlpHttpServer.start("127.0.0.1", 0, 64 << 10, List.of("https://shop.example"), intake,
        TestReceivers.all(sink, NOW, intake, 1 << 20));
    try {
      URI uri = URI.create("http://127.0.0.1:" + cors.port() + "/v1/traces");
      HttpResponse<byte[]> preflight = client.send(HttpRequest.newBuilder(uri)
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
          .header("Origin", "https://shop.example")
          .header("Access-Control-Request-Method", "POST")
          .header("Access-Control-Request-Headers", "content-type").build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(preflight.statusCode()).isEqualTo(200);
      assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("https://shop.example");
      assertThat(preflight.headers().firstValue("access-control-allow-methods")).hasValueSatisfying(
          m -> assertThat(m).contains("POST"));
      HttpResponse<byte[]> post = client.send(HttpRequest.newBuilder(uri)
          .header("Origin", "https://shop.example").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(OtlpJson.traceRequestToJson(request(1)))).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(post.statusCode()).isEqualTo(200);
      assertThat(post.headers().firstValue("access-control-allow-origin")).hasValue("https://shop.example");
      assertThat(stored).hasSize(1);
      HttpResponse<byte[]> elsewhere = client.send(HttpRequest.newBuilder(uri)
          .header("Origin", "https://evil.example").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(OtlpJson.traceRequestToJson(request(1)))).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(elsewhere.statusCode()).isEqualTo(403);
      assertThat(stored).hasSize(1);
      // without CORS configured (the server of the other tests) no CORS headers are given
      HttpResponse<byte[]> plain = client.send(HttpRequest.newBuilder(uri("/v1/traces"))
          .header("Origin", "https://shop.example").header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(request(1).toByteArray())).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(plain.statusCode()).isEqualTo(200);
      assertThat(plain.headers().firstValue("access-control-allow-origin")).isEmpty();
    } finally {
      cors.close(Duration.ofSeconds(5));
    }
  }

  @Test
  void aPortInUseIsAClearErrorAndLeavesNothingRunning() throws Exception {
    long loopsBefore = loopThreads();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OtlpHttpServer.start("127.0.0.1", server.port(), 1024, List.of(),
            Intake.unbounded(new ReceiverMetrics(new SimpleMeterRegistry())), List.of()))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("cannot listen for OTLP/HTTP on 127.0.0.1:" + server.port());
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (loopThreads() > loopsBefore && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(loopThreads()).as("the failed server's event loops are stopped").isLessThanOrEqualTo(loopsBefore);
  }

  private static long loopThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("otlp-http-loop")).count();
  }

  @Test
  void pipelinedRequestsOnOneConnectionAreAnsweredInOrder() throws Exception {
    byte[] good = request(1).toByteArray();
    byte[] bad = "{".getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < 6; i++) {
      boolean json = i % 2 == 1;
      byte[] body = json ? bad : good;
      all.write(("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: "
          + (json ? "application/json" : "application/x-protobuf") + "\r\nContent-Length: " + body.length
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      all.write(body);
    }
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(all.toByteArray()); // all six before reading any answer
      out.flush();
      InputStream in = s.getInputStream();
      for (int i = 0; i < 6; i++) {
        String statusLine = readResponse(in);
        assertThat(statusLine).as("answer " + i).startsWith(i % 2 == 1 ? "HTTP/1.1 400" : "HTTP/1.1 200");
      }
    }
    assertThat(stored).hasSize(3);
  }

  @Test
  void aFullWorkQueueGets429WithRetryAfterAndAStatusDecidedOnTheEventLoop() throws Exception {
    int threads = 2 * Runtime.getRuntime().availableProcessors(); // the server's work threads
    OtlpHttpServer s = serve(new OtlpHttpServer.Limits(64 << 10, 8, 1), new Admission(Long.MAX_VALUE), 1 << 20);
    mode = Mode.BLOCK;
    byte[] body = request(1).toByteArray();
    List<CompletableFuture<HttpResponse<byte[]>>> holding = new java.util.ArrayList<>();
    for (int i = 0; i < threads; i++) {
      holding.add(postAsync(s.port(), body)); // each on its own connection, each holding a work thread
    }
    await(() -> blocked.get() == threads);
    List<CompletableFuture<HttpResponse<byte[]>>> more = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      more.add(postAsync(s.port(), body)); // one waits in the queue of one, two are refused
    }
    await(() -> more.stream().filter(CompletableFuture::isDone).count() == 2);
    for (CompletableFuture<HttpResponse<byte[]>> f : more) {
      if (f.isDone()) {
        HttpResponse<byte[]> r = f.get();
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).hasValue("1");
        com.google.rpc.Status status = com.google.rpc.Status.parseFrom(r.body());
        assertThat(status.getCode()).isEqualTo(com.google.rpc.Code.RESOURCE_EXHAUSTED_VALUE);
        assertThat(status.getMessage()).contains("http.max-queued-requests");
      }
    }
    assertThat(stored).isEmpty();
    unblock.countDown();
    for (CompletableFuture<HttpResponse<byte[]>> f : holding) {
      assertThat(f.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    assertThat(more.stream().filter(f -> f.join().statusCode() == 200).count()).as("the queued one").isEqualTo(1);
    assertThat(stored).hasSize(threads + 1);
    assertThat(refusedBytes(Intake.WORK_QUEUE)).isEqualTo(2.0 * body.length);
  }

  @Test
  void pastTheInFlightBoundRequestsGet429AndTheirBodiesAreNeverRead() throws Exception {
    Admission admission = new Admission(1 << 20);
    OtlpHttpServer s = serve(OtlpHttpServer.Limits.of(64 << 10), admission, 1 << 20);
    byte[] notProto = {0x0a, 0x05, 1};
    byte[] notJson = "{\"resourceSpans\":[".getBytes(StandardCharsets.UTF_8);
    byte[] notGzip = request(1).toByteArray();
    Admission.Permit held = admission.tryAcquire(admission.maxBytes()); // other requests fill the bound

    HttpResponse<byte[]> proto = post(s.port(), "application/x-protobuf", null, notProto);
    assertThat(proto.statusCode()).isEqualTo(429);
    assertThat(proto.headers().firstValue("retry-after")).hasValue("1");
    com.google.rpc.Status status = com.google.rpc.Status.parseFrom(proto.body());
    assertThat(status.getCode()).isEqualTo(com.google.rpc.Code.RESOURCE_EXHAUSTED_VALUE);
    assertThat(status.getMessage()).contains("admission.max-in-flight-bytes");
    HttpResponse<byte[]> json = post(s.port(), "application/json", null, notJson);
    assertThat(json.statusCode()).isEqualTo(429);
    assertThat(jsonStatus(json).getCode()).isEqualTo(com.google.rpc.Code.RESOURCE_EXHAUSTED_VALUE);
    assertThat(post(s.port(), "application/x-protobuf", "gzip", notGzip).statusCode()).isEqualTo(429);
    assertThat(refusedBytes(Intake.IN_FLIGHT_BYTES))
        .isEqualTo(notProto.length + notJson.length + notGzip.length);

    // with room again, the same bodies are read, parsed and decompressed, and found bad: so they were not before
    held.close();
    assertThat(post(s.port(), "application/x-protobuf", null, notProto).statusCode()).isEqualTo(400);
    assertThat(post(s.port(), "application/json", null, notJson).statusCode()).isEqualTo(400);
    HttpResponse<byte[]> gz = post(s.port(), "application/x-protobuf", "gzip", notGzip);
    assertThat(gz.statusCode()).isEqualTo(400);
    assertThat(com.google.rpc.Status.parseFrom(gz.body()).getMessage()).contains("not valid gzip");
    assertThat(stored).isEmpty();
    assertThat(admission.inFlightBytes()).as("each permit given back with its answer").isZero();
    assertThat(requests("429")).isEqualTo(3);
  }

  @Test
  void aChunkedBodyIsAdmittedChunkByChunk() throws Exception {
    Admission admission = new Admission(1 << 20);
    OtlpHttpServer s = serve(OtlpHttpServer.Limits.of(64 << 10), admission, 1 << 20);
    byte[] body = request(3).toByteArray();
    byte[] chunked = chunked(body);
    Admission.Permit held = admission.tryAcquire(admission.maxBytes() - body.length / 2); // room for half of it
    try (Socket socket = new Socket("127.0.0.1", s.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(chunked);
      out.flush();
      Answer refused = readAnswer(in);
      assertThat(refused.statusLine()).startsWith("HTTP/1.1 429");
      assertThat(refused.headers()).containsEntry("retry-after", "1");
      held.close();
      out.write(chunked); // the same connection, in step after the refused body was dropped
      out.flush();
      assertThat(readAnswer(in).statusLine()).startsWith("HTTP/1.1 200");
    }
    assertThat(stored).hasSize(3);
    // refused by the chunk that passed the bound: about half the body had arrived
    assertThat(refusedBytes(Intake.IN_FLIGHT_BYTES)).isBetween(body.length / 2.0, body.length / 2.0 + 16);
  }

  /** A request whose body is sent in chunks of 16 bytes, without Content-Length. */
  private static byte[] chunked(byte[] body) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < body.length; i += 16) {
      int n = Math.min(16, body.length - i);
      b.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      b.write(body, i, n);
      b.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    b.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return b.toByteArray();
  }

  @Test
  void pipeliningPastTheBoundIsAnsweredInOrderWith429AndBufferedBodiesCountAsInFlight() throws Exception {
    Admission admission = new Admission(1 << 20);
    OtlpHttpServer s = serve(new OtlpHttpServer.Limits(64 << 10, 3, 256), admission, 1 << 20);
    mode = Mode.BLOCK;
    byte[] body = request(1).toByteArray();
    byte[] one = wire("application/x-protobuf", body);
    try (Socket socket = new Socket("127.0.0.1", s.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      for (int i = 0; i < 6; i++) {
        out.write(one);
      }
      out.flush();
      // one in work, two buffered, three refused at their heads without their bodies being kept
      await(() -> blocked.get() == 1 && refusedBytes(Intake.PIPELINED) == 3.0 * body.length);
      assertThat(admission.inFlightBytes()).as("the request in work and the two buffered behind it")
          .isEqualTo(3L * body.length);
      mode = Mode.STORE;
      unblock.countDown();
      InputStream in = socket.getInputStream();
      for (int i = 0; i < 6; i++) {
        Answer a = readAnswer(in);
        if (i < 3) {
          assertThat(a.statusLine()).as("answer " + i).startsWith("HTTP/1.1 200");
        } else {
          assertThat(a.statusLine()).as("answer " + i).startsWith("HTTP/1.1 429");
          assertThat(a.headers()).containsEntry("retry-after", "1");
          com.google.rpc.Status status = com.google.rpc.Status.parseFrom(a.body());
          assertThat(status.getCode()).isEqualTo(com.google.rpc.Code.RESOURCE_EXHAUSTED_VALUE);
          assertThat(status.getMessage()).contains("http.max-pipelined-requests");
        }
      }
      // the connection serves on
      out.write(one);
      out.flush();
      assertThat(readAnswer(in).statusLine()).startsWith("HTTP/1.1 200");
    }
    assertThat(stored).hasSize(4);
    await(() -> admission.inFlightBytes() == 0);
  }

  @Test
  void aBodyTrickledPastTheBodyTimeoutGets408ItsBytesBackAndTheConnectionCloses() throws Exception {
    Admission admission = new Admission(1 << 20);
    OtlpHttpServer s = serve(new OtlpHttpServer.Limits(64 << 10, 8, 256, 500), admission, 1 << 20);
    try (Socket socket = new Socket("127.0.0.1", s.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
          + "Content-Length: 1000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[10]);
      out.flush();
      await(() -> admission.inFlightBytes() == 1000);
      InputStream in = socket.getInputStream();
      Answer a = readAnswer(in); // a byte now and then would not help: the deadline counts from the head
      assertThat(a.statusLine()).startsWith("HTTP/1.1 408");
      assertThat(com.google.rpc.Status.parseFrom(a.body()).getMessage()).contains("http.body-timeout");
      assertThat(in.read()).as("closed after the answer").isEqualTo(-1);
    }
    await(() -> admission.inFlightBytes() == 0);
    assertThat(stored).isEmpty();
  }

  @Test
  void aHeaderBlockOverTheLimitGets431AndTheConnectionCloses() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/traces HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(64 << 10)
          + "\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      Answer a = readAnswer(in);
      assertThat(a.statusLine()).startsWith("HTTP/1.1 431");
      assertThat(a.headers()).containsEntry("connection", "close");
      assertThat(jsonStatus(a).getMessage()).contains("header");
      assertThat(in.read()).as("closed after the answer").isEqualTo(-1);
    }
    assertThat(requests("431")).isEqualTo(1);
  }

  @Test
  void aMalformedRequestIsAnsweredInItsTurnAndThenTheConnectionCloses() throws Exception {
    byte[] good = wire("application/x-protobuf", request(1).toByteArray());
    byte[] badChunk = ("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
        + "Transfer-Encoding: chunked\r\n\r\nZZZ\r\nxx\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] badLine = "\u0001GARBAGE\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    for (byte[] bad : List.of(badChunk, badLine)) {
      boolean proto = bad == badChunk; // answered in the request's encoding; JSON when there is none
      try (Socket socket = new Socket("127.0.0.1", server.port())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(good);
        out.write(bad);
        out.write(good); // never read: nothing after a malformed request can be found
        out.flush();
        InputStream in = socket.getInputStream();
        assertThat(readAnswer(in).statusLine()).startsWith("HTTP/1.1 200");
        Answer a = readAnswer(in);
        assertThat(a.statusLine()).startsWith("HTTP/1.1 400");
        assertThat(a.headers()).containsEntry("connection", "close");
        assertThat(a.headers()).containsEntry("content-type", proto ? "application/x-protobuf" : "application/json");
        com.google.rpc.Status status = proto ? com.google.rpc.Status.parseFrom(a.body()) : jsonStatus(a);
        assertThat(status.getMessage()).startsWith("malformed HTTP request");
        assertThat(in.read()).as("closed after the answer").isEqualTo(-1);
      }
    }
    assertThat(stored).hasSize(2);
  }

  @Test
  void aSpanOverTheRecordLimitGets400NamingTheLimit() throws Exception {
    OtlpHttpServer s = serve(OtlpHttpServer.Limits.of(64 << 10), new Admission(1 << 20), 1024);
    ExportTraceServiceRequest r = request(1);
    ExportTraceServiceRequest big = r.toBuilder().setResourceSpans(0, r.getResourceSpans(0).toBuilder()
        .setScopeSpans(0, r.getResourceSpans(0).getScopeSpans(0).toBuilder().setSpans(0,
            r.getResourceSpans(0).getScopeSpans(0).getSpans(0).toBuilder().setName("x".repeat(2000))))).build();
    HttpResponse<byte[]> answer = post(s.port(), "application/x-protobuf", null, big.toByteArray());
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.headers().firstValue("retry-after")).isEmpty();
    com.google.rpc.Status status = com.google.rpc.Status.parseFrom(answer.body());
    assertThat(status.getCode()).isEqualTo(com.google.rpc.Code.INVALID_ARGUMENT_VALUE);
    assertThat(status.getMessage()).contains("kafka.max-record-bytes is 1024").contains("can never be accepted");
    assertThat(stored).isEmpty();
  }

  /** One response read off a socket. */
  private record Answer(String statusLine, java.util.Map<String, String> headers, byte[] body) {}

  private static Answer readAnswer(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed after " + head);
      }
      head.append((char) c);
    }
    String[] lines = head.toString().split("\r\n");
    java.util.Map<String, String> headers = new java.util.HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    return new Answer(lines[0], headers, in.readNBytes(length));
  }

  private static com.google.rpc.Status jsonStatus(Answer a) throws Exception {
    assertThat(a.headers()).containsEntry("content-type", "application/json");
    com.google.rpc.Status.Builder b = com.google.rpc.Status.newBuilder();
    com.google.protobuf.util.JsonFormat.parser().merge(new String(a.body(), StandardCharsets.UTF_8), b);
    return b.build();
  }

  private static byte[] wire(String type, byte[] body) {
    byte[] head = ("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: " + type + "\r\nContent-Length: "
        + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] all = java.util.Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  private double refusedBytes(String reason) {
    io.micrometer.core.instrument.Counter c = registry.find("otlake.gateway.refused.bytes")
        .tags("transport", "http", "reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 10 s for the condition").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private HttpResponse<byte[]> post(int port, String type, String encoding, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/traces"))
        .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private CompletableFuture<HttpResponse<byte[]>> postAsync(int port, byte[] body) {
    return client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/traces"))
        .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A JSON body parsed as a {@code google.rpc.Status}, as an OTLP/HTTP client would. */
  private static com.google.rpc.Status jsonStatus(HttpResponse<byte[]> r) throws Exception {
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    com.google.rpc.Status.Builder b = com.google.rpc.Status.newBuilder();
    com.google.protobuf.util.JsonFormat.parser().merge(new String(r.body(), StandardCharsets.UTF_8), b);
    return b.build();
  }

  private double requests(String code) {
    io.micrometer.core.instrument.Counter c = registry.find("otlake.gateway.requests")
        .tags("transport", "http", "code", code).counter();
    return c == null ? 0 : c.count();
  }

  /** Reads one response with a Content-Length; returns its status line. */
  private static String readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed after " + head);
      }
      head.append((char) c);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    in.readNBytes(length);
    return head.substring(0, head.indexOf("\r\n"));
  }

  private HttpResponse<byte[]> post(String path, String type, String encoding, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private static byte[] deflate(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(out)) {
      z.write(bytes);
    }
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(bytes);
    }
    return out.toByteArray();
  }

  /** {@code spans} spans, each its own trace. */
  private static ExportTraceServiceRequest request(int spans) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < spans; i++) {
      byte[] trace = new byte[16];
      trace[0] = (byte) (i + 1);
      byte[] span = new byte[8];
      span[7] = (byte) (i + 1);
      scope.addSpans(Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(span))
          .setName("op" + i).setStartTimeUnixNano(NOW - 1_000_000).setEndTimeUnixNano(NOW));
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope))
        .build();
  }
}
