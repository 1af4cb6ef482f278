package io.otlake.writer.testing;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Deterministic attribute-rich telemetry shaped like the OpenTelemetry demo as its services send it (issue 13's data
 * set): 12 services, 2 pods each and 3 for frontend (25 resources of 18 attributes), traces from 9 weighted frontend
 * flows of 5-30 spans (RPCs as CLIENT/SERVER pairs, HTTP client/server pairs, redis, a Kafka publish/process pair,
 * INTERNAL spans), current semantic-convention attributes typed as OTLP sends them (string, int, double, bool),
 * {@code app.*} attributes with the demo's cardinalities (10k users, 50k sessions, 10 products, unique order and
 * tracking ids), ~2% ERROR spans with messages (half with an {@code exception} event), ~9% with 1-2 other events,
 * ~10% OK, log-normal root durations with children inside their parents, and start times spread evenly over two days
 * for the number of spans announced. The same seed gives the same bytes. {@link DemoTelemetry} is the lean shape.
 */
public final class RichTelemetry {
  /** The span of time the announced spans cover. */
  public static final long TWO_DAYS_NANOS = 2 * 86_400_000_000_000L;
  /** Mean spans per trace, for spacing traces; what the flows' weights give (checked by the tests). */
  static final double MEAN_SPANS_PER_TRACE = 9.3;

  private static final String[] PRODUCTS = {"OLJCESPC7Z", "66VCHSJNUP", "1YMWWN1N4O", "L9ECAV7KIM", "2ZYFJ3GM2N",
      "0PUK6V6EV0", "LS4PSXUNUM", "9SIQT8TOJO", "6E92ZMYYFZ", "HQTGWGPNH4"};
  private static final String[] CURRENCIES = {"USD", "EUR", "CAD", "JPY", "GBP", "TRY", "CHF"};
  private static final String[] CARDS = {"visa", "mastercard", "amex"};
  private static final String[] AD_CATEGORIES = {"binoculars", "telescopes", "accessories", "assembly", "travel"};
  private static final String[] NODES = {"ip-10-0-1-17.ec2.internal", "ip-10-0-2-84.ec2.internal",
      "ip-10-0-3-201.ec2.internal"};
  private static final String[] USER_AGENTS = {
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
      "python-requests/2.32.3"};

  /** The demo's services as this data set has them: name, SDK language, pods. */
  private enum Service {
    FRONTEND("frontend", "nodejs", 3), AD("ad", "java", 2), CART("cart", "dotnet", 2),
    CHECKOUT("checkout", "go", 2), CURRENCY("currency", "cpp", 2), EMAIL("email", "ruby", 2),
    PAYMENT("payment", "nodejs", 2), PRODUCT_CATALOG("product-catalog", "go", 2), QUOTE("quote", "php", 2),
    RECOMMENDATION("recommendation", "python", 2), SHIPPING("shipping", "rust", 2),
    ACCOUNTING("accounting", "dotnet", 2);

    final String id;
    final String language;
    final int pods;

    Service(String id, String language, int pods) {
      this.id = id;
      this.language = language;
      this.pods = pods;
    }
  }

  /** Which instrumentation made a span: picks its scope. */
  private enum Instr { HTTP_SERVER, HTTP_CLIENT, GRPC, REDIS, KAFKA, INTERNAL }

  private final SplittableRandom random;
  private final long startNanos;
  private final long traceSpacingNanos;
  private final Resource[][] resources = new Resource[Service.values().length][];
  private long traceCount;
  private long kafkaOffset;

  /**
   * @param seed the random seed
   * @param startNanos start time of the first trace
   * @param expectedSpans how many spans the caller will ask for: their traces are spread evenly over two days
   */
  public RichTelemetry(long seed, long startNanos, long expectedSpans) {
    this.random = new SplittableRandom(seed);
    this.startNanos = startNanos;
    long traces = Math.max(1, Math.round(expectedSpans / MEAN_SPANS_PER_TRACE));
    this.traceSpacingNanos = Math.max(1, TWO_DAYS_NANOS / traces);
    for (Service s : Service.values()) {
      resources[s.ordinal()] = new Resource[s.pods];
      for (int p = 0; p < s.pods; p++) {
        resources[s.ordinal()][p] = resource(s, p);
      }
    }
  }

