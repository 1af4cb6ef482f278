package io.otlake.proto.ops;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Serves a Prometheus registry at {@code GET /metrics} on its own small HTTP server, with {@code /healthz} (liveness:
 * the process serves) and {@code /readyz} (readiness: 200 while every dependency of {@link #readiness} answers, else
 * 503 with a line per one that does not).
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final HttpServer server;
  private volatile Readiness readiness;

  private MetricsEndpoint(HttpServer server) {
    this.server = server;
  }

  /** Starts the endpoint; port 0 picks a free port, a negative port serves nothing (the registry still counts). */
  public static MetricsEndpoint start(String host, int port) {
    if (port < 0) {
      return new MetricsEndpoint(null);
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port, e);
    }
    MetricsEndpoint endpoint = new MetricsEndpoint(server);
    server.createContext("/metrics", exchange -> {
      byte[] body = endpoint.registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.createContext("/healthz", exchange -> {
      byte[] body = "ok\n".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.createContext("/readyz", exchange -> {
      Readiness r = endpoint.readiness;
      String problems = r == null ? "no readiness check yet\n" : r.problems();
      byte[] body = (problems == null ? "ready\n" : problems).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(problems == null ? 200 : 503, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return endpoint;
  }

  /** The dependency checks {@code /readyz} reports; until set, it answers 503. Closed with this endpoint. */
  public void readiness(Readiness checks) {
    this.readiness = checks;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The bound port, or -1 when nothing is served. */
  public int port() {
    return server == null ? -1 : server.getAddress().getPort();
  }

  @Override
  public void close() {
    Readiness r = readiness;
    if (r != null) {
      r.close();
    }
    if (server != null) {
      server.stop(0);
    }
    registry.close();
  }
}
