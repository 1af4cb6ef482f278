package io.otlake.writer.testing;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic demo-shaped telemetry, modelled on the OpenTelemetry demo shop: a dozen services, its span names,
 * semantic-convention attributes with realistic cardinalities (a product catalogue of ten, a thousand sessions,
 * unique order ids), trace trees of 5-30 spans, events, about 2% errors, log-normal durations. The same seed gives
 * the same bytes.
 */
public final class DemoTelemetry {
  private static final String[] PRODUCTS = {"OLJCESPC7Z", "66VCHSJNUP", "1YMWWN1N4O", "L9ECAV7KIM", "2ZYFJ3GM2N",
      "0PUK6V6EV0", "LS4PSXUNUM", "9SIQT8TOJO", "6E92ZMYYFZ", "HQTGWGPNH4"};
  private static final String[] CURRENCIES = {"USD", "EUR", "CAD", "JPY", "GBP", "TRY"};
  private static final String[] CARDS = {"visa", "mastercard", "amex"};
  private static final String[] USER_AGENTS = {
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
      "python-requests/2.31.0"};

  private final SplittableRandom random;
  private final long startNanos;
  private final long traceSpacingNanos;
  private final int serviceVariants;
  private final Map<String, Resource> resources = new LinkedHashMap<>();
  private long traceCount;

  /**
   * @param seed the random seed
   * @param startNanos start time of the first trace
   * @param tracesPerSecond how densely traces are spread over time
   * @param serviceVariants 1 for the demo's services; more multiplies them into distinct service names (to get
   *     many table partitions)
   */
  public DemoTelemetry(long seed, long startNanos, int tracesPerSecond, int serviceVariants) {
    this.random = new SplittableRandom(seed);
    this.startNanos = startNanos;
    this.traceSpacingNanos = 1_000_000_000L / tracesPerSecond;
    this.serviceVariants = serviceVariants;
  }

  /** One export request holding whole traces, at least {@code minSpans} spans. */
  public ExportTraceServiceRequest request(int minSpans) {
    Map<String, Map<String, List<Span>>> byServiceAndScope = new LinkedHashMap<>();
    int spans = 0;
    while (spans < minSpans) {
      spans += trace(byServiceAndScope);
    }
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    for (Map.Entry<String, Map<String, List<Span>>> service : byServiceAndScope.entrySet()) {
      ResourceSpans.Builder rs = b.addResourceSpansBuilder().setResource(resource(service.getKey()))
          .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0");
      for (Map.Entry<String, List<Span>> scope : service.getValue().entrySet()) {
        String[] nameVersion = scope.getKey().split("@");
        rs.addScopeSpansBuilder()
            .setScope(InstrumentationScope.newBuilder().setName(nameVersion[0]).setVersion(nameVersion[1]))
            .addAllSpans(scope.getValue());
      }
    }
    return b.build();
  }

  /** Generates one trace into the per-service map; returns its span count. */
  private int trace(Map<String, Map<String, List<Span>>> out) {
    long t0 = startNanos + traceCount * traceSpacingNanos + random.nextLong(traceSpacingNanos);
    traceCount++;
    String variant = serviceVariants <= 1 ? "" : String.format(Locale.ROOT, "-%04d", random.nextInt(serviceVariants));
    TraceBuilder t = new TraceBuilder(variant, randomId(16), out);
    int kind = random.nextInt(100);
    String session = "session-" + random.nextInt(1000);
    if (kind < 45) {
      browseProduct(t, t0, session);
    } else if (kind < 70) {
      addToCart(t, t0, session);
    } else if (kind < 85) {
      checkout(t, t0, session);
    } else {
      currencies(t, t0);
    }
    return t.spans;
  }