  /** One export request holding whole traces, at least {@code minSpans} spans, grouped by resource and scope. */
  public ExportTraceServiceRequest request(int minSpans) {
    Map<Resource, Map<String, List<Span>>> byResourceAndScope = new LinkedHashMap<>();
    int spans = 0;
    while (spans < minSpans) {
      spans += trace(byResourceAndScope);
    }
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    for (Map.Entry<Resource, Map<String, List<Span>>> r : byResourceAndScope.entrySet()) {
      ResourceSpans.Builder rs = b.addResourceSpansBuilder().setResource(r.getKey())
          .setSchemaUrl("https://opentelemetry.io/schemas/1.28.0");
      for (Map.Entry<String, List<Span>> scope : r.getValue().entrySet()) {
        int at = scope.getKey().indexOf('@');
        InstrumentationScope.Builder sc = InstrumentationScope.newBuilder().setName(scope.getKey().substring(0, at));
        if (at + 1 < scope.getKey().length()) {
          sc.setVersion(scope.getKey().substring(at + 1));
        }
        rs.addScopeSpansBuilder().setScope(sc).addAllSpans(scope.getValue());
      }
    }
    return b.build();
  }

  private int trace(Map<Resource, Map<String, List<Span>>> out) {
    long t0 = startNanos + traceCount * traceSpacingNanos + random.nextLong(traceSpacingNanos);
    traceCount++;
    Trace t = new Trace(randomId(16), out);
    int session = random.nextInt(50_000);
    t.user = uuidOf(0x5eed_0000L + Math.floorMod(session * 7919, 10_000)); // a session belongs to one of 10k users
    t.session = uuidOf(0xa11_0000_0000L + session);
    t.currency = CURRENCIES[random.nextInt(CURRENCIES.length)];
    int flow = random.nextInt(100);
    if (flow < 13) {
      browse(t, t0);
    } else if (flow < 33) {
      product(t, t0);
    } else if (flow < 45) {
      recommendations(t, t0);
    } else if (flow < 57) {
      ads(t, t0);
    } else if (flow < 64) {
      cartGet(t, t0);
    } else if (flow < 73) {
      cartAdd(t, t0);
    } else if (flow < 85) {
      checkout(t, t0);
    } else if (flow < 92) {
      currency(t, t0);
    } else {
      shipping(t, t0);
    }
    return t.spans;
  }

  // --- the nine frontend flows ---

  private void browse(Trace t, long t0) {
    Ref root = frontendRoot(t, t0, "GET", "/", "/", 60);
    Ref page = t.internal(Service.FRONTEND, root, "render route (app) /", 0.9,
        next("render", "/"), kv("app.session.id", t.session));
    grpc(t, page, Service.FRONTEND, Service.PRODUCT_CATALOG, "oteldemo.ProductCatalogService", "ListProducts", 0.5,
        new KeyValue[0], kv("app.products.count", (long) PRODUCTS.length));
    grpc(t, page, Service.FRONTEND, Service.CURRENCY, "oteldemo.CurrencyService", "GetSupportedCurrencies", 0.2,
        new KeyValue[0], kv("app.currencies.count", (long) CURRENCIES.length));
    grpc(t, page, Service.FRONTEND, Service.RECOMMENDATION, "oteldemo.RecommendationService", "ListRecommendations",
        0.4, new KeyValue[] {kv("app.user.id", t.user)}, kv("app.products_recommended.count", 5L));
  }

  private void product(Trace t, long t0) {
    String product = PRODUCTS[random.nextInt(PRODUCTS.length)];
    Ref root = frontendRoot(t, t0, "GET", "/api/products/" + product, "/api/products/[productId]", 25);
    Ref api = t.internal(Service.FRONTEND, root, "executing api route (pages) /api/products/[productId]", 0.9,
        next("apiRoute", "/api/products/[productId]"), kv("app.session.id", t.session));
    Ref server = grpc(t, api, Service.FRONTEND, Service.PRODUCT_CATALOG, "oteldemo.ProductCatalogService",
        "GetProduct", 0.6, new KeyValue[0], kv("app.product.id", product),
        kv("app.product.name", "product " + product));
    t.internal(Service.PRODUCT_CATALOG, server, "GetProduct query", 0.5, code("main.getProduct",
        "/usr/src/app/main.go", 312), kv("app.product.id", product));
    grpc(t, api, Service.FRONTEND, Service.CURRENCY, "oteldemo.CurrencyService", "Convert", 0.2, new KeyValue[0],
        kv("app.currency.conversion.from", "USD"), kv("app.currency.conversion.to", t.currency));
  }

