package io.otlake.local.rest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.otlake.proto.ops.ThrottledLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.rest.RESTRequest;
import org.apache.iceberg.rest.RESTResponse;
import org.apache.iceberg.rest.RESTSerializers;
import org.apache.iceberg.rest.responses.ErrorResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Iceberg REST catalog protocol over HTTP/1.1 (the JDK's {@code com.sun.net.httpserver}), in front of any
 * {@link Catalog} that supports namespaces: what lets Trino, Spark, DuckDB and PyIceberg open local mode's catalog.
 * Requests and answers are the protocol's JSON, read and written with iceberg-core's {@link RESTSerializers} and the
 * kebab-case naming of its other messages; errors are {@link ErrorResponse}s ({@link RestErrors}).
 *
 * <p>Bounds: {@value #THREADS} work threads and {@value #QUEUED} requests queued for them (beyond that the
 * accepting thread serves the request itself and so stops accepting: the kernel's backlog then holds new
 * connections); a request body over {@value #MAX_BODY_BYTES} bytes is refused with 413 before it is read; at most
 * {@value #MAX_QUERY_PARAMS} query parameters. JSON is parsed by Jackson in one pass. No authentication: it binds
 * where it is told (local mode: 127.0.0.1 unless {@code --listen-all}).
 */
public final class RestCatalogServer implements AutoCloseable {
  static final int THREADS = 4;
  static final int QUEUED = 64;
  static final int MAX_BODY_BYTES = 8 << 20;
  static final int MAX_QUERY_PARAMS = 32;
  private static final Logger LOG = LoggerFactory.getLogger(RestCatalogServer.class);

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final RestCatalogHandler handler;
  private final Catalog catalog;
  private final ObjectMapper json;
  private final ThrottledLog failures = ThrottledLog.warnings(LOG, Duration.ofSeconds(10));

  private RestCatalogServer(HttpServer server, ThreadPoolExecutor executor, Catalog catalog,
      Map<String, String> clientDefaults) {
    this.server = server;
    this.executor = executor;
    this.catalog = catalog;
    this.handler = new RestCatalogHandler(catalog, clientDefaults);
    this.json = mapper();
  }

  /**
   * Serves {@code catalog} on {@code host:port} (0 picks a free port). The server owns the catalog from here on and
   * closes it with itself.
   *
   * @param clientDefaults told to every client in the {@code config} answer's defaults and each table answer's
   *     config (object store endpoint and keys)
   */
  public static RestCatalogServer start(Catalog catalog, Map<String, String> clientDefaults, String host, int port) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(QUEUED), r -> {
          Thread t = new Thread(r, "rest-catalog-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 64);
      RestCatalogServer s = new RestCatalogServer(http, executor, catalog, clientDefaults);
      http.createContext("/", s::serve);
      http.setExecutor(executor);
      http.start();
      return s;
    } catch (IOException e) {
      executor.shutdownNow();
      throw new UncheckedIOException("cannot listen on " + host + ":" + port + " for the REST catalog", e);
    }
  }

  /**
   * The JSON mapping of the REST protocol as iceberg-core's own server and client use it: its serializers, fields
   * (the messages have no bean getters), kebab-case names, unknown fields ignored.
   */
  static ObjectMapper mapper() {
    ObjectMapper m = new ObjectMapper();
    m.setVisibility(com.fasterxml.jackson.annotation.PropertyAccessor.FIELD,
        com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.ANY);
    m.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    m.setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);
    RESTSerializers.registerAll(m);
    return m;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void serve(HttpExchange ex) {
    try (ex) {
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getRawPath();
      boolean head = method.equals("HEAD");
      RestRoute.Match match = RestRoute.match(method, path);
      if (match == null) {
        List<String> allowed = RestRoute.methodsFor(path);
        if (allowed.isEmpty()) {
          answer(ex, head, RestErrors.of(404, "NoSuchEndpointException", "no such endpoint: " + method + " "
              + shorten(path)));
        } else {
          ex.getResponseHeaders().set("Allow", String.join(", ", allowed));
          answer(ex, head, RestErrors.of(405, "MethodNotAllowedException", method + " is not served on "
              + shorten(path) + "; it takes " + String.join(", ", allowed)));
        }
        return;
      }
      byte[] answer;
      try {
        RESTRequest body = body(ex, match.route());
        RESTResponse response = handler.handle(match.route(), match.variables(),
            query(ex.getRequestURI().getRawQuery()), body);
        answer = response == null || head ? null : json.writeValueAsBytes(response);
      } catch (BodyTooLarge e) {
        answer(ex, head, RestErrors.of(413, "BadRequestException", e.getMessage()));
        return;
      } catch (RuntimeException | IOException e) {
        ErrorResponse error = RestErrors.of(e);
        if (error.code() >= 500) {
          failures.log(e.getClass(), "REST catalog: " + method + " " + shorten(path) + " failed: " + e);
        }
        answer(ex, head, error);
        return;
      }
      if (answer == null) {
        ex.sendResponseHeaders(204, -1);
      } else {
        send(ex, 200, answer);
      }
    } catch (IOException e) {
      LOG.debug("REST catalog: answering failed", e);
    }
  }

  private RESTRequest body(HttpExchange ex, RestRoute route) throws IOException {
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length != null && length.length() < 20 && length.chars().allMatch(Character::isDigit)
        && Long.parseLong(length) > MAX_BODY_BYTES) {
      throw new BodyTooLarge(length);
    }
    byte[] bytes;
    try (InputStream in = ex.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw new BodyTooLarge("more than " + MAX_BODY_BYTES);
    }
    if (route.body() == null) {
      return null;
    }
    if (bytes.length == 0) {
      throw new IllegalArgumentException(route.method() + " needs a JSON body");
    }
    RESTRequest request = json.readValue(bytes, route.body());
    request.validate();
    return request;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    int count = 0;
    for (String pair : raw.split("&")) {
      if (++count > MAX_QUERY_PARAMS) {
        throw new IllegalArgumentException("more than " + MAX_QUERY_PARAMS + " query parameters");
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      q.putIfAbsent(k, v);
    }
    return q;
  }

  private void answer(HttpExchange ex, boolean head, ErrorResponse error) throws IOException {
    if (head) {
      ex.sendResponseHeaders(error.code(), -1);
    } else {
      send(ex, error.code(), json.writeValueAsBytes(error));
    }
  }

  private static void send(HttpExchange ex, int code, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, body.length);
    ex.getResponseBody().write(body);
  }

  private static String shorten(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  /** A body over {@link #MAX_BODY_BYTES}: 413. */
  private static final class BodyTooLarge extends RuntimeException {
    BodyTooLarge(String length) {
      super("request body of " + length + " bytes is over the limit of " + MAX_BODY_BYTES);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    if (catalog instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing the catalog behind the REST server: {}", e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "REST catalog on port " + port();
  }
}