  private void browseProduct(TraceBuilder t, long t0, String session) {
    String product = PRODUCTS[random.nextInt(PRODUCTS.length)];
    long total = duration(40);
    SpanRef proxy = t.span("frontend-proxy", "envoy@1.28", "ingress", Span.SpanKind.SPAN_KIND_SERVER, null, t0, total,
        http("GET", "/api/products/" + product, "/api/products/{productId}", 200));
    SpanRef front = t.span("frontend", "@opentelemetry/instrumentation-http@0.45.1", "GET /api/products/[productId]",
        Span.SpanKind.SPAN_KIND_SERVER, proxy, t0 + 200_000, total - 400_000,
        with(http("GET", "/api/products/" + product, "/api/products/[productId]", 200), kv("app.session.id", session)));
    grpcCall(t, front, "frontend", "productcatalogservice", "oteldemo.ProductCatalogService", "GetProduct",
        t0 + 500_000, kv("app.product.id", product));
    SpanRef recs = grpcCall(t, front, "frontend", "recommendationservice", "oteldemo.RecommendationService",
        "ListRecommendations", t0 + 2_000_000, kv("app.products_recommended.count", (long) 4));
    grpcCall(t, recs, "recommendationservice", "productcatalogservice", "oteldemo.ProductCatalogService",
        "ListProducts", t0 + 2_500_000, kv("app.products.count", (long) PRODUCTS.length));
    grpcCall(t, front, "frontend", "adservice", "oteldemo.AdService", "GetAds", t0 + 3_000_000,
        kvArray("app.ads.contextKeys", "telescopes", "binoculars"), kv("app.ads.count", (long) 1));
  }

  private void addToCart(TraceBuilder t, long t0, String session) {
    long total = duration(25);
    SpanRef proxy = t.span("frontend-proxy", "envoy@1.28", "ingress", Span.SpanKind.SPAN_KIND_SERVER, null, t0, total,
        http("POST", "/api/cart", "/api/cart", 200));
    SpanRef front = t.span("frontend", "@opentelemetry/instrumentation-http@0.45.1", "POST /api/cart",
        Span.SpanKind.SPAN_KIND_SERVER, proxy, t0 + 150_000, total - 300_000,
        with(http("POST", "/api/cart", "/api/cart", 200), kv("app.session.id", session)));
    SpanRef cart = grpcCall(t, front, "frontend", "cartservice", "oteldemo.CartService", "AddItem", t0 + 400_000,
        kv("app.user.id", session), kv("app.product.id", PRODUCTS[random.nextInt(PRODUCTS.length)]),
        kv("app.product.quantity", (long) (1 + random.nextInt(5))));
    for (String op : new String[] {"HGET", "HMSET", "EXPIRE"}) {
      t.span("cartservice", "OpenTelemetry.Instrumentation.StackExchangeRedis@1.0.0-rc9.13", op,
          Span.SpanKind.SPAN_KIND_CLIENT, cart, t0 + 600_000, duration(1),
          kv("db.system", "redis"), kv("db.statement", op + " " + session), kv("server.address", "valkey-cart"),
          kv("server.port", 6379L), kv("db.redis.database_index", 0L));
    }
  }

