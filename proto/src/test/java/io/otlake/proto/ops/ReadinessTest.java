package io.otlake.proto.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ReadinessTest {

  @Test
  void reportsEachDependencyThatFailsOrHangsAndNeverWaitsForOne() throws Exception {
    AtomicBoolean kafkaUp = new AtomicBoolean(true);
    CountDownLatch never = new CountDownLatch(1);
    AtomicBoolean hang = new AtomicBoolean(false);
    Map<String, Readiness.Check> checks = new LinkedHashMap<>();
    checks.put("kafka", t -> {
      if (!kafkaUp.get()) {
        throw new java.util.concurrent.ExecutionException(new java.io.IOException("connection refused"));
      }
    });
    checks.put("catalog", t -> {
      if (hang.get()) {
        never.await();
      }
    });
    try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0)) {
      assertThat(get(endpoint, "/readyz").statusCode()).isEqualTo(503); // no checks yet
      Readiness readiness = Readiness.start(checks, Duration.ofMillis(50), Duration.ofMillis(300));
      endpoint.readiness(readiness);
      HttpResponse<String> ready = await(endpoint, r -> r.statusCode() == 200);
      assertThat(ready.body()).isEqualTo("ready\n");

      kafkaUp.set(false);
      HttpResponse<String> down = await(endpoint, r -> r.statusCode() == 503);
      assertThat(down.body()).isEqualTo("kafka not reachable: IOException: connection refused\n");
      assertThat(get(endpoint, "/healthz").statusCode()).isEqualTo(200); // liveness is not readiness

      kafkaUp.set(true);
      hang.set(true);
      HttpResponse<String> hung = await(endpoint, r -> r.body().startsWith("catalog"));
      assertThat(hung.statusCode()).isEqualTo(503);
      assertThat(hung.body()).startsWith("catalog not reachable: no answer for ");
      never.countDown();
      hang.set(false);
      await(endpoint, r -> r.statusCode() == 200);
    }
  }

  private static HttpResponse<String> await(MetricsEndpoint endpoint, Predicate<HttpResponse<String>> done)
      throws Exception {
    HttpResponse<String> r = get(endpoint, "/readyz");
    for (int i = 0; i < 200 && !done.test(r); i++) {
      Thread.sleep(50);
      r = get(endpoint, "/readyz");
    }
    assertThat(done.test(r)).as("readyz reached the state: %s %s", r.statusCode(), r.body()).isTrue();
    return r;
  }

  private static HttpResponse<String> get(MetricsEndpoint endpoint, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + endpoint.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