  private void recommendations(Trace t, long t0) {
    Ref root = frontendRoot(t, t0, "GET", "/api/recommendations", "/api/recommendations", 35);
    Ref api = t.internal(Service.FRONTEND, root, "executing api route (pages) /api/recommendations", 0.9,
        next("apiRoute", "/api/recommendations"), kv("app.session.id", t.session));
    Ref recs = grpc(t, api, Service.FRONTEND, Service.RECOMMENDATION, "oteldemo.RecommendationService",
        "ListRecommendations", 0.8, new KeyValue[] {kv("app.user.id", t.user)},
        kv("app.products_recommended.count", 5L));
    Ref list = t.internal(Service.RECOMMENDATION, recs, "get_product_list", 0.8,
        code("recommendation_server.get_product_list", "/app/recommendation_server.py", 87),
        kv("app.filtered_products.count", 5L), kv("app.cache_hit", random.nextInt(4) != 0));
    grpc(t, list, Service.RECOMMENDATION, Service.PRODUCT_CATALOG, "oteldemo.ProductCatalogService", "ListProducts",
        0.7, new KeyValue[0], kv("app.products.count", (long) PRODUCTS.length));
  }

  private void ads(Trace t, long t0) {
    String category = AD_CATEGORIES[random.nextInt(AD_CATEGORIES.length)];
    Ref root = frontendRoot(t, t0, "GET", "/api/data", "/api/data", 20);
    Ref api = t.internal(Service.FRONTEND, root, "executing api route (pages) /api/data", 0.9,
        next("apiRoute", "/api/data"), kv("app.session.id", t.session));
    Ref ads = grpc(t, api, Service.FRONTEND, Service.AD, "oteldemo.AdService", "GetAds", 0.8, new KeyValue[0],
        kv("app.ads.contextKeys", "[" + category + "]"), kv("app.ads.contextKeys.count", 1L));
    t.internal(Service.AD, ads, "getAdsByCategory", 0.6,
        code("oteldemo.AdService.getAdsByCategory", "AdService.java", 221),
        kv("app.ads.category", category), kv("app.ads.count", 1L + random.nextInt(2)),
        kv("app.ads.ad_response_type", random.nextInt(3) == 0 ? "RANDOM" : "TARGETED"));
  }

  private void cartGet(Trace t, long t0) {
    Ref root = frontendRoot(t, t0, "GET", "/api/cart", "/api/cart", 15);
    Ref api = t.internal(Service.FRONTEND, root, "executing api route (pages) /api/cart", 0.9,
        next("apiRoute", "/api/cart"), kv("app.session.id", t.session));
    Ref cart = grpc(t, api, Service.FRONTEND, Service.CART, "oteldemo.CartService", "GetCart", 0.8, new KeyValue[0],
        kv("app.user.id", t.user), kv("app.cart.items.count", (long) random.nextInt(4)));
    redis(t, cart, "HGET", "HGET " + t.user + " cart");
  }

  private void cartAdd(Trace t, long t0) {
    String product = PRODUCTS[random.nextInt(PRODUCTS.length)];
    Ref root = frontendRoot(t, t0, "POST", "/api/cart", "/api/cart", 30);
    Ref api = t.internal(Service.FRONTEND, root, "executing api route (pages) /api/cart", 0.9,
        next("apiRoute", "/api/cart"), kv("app.session.id", t.session));
    Ref cart = grpc(t, api, Service.FRONTEND, Service.CART, "oteldemo.CartService", "AddItem", 0.8, new KeyValue[0],
        kv("app.user.id", t.user), kv("app.product.id", product),
        kv("app.product.quantity", 1L + random.nextInt(5)));
    redis(t, cart, "HGET", "HGET " + t.user + " cart");
    redis(t, cart, "HSET", "HSET " + t.user + " cart ?");
    redis(t, cart, "EXPIRE", "EXPIRE " + t.user + " 3600");
  }