  private void checkout(TraceBuilder t, long t0, String session) {
    long total = duration(180);
    String order = uuid();
    String currency = CURRENCIES[random.nextInt(CURRENCIES.length)];
    SpanRef proxy = t.span("frontend-proxy", "envoy@1.28", "ingress", Span.SpanKind.SPAN_KIND_SERVER, null, t0, total,
        http("POST", "/api/checkout", "/api/checkout", 200));
    SpanRef front = t.span("frontend", "@opentelemetry/instrumentation-http@0.45.1", "POST /api/checkout",
        Span.SpanKind.SPAN_KIND_SERVER, proxy, t0 + 200_000, total - 400_000,
        with(http("POST", "/api/checkout", "/api/checkout", 200), kv("app.session.id", session)));
    SpanRef place = grpcCall(t, front, "frontend", "checkoutservice", "oteldemo.CheckoutService", "PlaceOrder",
        t0 + 500_000, kv("app.user.id", session), kv("app.user.currency", currency), kv("app.order.id", order));
    grpcCall(t, place, "checkoutservice", "cartservice", "oteldemo.CartService", "GetCart", t0 + 1_000_000,
        kv("app.user.id", session));
    int items = 1 + random.nextInt(3); // 22-30 spans in all
    for (int i = 0; i < items; i++) {
      grpcCall(t, place, "checkoutservice", "productcatalogservice", "oteldemo.ProductCatalogService", "GetProduct",
          t0 + 2_000_000 + i * 500_000L, kv("app.product.id", PRODUCTS[random.nextInt(PRODUCTS.length)]));
      grpcCall(t, place, "checkoutservice", "currencyservice", "oteldemo.CurrencyService", "Convert",
          t0 + 2_200_000 + i * 500_000L, kv("app.currency.conversion.from", "USD"),
          kv("app.currency.conversion.to", currency));
    }
    SpanRef quote = grpcCall(t, place, "checkoutservice", "shippingservice", "oteldemo.ShippingService", "GetQuote",
        t0 + 6_000_000, kv("app.shipping.items.count", (long) items));
    t.span("quoteservice", "io.opentelemetry.contrib.php.slim@1.0.0", "POST /getquote", Span.SpanKind.SPAN_KIND_SERVER,
        quote, t0 + 6_300_000, duration(3), with(http("POST", "/getquote", "/getquote", 200),
        kv("app.quote.cost.total", Math.round(random.nextDouble() * 10000) / 100.0)));
    grpcCall(t, place, "checkoutservice", "paymentservice", "oteldemo.PaymentService", "Charge", t0 + 9_000_000,
        kv("app.payment.card_type", CARDS[random.nextInt(CARDS.length)]), kv("app.payment.card_valid", true),
        kv("app.payment.amount", Math.round(random.nextDouble() * 50000) / 100.0),
        kv("app.payment.transaction.id", uuid()));
    grpcCall(t, place, "checkoutservice", "shippingservice", "oteldemo.ShippingService", "ShipOrder",
        t0 + 12_000_000, kv("app.shipping.tracking.id", uuid()));
    grpcCall(t, place, "checkoutservice", "emailservice", "oteldemo.EmailService", "SendOrderConfirmation",
        t0 + 14_000_000, kv("app.order.id", order));
    SpanRef publish = t.span("checkoutservice", "go.opentelemetry.io/contrib/instrumentation/github.com/IBM/sarama@0.42",
        "orders publish", Span.SpanKind.SPAN_KIND_PRODUCER, place, t0 + 16_000_000, duration(2),
        kv("messaging.system", "kafka"), kv("messaging.destination.name", "orders"),
        kv("messaging.operation", "publish"), kv("app.order.id", order));
    for (String consumer : new String[] {"accountingservice", "frauddetectionservice"}) {
      t.span(consumer, "OpenTelemetry.Instrumentation.Confluent.Kafka@1.0.0", "orders process",
          Span.SpanKind.SPAN_KIND_CONSUMER, publish, t0 + 20_000_000, duration(4),
          kv("messaging.system", "kafka"), kv("messaging.destination.name", "orders"),
          kv("messaging.operation", "process"), kv("messaging.kafka.message.offset", traceCount),
          kv("messaging.kafka.consumer.group", consumer), kv("app.order.id", order));
    }
  }

  private void currencies(TraceBuilder t, long t0) {
    long total = duration(15);
    SpanRef proxy = t.span("frontend-proxy", "envoy@1.28", "ingress", Span.SpanKind.SPAN_KIND_SERVER, null, t0, total,
        http("GET", "/api/currency", "/api/currency", 200));
    SpanRef front = t.span("frontend", "@opentelemetry/instrumentation-http@0.45.1", "GET /api/currency",
        Span.SpanKind.SPAN_KIND_SERVER, proxy, t0 + 100_000, total - 200_000,
        http("GET", "/api/currency", "/api/currency", 200));
    SpanRef conv = grpcCall(t, front, "frontend", "currencyservice", "oteldemo.CurrencyService",
        "GetSupportedCurrencies", t0 + 300_000, kv("app.currencies.count", (long) CURRENCIES.length));
    t.span("currencyservice", "opentelemetry-cpp@1.12.0", "CurrencyService/GetSupportedCurrencies",
        Span.SpanKind.SPAN_KIND_INTERNAL, conv, t0 + 400_000, duration(1));
  }

