package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.otlake.gateway.GatewayServer;
import io.otlake.writer.WriterService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;

/** {@code /readyz} of both services follows their dependencies; {@code /healthz} stays a liveness probe. */
class ReadinessIT {
  private static final Map<String, String> FAST = Map.of("readiness.interval", "200ms", "readiness.timeout", "1s");

  @Test
  void theGatewayIsReadyWhileKafkaAnswersAndNotWhenItCannotReachIt() throws Exception {
    try (GatewayServer gateway = TestLake.gateway("ready_spans", FAST)) {
      HttpResponse<String> ready = awaitReadyz(gateway.metricsPort(), r -> r.statusCode() == 200);
      assertThat(ready.body()).isEqualTo("ready\n");
    }
    int nothingListens = LocalInfra.freePort();
    Map<String, String> dead = new java.util.HashMap<>(FAST);
    dead.put("kafka.bootstrap.servers", "127.0.0.1:" + nothingListens);
    try (GatewayServer gateway = TestLake.gateway("unready_spans", dead)) {
      HttpResponse<String> notReady = awaitReadyz(gateway.metricsPort(), r -> r.body().contains("not reachable: ")
          && !r.body().contains("not checked yet"));
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).startsWith("kafka at 127.0.0.1:" + nothingListens + " not reachable: ");
      assertThat(get(gateway.metricsPort(), "/healthz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theWriterIsReadyWhileKafkaAndTheCatalogAnswer() throws Exception {
    String table = "ready_traces";
    Catalog catalog = TestLake.catalog();
    try (WriterService writer = TestLake.writer("ready_writer_spans", table, FAST)) {
      HttpResponse<String> ready = awaitReadyz(writer.metricsPort(), r -> r.statusCode() == 200);
      assertThat(ready.body()).isEqualTo("ready\n");
      // the table goes away under the writer: the catalog check fails and says which table
      assertThat(catalog.dropTable(TableIdentifier.of("otel", table), false)).isTrue();
      HttpResponse<String> gone = awaitReadyz(writer.metricsPort(), r -> r.statusCode() == 503);
      assertThat(gone.body()).startsWith("catalog table otel." + table + " not reachable: ");
      assertThat(get(writer.metricsPort(), "/healthz").statusCode()).isEqualTo(200);
    }
    int nothingListens = LocalInfra.freePort();
    Map<String, String> dead = new java.util.HashMap<>(FAST);
    dead.put("kafka.bootstrap.servers", "127.0.0.1:" + nothingListens);
    try (WriterService writer = TestLake.writer("unready_writer_spans", "unready_traces", dead)) {
      HttpResponse<String> notReady = awaitReadyz(writer.metricsPort(), r -> r.body().contains("not reachable: ")
          && !r.body().contains("not checked yet"));
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).startsWith("kafka at 127.0.0.1:" + nothingListens + " not reachable: ")
          .doesNotContain("catalog");
    }
  }

  private static HttpResponse<String> awaitReadyz(int port, Predicate<HttpResponse<String>> done) throws Exception {
    HttpResponse<String> r = get(port, "/readyz");
    for (int i = 0; i < 150 && !done.test(r); i++) {
      ChildJvm.sleep(200);
      r = get(port, "/readyz");
    }
    assertThat(done.test(r)).as("/readyz reached the expected state (%s: %s)", r.statusCode(), r.body()).isTrue();
    return r;
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