  private void checkout(Trace t, long t0) {
    String order = uuid();
    int items = 1 + random.nextInt(2);
    Ref root = frontendRoot(t, t0, "POST", "/api/checkout", "/api/checkout", 250);
    Ref api = t.internal(Service.FRONTEND, root, "executing api route (pages) /api/checkout", 0.95,
        next("apiRoute", "/api/checkout"), kv("app.session.id", t.session));
    Ref place = grpc(t, api, Service.FRONTEND, Service.CHECKOUT, "oteldemo.CheckoutService", "PlaceOrder", 0.95,
        new KeyValue[0], kv("app.user.id", t.user), kv("app.user.currency", t.currency),
        kv("app.order.id", order), kv("app.order.items.count", (long) items));
    Ref getCart = grpc(t, place, Service.CHECKOUT, Service.CART, "oteldemo.CartService", "GetCart", 0.1,
        new KeyValue[0], kv("app.user.id", t.user), kv("app.cart.items.count", (long) items));
    redis(t, getCart, "HGET", "HGET " + t.user + " cart");
    for (int i = 0; i < items; i++) {
      String product = PRODUCTS[random.nextInt(PRODUCTS.length)];
      grpc(t, place, Service.CHECKOUT, Service.PRODUCT_CATALOG, "oteldemo.ProductCatalogService", "GetProduct", 0.05,
          new KeyValue[0], kv("app.product.id", product), kv("app.product.name", "product " + product));
      grpc(t, place, Service.CHECKOUT, Service.CURRENCY, "oteldemo.CurrencyService", "Convert", 0.05,
          new KeyValue[0], kv("app.currency.conversion.from", "USD"),
          kv("app.currency.conversion.to", t.currency));
    }
    Ref quote = grpc(t, place, Service.CHECKOUT, Service.SHIPPING, "oteldemo.ShippingService", "GetQuote", 0.15,
        new KeyValue[0], kv("app.shipping.items.count", (long) items));
    quoteCall(t, quote, items);
    double amount = Math.round(random.nextDouble() * 50_000) / 100.0;
    grpc(t, place, Service.CHECKOUT, Service.PAYMENT, "oteldemo.PaymentService", "Charge", 0.2, new KeyValue[0],
        kv("app.payment.card_type", CARDS[random.nextInt(CARDS.length)]), kv("app.payment.card_valid", true),
        kv("app.payment.charged", random.nextInt(10) != 0), kv("app.payment.amount", amount),
        kv("app.payment.transaction.id", uuid()), kv("app.loyalty.level", random.nextInt(3) == 0 ? "gold" : "silver"));
    grpc(t, place, Service.CHECKOUT, Service.SHIPPING, "oteldemo.ShippingService", "ShipOrder", 0.1,
        new KeyValue[0], kv("app.shipping.tracking.id", uuid()),
        kv("app.shipping.cost.total", Math.round(random.nextDouble() * 3_000) / 100.0));
    grpc(t, place, Service.CHECKOUT, Service.CART, "oteldemo.CartService", "EmptyCart", 0.05, new KeyValue[0],
        kv("app.user.id", t.user));
    Ref email = t.span(Service.CHECKOUT, Instr.HTTP_CLIENT, "POST", SpanKind.SPAN_KIND_CLIENT, place, 0.15,
        httpClient("POST", "http://email:8080/send_order_confirmation", "email", 8080));
    t.span(Service.EMAIL, Instr.HTTP_SERVER, "POST /send_order_confirmation", SpanKind.SPAN_KIND_SERVER, email, 0.9,
        with(httpServer("POST", "/send_order_confirmation", "/send_order_confirmation", "email", 8080,
            "10.0." + random.nextInt(4) + "." + (10 + random.nextInt(40)), "Go-http-client/1.1"),
            kv("app.order.id", order), kv("app.email.recipient.domain", "example.com")));
    Ref publish = t.span(Service.CHECKOUT, Instr.KAFKA, "send orders", SpanKind.SPAN_KIND_PRODUCER, place, 0.05,
        kv("messaging.system", "kafka"), kv("messaging.operation.type", "send"),
        kv("messaging.operation.name", "send"), kv("messaging.destination.name", "orders"),
        kv("messaging.destination.partition.id", Integer.toString(random.nextInt(3))),
        kv("messaging.client.id", "checkout-" + t.pod(Service.CHECKOUT)), kv("server.address", "kafka"),
        kv("server.port", 9092L), kv("messaging.message.body.size", 180L + random.nextInt(200)),
        kv("app.order.id", order));
    t.followOn(Service.ACCOUNTING, Instr.KAFKA, "process orders", SpanKind.SPAN_KIND_CONSUMER, publish,
        kv("messaging.system", "kafka"), kv("messaging.operation.type", "process"),
        kv("messaging.operation.name", "process"), kv("messaging.destination.name", "orders"),
        kv("messaging.consumer.group.name", "accounting"),
        kv("messaging.destination.partition.id", Integer.toString(random.nextInt(3))),
        kv("messaging.kafka.offset", kafkaOffset++), kv("messaging.client.id", "accounting-consumer"),
        kv("messaging.message.body.size", 180L + random.nextInt(200)), kv("app.order.id", order));
  }

  private void currency(Trace t, long t0) {
    Ref root = frontendRoot(t, t0, "GET", "/api/currency", "/api/currency", 10);
    Ref api = t.internal(Service.FRONTEND, root, "executing api route (pages) /api/currency", 0.9,
        next("apiRoute", "/api/currency"), kv("app.session.id", t.session));
    Ref server = grpc(t, api, Service.FRONTEND, Service.CURRENCY, "oteldemo.CurrencyService",
        "GetSupportedCurrencies", 0.8, new KeyValue[0], kv("app.currencies.count", (long) CURRENCIES.length));
    t.internal(Service.CURRENCY, server, "CurrencyService/GetSupportedCurrencies", 0.5,
        code("CurrencyService::GetSupportedCurrencies", "/currency/src/server.cpp", 96),
        kv("app.currency.table.size", 33L));
  }