  /** A client span in {@code from} and the matching server span in {@code to}; returns the server span. */
  private SpanRef grpcCall(TraceBuilder t, SpanRef parent, String from, String to, String service, String method,
      long start, KeyValue... appAttributes) {
    long d = duration(4);
    String name = service + "/" + method;
    SpanRef client = t.span(from, scopeOf(from), name, Span.SpanKind.SPAN_KIND_CLIENT, parent, start, d,
        kv("rpc.system", "grpc"), kv("rpc.service", service), kv("rpc.method", method),
        kv("rpc.grpc.status_code", 0L), kv("server.address", to), kv("server.port", 8080L),
        kv("network.peer.address", "10.0." + random.nextInt(4) + "." + (10 + random.nextInt(40))));
    KeyValue[] attrs = new KeyValue[4 + appAttributes.length];
    attrs[0] = kv("rpc.system", "grpc");
    attrs[1] = kv("rpc.service", service);
    attrs[2] = kv("rpc.method", method);
    attrs[3] = kv("rpc.grpc.status_code", 0L);
    System.arraycopy(appAttributes, 0, attrs, 4, appAttributes.length);
    return t.span(to, scopeOf(to), name, Span.SpanKind.SPAN_KIND_SERVER, client, start + 100_000,
        Math.max(50_000, d - 200_000), attrs);
  }

  private static String scopeOf(String service) {
    switch (service) {
      case "frontend": return "@opentelemetry/instrumentation-grpc@0.45.1";
      case "cartservice": return "OpenTelemetry.Instrumentation.GrpcNetClient@1.0.0-beta.9";
      case "currencyservice": return "opentelemetry-cpp@1.12.0";
      case "paymentservice": return "@opentelemetry/instrumentation-grpc@0.45.1";
      case "recommendationservice": return "opentelemetry.instrumentation.grpc@0.42b0";
      case "adservice": return "io.opentelemetry.grpc-1.6@1.32.0-alpha";
      case "emailservice": return "OpenTelemetry::Instrumentation::Sinatra@0.23.2";
      case "shippingservice": return "opentelemetry-otlp@0.13.0";
      default: return "go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc@0.46.1";
    }
  }

  private KeyValue[] http(String method, String path, String route, long status) {
    return new KeyValue[] {
        kv("http.request.method", method), kv("url.path", path), kv("http.route", route), kv("url.scheme", "http"),
        kv("http.response.status_code", status), kv("server.address", "frontend-proxy"), kv("server.port", 8080L),
        kv("user_agent.original", USER_AGENTS[random.nextInt(USER_AGENTS.length)]),
        kv("client.address", "172.18.0." + (2 + random.nextInt(30))), kv("network.protocol.version", "1.1")};
  }

