package io.otlake.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.otlake.gateway.receiver.ReceiverMetrics;
import io.otlake.gateway.receiver.RecordSink;
import io.otlake.gateway.receiver.SinkException;
import io.otlake.gateway.receiver.SpanValidator;
import io.otlake.gateway.receiver.TraceReceiver;
import io.otlake.proto.OtlpRecord;
import io.otlake.proto.Signal;
import io.otlake.proto.TraceSplitter;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
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
  private enum Mode { STORE, OVERLOADED, UNAVAILABLE }

  private volatile Mode mode = Mode.STORE;
  private final List<OtlpRecord> stored = new CopyOnWriteArrayList<>();
  private OtlpHttpServer server;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void start() {
    RecordSink sink = (signal, records, receivedAtMs) -> switch (mode) {
      case STORE -> {
        stored.addAll(records);
        yield CompletableFuture.completedFuture(null);
      }
      case OVERLOADED -> CompletableFuture.failedFuture(new SinkException("too much in flight", true, null));
      case UNAVAILABLE -> CompletableFuture.supplyAsync(() -> {
        throw new SinkException("no broker", false, null);
      });
    };
    TraceReceiver traces = new TraceReceiver(new SpanValidator(() -> NOW), new TraceSplitter(1 << 20), sink,
        System::currentTimeMillis, new ReceiverMetrics(registry));
    server = OtlpHttpServer.start("127.0.0.1", 0, 64 << 10, List.of(), traces);
  }

  @AfterEach
  void stop() {
    server.close(Duration.ofSeconds(5));
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
  void badDataGets400WithAStatusThatSaysWhatIsWrong() throws Exception {
    ExportTraceServiceRequest good = request(2);
    Span bad = good.getResourceSpans(0).getScopeSpans(0).getSpans(1).toBuilder()
        .setSpanId(ByteString.copyFrom(new byte[4])).build();
    ExportTraceServiceRequest request = good.toBuilder().setResourceSpans(0, good.getResourceSpans(0).toBuilder()
        .setScopeSpans(0, good.getResourceSpans(0).getScopeSpans(0).toBuilder().setSpans(1, bad))).build();

    HttpResponse<byte[]> proto = post("/v1/traces", "application/x-protobuf", null, request.toByteArray());
    assertThat(proto.statusCode()).isEqualTo(400);
    com.google.rpc.Status status = com.google.rpc.Status.parseFrom(proto.body());
    assertThat(status.getCode()).isEqualTo(com.google.rpc.Code.INVALID_ARGUMENT_VALUE);
    assertThat(status.getMessage()).contains("spans[1]").contains("span_id must be 8 bytes, got 4");

    HttpResponse<byte[]> json = post("/v1/traces", "application/json", null, OtlpJson.traceRequestToJson(request));
    assertThat(json.statusCode()).isEqualTo(400);
    assertThat(json.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(new String(json.body(), StandardCharsets.UTF_8)).contains("\"code\":3")
        .contains("span_id must be 8 bytes, got 4");

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
  void wrongPathsMethodsTypesAndSizesGetTheirHttpAnswers() throws Exception {
    byte[] body = request(1).toByteArray();
    assertThat(post("/v1/logs", "application/x-protobuf", null, body).statusCode()).isEqualTo(404);
    HttpResponse<byte[]> get = client.send(HttpRequest.newBuilder(uri("/v1/traces")).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("allow")).hasValue("POST");
    HttpResponse<byte[]> text = post("/v1/traces", "text/plain", null, body);
    assertThat(text.statusCode()).isEqualTo(415);
    assertThat(new String(text.body(), StandardCharsets.UTF_8)).contains("application/x-protobuf");
    assertThat(post("/v1/traces", "application/x-protobuf", "br", body).statusCode()).isEqualTo(415);
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
    assertThat(requests("404") + requests("405")).isEqualTo(2);
  }

  @Test
  void browsersOfAllowedOriginsMayExport() throws Exception {
    RecordSink sink = (signal, records, receivedAtMs) -> {
      stored.addAll(records);
      return CompletableFuture.completedFuture(null);
    };
    TraceReceiver traces = new TraceReceiver(new SpanValidator(() -> NOW), new TraceSplitter(1 << 20), sink,
        System::currentTimeMillis, new ReceiverMetrics(new SimpleMeterRegistry()));
    OtlpHttpServer cors = OtlpHttpServer.start("127.0.0.1", 0, 64 << 10, List.of("https://shop.example"), traces);
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
            new TraceReceiver(new SpanValidator(() -> NOW), new TraceSplitter(1 << 20), (a, b, c) -> null,
                System::currentTimeMillis, new ReceiverMetrics(new SimpleMeterRegistry()))))
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