  private void shipping(Trace t, long t0) {
    int items = 1 + random.nextInt(4);
    Ref root = frontendRoot(t, t0, "GET", "/api/shipping", "/api/shipping", 40);
    Ref api = t.internal(Service.FRONTEND, root, "executing api route (pages) /api/shipping", 0.9,
        next("apiRoute", "/api/shipping"), kv("app.session.id", t.session));
    Ref quote = grpc(t, api, Service.FRONTEND, Service.SHIPPING, "oteldemo.ShippingService", "GetQuote", 0.6,
        new KeyValue[0], kv("app.shipping.items.count", (long) items),
        kv("app.shipping.zip_code", String.format(Locale.ROOT, "%05d", random.nextInt(100_000))));
    quoteCall(t, quote, items);
    grpc(t, api, Service.FRONTEND, Service.CURRENCY, "oteldemo.CurrencyService", "Convert", 0.2, new KeyValue[0],
        kv("app.currency.conversion.from", "USD"), kv("app.currency.conversion.to", t.currency));
  }

  // --- building blocks ---

  private Ref frontendRoot(Trace t, long t0, String method, String path, String route, double medianMillis) {
    long duration = lognormal(medianMillis, 0.7);
    KeyValue[] http = httpServer(method, path, route, "frontend", 8080,
        "10.0." + random.nextInt(4) + "." + (2 + random.nextInt(250)), USER_AGENTS[random.nextInt(USER_AGENTS.length)]);
    return t.root(Service.FRONTEND, Instr.HTTP_SERVER, method + " " + route, t0, duration, http);
  }

  /** A gRPC call: the CLIENT span in {@code from}, the SERVER span in {@code to} inside it; returns the server's. */
  private Ref grpc(Trace t, Ref parent, Service from, Service to, String service, String method, double share,
      KeyValue[] clientApp, KeyValue... serverApp) {
    String name = service + "/" + method;
    KeyValue[] client = with(new KeyValue[] {
        kv("rpc.system", "grpc"), kv("rpc.service", service), kv("rpc.method", method),
        kv("rpc.grpc.status_code", 0L), kv("server.address", to.id), kv("server.port", 8080L),
        kv("network.peer.address", podAddress(to, t.pod(to))), kv("network.peer.port", 8080L),
        kv("network.type", "ipv4"), kv("network.transport", "tcp"), kv("network.protocol.name", "http"),
        kv("network.protocol.version", "2")}, clientApp);
    Ref c = t.span(from, Instr.GRPC, name, SpanKind.SPAN_KIND_CLIENT, parent, share, client);
    long clientPort = 32768L + random.nextInt(28_000);
    KeyValue[] server = with(new KeyValue[] {
        kv("rpc.system", "grpc"), kv("rpc.service", service), kv("rpc.method", method),
        kv("rpc.grpc.status_code", 0L), kv("server.address", to.id), kv("server.port", 8080L),
        kv("client.address", podAddress(from, t.pod(from))), kv("client.port", clientPort),
        kv("network.peer.address", podAddress(from, t.pod(from))), kv("network.peer.port", clientPort),
        kv("network.type", "ipv4")}, serverApp);
    return t.span(to, Instr.GRPC, name, SpanKind.SPAN_KIND_SERVER, c, 0.92, server);
  }

  /** shipping asks quote over HTTP: client span, server span, and quote's INTERNAL calculation. */
  private void quoteCall(Trace t, Ref shippingServer, int items) {
    Ref client = t.span(Service.SHIPPING, Instr.HTTP_CLIENT, "POST", SpanKind.SPAN_KIND_CLIENT, shippingServer, 0.7,
        httpClient("POST", "http://quote:8080/getquote", "quote", 8080));
    Ref server = t.span(Service.QUOTE, Instr.HTTP_SERVER, "POST /getquote", SpanKind.SPAN_KIND_SERVER, client, 0.9,
        with(httpServer("POST", "/getquote", "/getquote", "quote", 8080, podAddress(Service.SHIPPING,
            t.pod(Service.SHIPPING)), "reqwest/0.12"), kv("app.quote.items.count", (long) items)));
    t.internal(Service.QUOTE, server, "calculate-quote", 0.6, code("calculateQuote", "/var/www/src/quote.php", 41),
        kv("app.quote.items.count", (long) items),
        kv("app.quote.cost.total", Math.round(random.nextDouble() * 10_000) / 100.0));
  }