  private static KeyValue[] with(KeyValue[] base, KeyValue... more) {
    KeyValue[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  /** Log-normal duration with the given median in milliseconds, in nanoseconds. */
  private long duration(double medianMillis) {
    double z = random.nextDouble() * 2 - 1 + random.nextDouble() * 2 - 1 + random.nextDouble() * 2 - 1;
    return Math.max(20_000L, (long) (medianMillis * 1e6 * Math.exp(0.6 * z)));
  }

  private Resource resource(String service) {
    return resources.computeIfAbsent(service, s -> {
      String base = s.replaceAll("-\\d{4}$", "");
      String pod = s + "-" + Long.toHexString(random.nextLong() & 0xfffffffL) + "-" + randomAlnum(5);
      return Resource.newBuilder()
          .addAttributes(kv("service.name", s))
          .addAttributes(kv("service.namespace", "opentelemetry-demo"))
          .addAttributes(kv("service.version", "1.10.0"))
          .addAttributes(kv("telemetry.sdk.name", "opentelemetry"))
          .addAttributes(kv("telemetry.sdk.language", language(base)))
          .addAttributes(kv("telemetry.sdk.version", "1.32.0"))
          .addAttributes(kv("host.name", pod))
          .addAttributes(kv("k8s.namespace.name", "otel-demo"))
          .addAttributes(kv("k8s.pod.name", pod))
          .addAttributes(kv("k8s.deployment.name", s))
          .addAttributes(kv("container.id", Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong())))
          .addAttributes(kv("os.type", "linux"))
          .build();
    });
  }

  private static String language(String service) {
    switch (service) {
      case "cartservice": case "accountingservice": return "dotnet";
      case "currencyservice": return "cpp";
      case "frontend": case "paymentservice": return "nodejs";
      case "recommendationservice": return "python";
      case "adservice": case "frauddetectionservice": return "java";
      case "emailservice": return "ruby";
      case "quoteservice": return "php";
      case "shippingservice": return "rust";
      case "frontend-proxy": return "cpp";
      default: return "go";
    }
  }

  private ByteString randomId(int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) random.nextInt(256);
    }
    b[0] |= 1; // never all zeros
    return ByteString.copyFrom(b);
  }

  private String uuid() {
    return new java.util.UUID(random.nextLong(), random.nextLong()).toString();
  }

  private String randomAlnum(int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(random.nextInt(36)));
    }
    return sb.toString();
  }

  static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  static KeyValue kv(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }

  static KeyValue kv(String key, double value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setDoubleValue(value)).build();
  }

  static KeyValue kv(String key, boolean value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setBoolValue(value)).build();
  }

  static KeyValue kvArray(String key, String... values) {
    ArrayValue.Builder a = ArrayValue.newBuilder();
    for (String v : values) {
      a.addValues(AnyValue.newBuilder().setStringValue(v));
    }
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setArrayValue(a)).build();
  }

  private record SpanRef(ByteString spanId, long start, long end) {}

  /** Collects one trace's spans into the request's per-service, per-scope lists. */
  private final class TraceBuilder {
    final String variant;
    final ByteString traceId;
    final Map<String, Map<String, List<Span>>> out;
    int spans;

    TraceBuilder(String variant, ByteString traceId, Map<String, Map<String, List<Span>>> out) {
      this.variant = variant;
      this.traceId = traceId;
      this.out = out;
    }

    SpanRef span(String service, String scope, String name, Span.SpanKind kind, SpanRef parent, long start,
        long duration, KeyValue... attributes) {
      if (parent != null) {
        start = Math.max(start, parent.start);
        duration = Math.max(10_000, Math.min(duration, parent.end - start));
      }
      ByteString spanId = randomId(8);
      Span.Builder s = Span.newBuilder()
          .setTraceId(traceId)
          .setSpanId(spanId)
          .setName(name)
          .setKind(kind)
          .setStartTimeUnixNano(start)
          .setEndTimeUnixNano(start + duration)
          .setFlags(0x101);
      if (parent != null) {
        s.setParentSpanId(parent.spanId);
      }
      for (KeyValue kv : attributes) {
        s.addAttributes(kv);
      }
      if (random.nextInt(100) < 2) {
        s.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("Deadline exceeded"));
        s.addEvents(Span.Event.newBuilder().setName("exception").setTimeUnixNano(start + duration / 2)
            .addAttributes(kv("exception.type", "Grpc.Core.RpcException"))
            .addAttributes(kv("exception.message", "Status(StatusCode=\"DeadlineExceeded\", Detail=\"Deadline Exceeded\")"))
            .addAttributes(kv("exception.escaped", false)));
      } else if (kind == Span.SpanKind.SPAN_KIND_CLIENT && random.nextInt(10) == 0) {
        s.addEvents(Span.Event.newBuilder().setName("message").setTimeUnixNano(start + duration / 3)
            .addAttributes(kv("message.type", "SENT")).addAttributes(kv("message.id", 1L)));
      }
      out.computeIfAbsent(service + variant, k -> new LinkedHashMap<>())
          .computeIfAbsent(scope.contains("@") ? scope : scope + "@", k -> new ArrayList<>()).add(s.build());
      spans++;
      return new SpanRef(spanId, start, start + duration);
    }
  }
}