  private void redis(Trace t, Ref parent, String operation, String query) {
    t.span(Service.CART, Instr.REDIS, operation, SpanKind.SPAN_KIND_CLIENT, parent, 0.2,
        kv("db.system.name", "redis"), kv("db.namespace", "0"), kv("db.operation.name", operation),
        kv("db.query.text", query), kv("server.address", "valkey-cart"), kv("server.port", 6379L),
        kv("network.peer.address", "10.0.4." + (20 + random.nextInt(2))), kv("network.peer.port", 6379L));
  }

  private KeyValue[] httpServer(String method, String path, String route, String host, long port, String client,
      String userAgent) {
    return new KeyValue[] {
        kv("http.request.method", method), kv("url.path", path), kv("url.scheme", "http"), kv("http.route", route),
        kv("http.response.status_code", 200L), kv("server.address", host), kv("server.port", port),
        kv("client.address", client), kv("user_agent.original", userAgent), kv("network.protocol.version", "1.1"),
        kv("network.peer.address", client), kv("network.peer.port", 32768L + random.nextInt(28_000))};
  }

  private KeyValue[] httpClient(String method, String url, String host, long port) {
    return new KeyValue[] {
        kv("http.request.method", method), kv("url.full", url), kv("server.address", host), kv("server.port", port),
        kv("http.response.status_code", 200L), kv("network.protocol.version", "1.1"),
        kv("network.peer.address", "10.0." + random.nextInt(4) + "." + (10 + random.nextInt(40))),
        kv("network.peer.port", port)};
  }

  private KeyValue[] next(String type, String route) {
    return with(code("NextNodeServer." + type, "/app/node_modules/next/dist/server/next-server.js", 1020),
        kv("next.span_type", "NextNodeServer." + type), kv("next.route", route));
  }

  private KeyValue[] code(String function, String file, long line) {
    return new KeyValue[] {kv("code.function.name", function), kv("code.file.path", file),
        kv("code.line.number", line), kv("code.column.number", 5L + line % 30), kv("thread.id", 1L + random.nextInt(16)),
        kv("thread.name", "worker-" + random.nextInt(16))};
  }

  private static KeyValue[] with(KeyValue[] base, KeyValue... more) {
    KeyValue[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  /** Log-normal with the given median (milliseconds) and sigma, in nanoseconds. */
  private long lognormal(double medianMillis, double sigma) {
    double z = 0;
    for (int i = 0; i < 12; i++) {
      z += random.nextDouble();
    }
    z -= 6; // ~N(0,1)
    return Math.max(200_000L, (long) (medianMillis * 1e6 * Math.exp(sigma * z)));
  }

  private Resource resource(Service s, int pod) {
    String podName = s.id + "-" + Long.toHexString(0x1000000000L | (random.nextLong() & 0xfffffffffL)).substring(1)
        + "-" + randomAlnum(5);
    String[] runtime = runtimeOf(s.language);
    return Resource.newBuilder()
        .addAttributes(kv("service.name", s.id))
        .addAttributes(kv("service.namespace", "opentelemetry-demo"))
        .addAttributes(kv("service.version", "2.0.2"))
        .addAttributes(kv("service.instance.id", uuid()))
        .addAttributes(kv("deployment.environment.name", "production"))
        .addAttributes(kv("telemetry.sdk.name", "opentelemetry"))
        .addAttributes(kv("telemetry.sdk.language", s.language))
        .addAttributes(kv("telemetry.sdk.version", runtime[2]))
        .addAttributes(kv("host.name", podName))
        .addAttributes(kv("host.arch", "amd64"))
        .addAttributes(kv("os.type", "linux"))
        .addAttributes(kv("process.runtime.name", runtime[0]))
        .addAttributes(kv("process.runtime.version", runtime[1]))
        .addAttributes(kv("process.pid", 1L + random.nextInt(200)))
        .addAttributes(kv("k8s.namespace.name", "otel-demo"))
        .addAttributes(kv("k8s.deployment.name", s.id))
        .addAttributes(kv("k8s.pod.name", podName))
        .addAttributes(kv("k8s.node.name", NODES[(s.ordinal() + pod) % NODES.length]))
        .build();
  }

  /** Runtime name, runtime version and SDK version of a language's services. */
  private static String[] runtimeOf(String language) {
    switch (language) {
      case "nodejs": return new String[] {"nodejs", "22.12.0", "1.30.0"};
      case "java": return new String[] {"OpenJDK Runtime Environment", "21.0.5+11-LTS", "1.45.0"};
      case "dotnet": return new String[] {".NET", "8.0.11", "1.10.0"};
      case "go": return new String[] {"go", "go1.23.4", "1.33.0"};
      case "cpp": return new String[] {"cpp", "gcc-13.3", "1.18.0"};
      case "ruby": return new String[] {"ruby", "3.3.6", "1.5.0"};
      case "php": return new String[] {"php", "8.3.14", "1.1.2"};
      case "python": return new String[] {"cpython", "3.12.8", "1.29.0"};
      default: return new String[] {"rustc", "1.83.0", "0.27.1"};
    }
  }

  private static String scopeOf(Service s, Instr instr) {
    switch (s.language) {
      case "nodejs":
        switch (instr) {
          case HTTP_SERVER: case HTTP_CLIENT: return "@opentelemetry/instrumentation-http@0.57.1";
          case GRPC: return "@opentelemetry/instrumentation-grpc@0.57.1";
          default: return "next.js@0.0.1";
        }
      case "java": return instr == Instr.GRPC ? "io.opentelemetry.grpc-1.6@2.11.0-alpha" : "oteldemo.AdService@";
      case "dotnet":
        switch (instr) {
          case GRPC: return "Microsoft.AspNetCore@8.0.11";
          case REDIS: return "OpenTelemetry.Instrumentation.StackExchangeRedis@1.10.0-beta.1";
          case KAFKA: return "OpenTelemetry.Instrumentation.ConfluentKafka@0.1.0-alpha.2";
          default: return s.id + "@";
        }
      case "go":
        switch (instr) {
          case GRPC: return "go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc@0.58.0";
          case HTTP_CLIENT: return "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp@0.58.0";
          case KAFKA: return "github.com/IBM/sarama/otelsarama@0.58.0";
          default: return s.id + "@";
        }
      case "cpp": return "currency@1.18.0";
      case "ruby": return "OpenTelemetry::Instrumentation::Sinatra@0.24.0";
      case "php": return instr == Instr.INTERNAL ? "manual-instrumentation@" : "io.opentelemetry.contrib.php.slim@1.1.0";
      case "python": return instr == Instr.GRPC
          ? "opentelemetry.instrumentation.grpc@0.50b0" : "recommendation@";
      default: return instr == Instr.HTTP_CLIENT ? "reqwest-tracing@0.5.5" : "opentelemetry-otlp@0.27.0";
    }
  }

  private String podAddress(Service s, int pod) {
    return "10.0." + (s.ordinal() % 4) + "." + (10 + s.ordinal() * 3 + pod);
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
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  /** A fixed UUID for a number (users and sessions): the same number, the same id. */
  private static String uuidOf(long n) {
    SplittableRandom r = new SplittableRandom(n);
    return new UUID(r.nextLong(), r.nextLong()).toString();
  }

  private String randomAlnum(int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append("bcdfghjklmnpqrstvwxz2456789".charAt(random.nextInt(27)));
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

  private record Ref(ByteString spanId, long start, long end, Service service) {}

  private static final String[] ERRORS_RPC = {"14 UNAVAILABLE: No connection established",
      "4 DEADLINE_EXCEEDED: Deadline exceeded", "13 INTERNAL: Internal error"};
  /** The frames every exception's stack trace shares (real ones run to a few kilobytes). */
  private static final String STACK = String.join("\n    at ", "",
      "Object.callErrorFromStatus (/app/node_modules/@grpc/grpc-js/build/src/call.js:31:19)",
      "Object.onReceiveStatus (/app/node_modules/@grpc/grpc-js/build/src/client.js:193:76)",
      "Object.onReceiveStatus (/app/node_modules/@grpc/grpc-js/build/src/client-interceptors.js:360:141)",
      "Object.onReceiveStatus (/app/node_modules/@grpc/grpc-js/build/src/client-interceptors.js:323:181)",
      "/app/node_modules/@grpc/grpc-js/build/src/resolving-call.js:129:78",
      "process.processTicksAndRejections (node:internal/process/task_queues:85:11)",
      "ServiceClientImpl.makeUnaryRequest (/app/node_modules/@grpc/grpc-js/build/src/client.js:163:32)",
      "ServiceClientImpl.<anonymous> (/app/node_modules/@grpc/grpc-js/build/src/make-client.js:105:19)",
      "/app/.next/server/pages/api/checkout.js:1:2104",
      "new Promise (<anonymous>)",
      "Object.placeOrder (/app/.next/server/pages/api/checkout.js:1:2050)");
  private static final String[] EXCEPTIONS = {"Grpc.Core.RpcException", "Error", "redis.exceptions.ConnectionError",
      "java.lang.IllegalStateException"};

  /** One trace's spans, put into the request's per-resource, per-scope lists as they are made. */
  private final class Trace {
    final ByteString traceId;
    final Map<Resource, Map<String, List<Span>>> out;
    final int[] pods = new int[Service.values().length];
    String user;
    String session;
    String currency;
    int spans;

    Trace(ByteString traceId, Map<Resource, Map<String, List<Span>>> out) {
      this.traceId = traceId;
      this.out = out;
      java.util.Arrays.fill(pods, -1);
    }

    /** The pod of {@code s} this trace reached (one per service and trace). */
    int pod(Service s) {
      if (pods[s.ordinal()] < 0) {
        pods[s.ordinal()] = random.nextInt(s.pods);
      }
      return pods[s.ordinal()];
    }

    Ref root(Service s, Instr instr, String name, long start, long duration, KeyValue... attributes) {
      return add(s, instr, name, SpanKind.SPAN_KIND_SERVER, null, true, start, duration, attributes);
    }

    /** A child taking about {@code share} of its parent's time, somewhere inside it. */
    Ref span(Service s, Instr instr, String name, SpanKind kind, Ref parent, double share, KeyValue... attributes) {
      long room = parent.end - parent.start;
      double f = Math.min(0.98, share * (0.6 + 0.4 * random.nextDouble()));
      long duration = Math.max(1_000, (long) (room * f));
      long start = parent.start + (long) ((room - duration) * random.nextDouble());
      boolean remote = parent.service != s;
      return add(s, instr, name, kind, parent, remote, start, duration, attributes);
    }

    Ref internal(Service s, Ref parent, String name, double share, KeyValue[] base, KeyValue... app) {
      return span(s, Instr.INTERNAL, name, SpanKind.SPAN_KIND_INTERNAL, parent, share, with(base, app));
    }

    /** A consumer span after its producer (a Kafka process span starts once the message is read). */
    Ref followOn(Service s, Instr instr, String name, SpanKind kind, Ref producer, KeyValue... attributes) {
      long start = producer.end + lognormal(3, 0.5);
      return add(s, instr, name, kind, producer, true, start, lognormal(4, 0.6), attributes);
    }

    private Ref add(Service s, Instr instr, String name, SpanKind kind, Ref parent, boolean remoteParent, long start,
        long duration, KeyValue[] attributes) {
      ByteString spanId = randomId(8);
      Span.Builder b = Span.newBuilder().setTraceId(traceId).setSpanId(spanId).setName(name).setKind(kind)
          .setStartTimeUnixNano(start).setEndTimeUnixNano(start + duration)
          .setFlags(remoteParent && parent != null ? 0x301 : 0x101);
      if (parent != null) {
        b.setParentSpanId(parent.spanId);
      }
      for (KeyValue kv : attributes) {
        b.addAttributes(kv);
      }
      int roll = random.nextInt(1000);
      if (roll < 20) { // ~2% errors, half with an exception event
        String message = instr == Instr.GRPC ? ERRORS_RPC[random.nextInt(ERRORS_RPC.length)]
            : instr == Instr.REDIS ? "Timeout performing HGET (5000ms)" : "Internal Server Error";
        b.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage(message));
        if (roll < 10) {
          String type = EXCEPTIONS[s.ordinal() % EXCEPTIONS.length];
          b.addEvents(Span.Event.newBuilder().setName("exception").setTimeUnixNano(start + duration - duration / 8)
              .addAttributes(kv("exception.type", type))
              .addAttributes(kv("exception.message", message))
              .addAttributes(kv("exception.stacktrace", type + ": " + message + "\n    at " + name
                  + " (" + s.id + ")" + STACK + "\n    at async Server.handler (" + s.id + "/server:214:17)")));
        }
      } else if (roll < 110) { // ~9% more with 1-2 other events
        int n = 1 + random.nextInt(2);
        for (int i = 0; i < n; i++) {
          long at = start + (long) (duration * random.nextDouble());
          if (instr == Instr.GRPC) {
            b.addEvents(Span.Event.newBuilder().setName("message").setTimeUnixNano(at)
                .addAttributes(kv("message.type", i == 0 ? "SENT" : "RECEIVED"))
                .addAttributes(kv("message.id", (long) (i + 1)))
                .addAttributes(kv("message.uncompressed_size", 40L + random.nextInt(400))));
          } else {
            b.addEvents(Span.Event.newBuilder().setName(i == 0 ? "cache lookup" : "response ready")
                .setTimeUnixNano(at).addAttributes(kv("app.cache_hit", random.nextBoolean())));
          }
        }
      } else if (roll < 210) { // ~10% OK
        b.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK));
      }
      Resource resource = resources[s.ordinal()][pod(s)];
      out.computeIfAbsent(resource, k -> new LinkedHashMap<>())
          .computeIfAbsent(scopeOf(s, instr), k -> new ArrayList<>()).add(b.build());
      spans++;
      return new Ref(spanId, start, start + duration, s);
    }
  }
}
