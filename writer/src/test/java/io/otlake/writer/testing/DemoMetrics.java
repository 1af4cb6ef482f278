package io.otlake.writer.testing;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.SplittableRandom;

/**
 * Deterministic demo-shaped metrics, as the OpenTelemetry demo's services export them every 10 s: per service a
 * resource, runtime gauges and up-down counters, request counters and duration histograms per route, method and
 * status (with exemplars pointing at traces), an exponential histogram of RPC durations and a GC summary. Cumulative
 * series keep their start time and grow export after export. The same seed gives the same bytes.
 */
public final class DemoMetrics {
  private static final String[] SERVICES = {"frontend", "cart", "checkout", "currency", "email", "payment",
      "product-catalog", "recommendation", "shipping", "quote", "ad", "fraud-detection"};
  private static final String[] ROUTES = {"/api/products", "/api/cart", "/api/checkout", "/api/recommendations",
      "/api/currency", "/api/shipping"};
  private static final String[] METHODS = {"GET", "POST"};
  private static final long[] STATUS = {200, 200, 200, 404, 500};
  private static final double[] BOUNDS = {0, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5,
      10};
  private static final String[] POOLS = {"G1 Eden Space", "G1 Old Gen", "G1 Survivor Space", "Metaspace",
      "CodeHeap 'non-nmethods'"};

  private final SplittableRandom random;
  private final long startNanos;
  private long exports;
  private final long[][] counters = new long[SERVICES.length][ROUTES.length * METHODS.length * STATUS.length];

  public DemoMetrics(long seed, long startNanos) {
    this.random = new SplittableRandom(seed);
    this.startNanos = startNanos;
  }

  /** Exports of successive 10 s intervals, one resource per service each, until at least {@code minPoints}. */
  public ExportMetricsServiceRequest request(int minPoints) {
    ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
    int points = 0;
    while (points < minPoints) {
      long now = startNanos + exports * 10_000_000_000L + random.nextInt(1_000_000);
      for (int s = 0; s < SERVICES.length && points < minPoints; s++) {
        ResourceMetrics rm = service(s, now);
        points += count(rm);
        b.addResourceMetrics(rm);
      }
      exports++;
    }
    return b.build();
  }

  private static int count(ResourceMetrics rm) {
    int n = 0;
    for (ScopeMetrics sm : rm.getScopeMetricsList()) {
      for (Metric m : sm.getMetricsList()) {
        n += m.getGauge().getDataPointsCount() + m.getSum().getDataPointsCount()
            + m.getHistogram().getDataPointsCount() + m.getExponentialHistogram().getDataPointsCount()
            + m.getSummary().getDataPointsCount();
      }
    }
    return n;
  }

  private ResourceMetrics service(int s, long now) {
    Resource resource = Resource.newBuilder()
        .addAttributes(kv("service.name", SERVICES[s]))
        .addAttributes(kv("service.namespace", "opentelemetry-demo"))
        .addAttributes(kv("service.version", "1.12.0"))
        .addAttributes(kv("host.name", SERVICES[s] + "-7d9f8c6b5-x2k4q"))
        .addAttributes(kv("telemetry.sdk.language", s % 3 == 0 ? "java" : s % 3 == 1 ? "go" : "nodejs"))
        .addAttributes(kv("telemetry.sdk.version", "1.42.1"))
        .addAttributes(KeyValue.newBuilder().setKey("process.pid")
            .setValue(AnyValue.newBuilder().setIntValue(1000 + s)))
        .build();
    ResourceMetrics.Builder rm = ResourceMetrics.newBuilder().setResource(resource)
        .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0");
    ScopeMetrics.Builder runtime = rm.addScopeMetricsBuilder().setScope(InstrumentationScope.newBuilder()
        .setName("io.opentelemetry.runtime-telemetry-java17").setVersion("2.8.0-alpha"));
    Gauge.Builder cpu = Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(now)
        .setAsDouble(random.nextDouble() * 0.8));
    runtime.addMetrics(Metric.newBuilder().setName("jvm.cpu.recent_utilization").setUnit("1")
        .setDescription("Recent CPU utilization for the process as reported by the JVM.").setGauge(cpu));
    Sum.Builder memory = Sum.newBuilder()
        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE).setIsMonotonic(false);
    for (String pool : POOLS) {
      memory.addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(startNanos).setTimeUnixNano(now)
          .addAttributes(kv("jvm.memory.pool.name", pool))
          .addAttributes(kv("jvm.memory.type", pool.startsWith("G1") ? "heap" : "non_heap"))
          .setAsInt(10_000_000L + random.nextInt(200_000_000)));
    }
    runtime.addMetrics(Metric.newBuilder().setName("jvm.memory.used").setUnit("By")
        .setDescription("Measure of memory used.").setSum(memory));
    Summary.Builder gc = Summary.newBuilder();
    double p50 = random.nextDouble() * 0.01;
    gc.addDataPoints(SummaryDataPoint.newBuilder().setStartTimeUnixNano(startNanos).setTimeUnixNano(now)
        .setCount(exports * 3 + 1).setSum((exports * 3 + 1) * p50)
        .addQuantileValues(quantile(0, p50 / 4)).addQuantileValues(quantile(0.5, p50))
        .addQuantileValues(quantile(1, p50 * 6)));
    runtime.addMetrics(Metric.newBuilder().setName("go.gc.duration").setUnit("s").setSummary(gc));

    ScopeMetrics.Builder http = rm.addScopeMetricsBuilder().setScope(InstrumentationScope.newBuilder()
        .setName("io.opentelemetry.http").setVersion("2.8.0"));
    Sum.Builder requests = Sum.newBuilder()
        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE).setIsMonotonic(true);
    Histogram.Builder durations = Histogram.newBuilder()
        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
    int series = 0;
    for (String route : ROUTES) {
      for (String method : METHODS) {
        for (long status : STATUS) {
          int k = series++;
          if (random.nextInt(3) == 0) {
            continue; // not every series has traffic in every interval
          }
          int n = 1 + random.nextInt(40);
          counters[s][k] += n;
          KeyValue[] attributes = {kv("http.route", route), kv("http.request.method", method),
              KeyValue.newBuilder().setKey("http.response.status_code")
                  .setValue(AnyValue.newBuilder().setIntValue(status)).build()};
          NumberDataPoint.Builder count = NumberDataPoint.newBuilder().setStartTimeUnixNano(startNanos)
              .setTimeUnixNano(now).setAsInt(counters[s][k]);
          HistogramDataPoint.Builder h = HistogramDataPoint.newBuilder()
              .setStartTimeUnixNano(now - 10_000_000_000L).setTimeUnixNano(now).setCount(n);
          long[] buckets = new long[BOUNDS.length + 1];
          double sum = 0;
          double min = Double.MAX_VALUE;
          double max = 0;
          for (int i = 0; i < n; i++) {
            double d = Math.exp(random.nextGaussian() * 1.2 - 3.5);
            sum += d;
            min = Math.min(min, d);
            max = Math.max(max, d);
            int bucket = 0;
            while (bucket < BOUNDS.length && d > BOUNDS[bucket]) {
              bucket++;
            }
            buckets[bucket]++;
          }
          for (KeyValue a : attributes) {
            count.addAttributes(a);
            h.addAttributes(a);
          }
          h.setSum(sum).setMin(min).setMax(max);
          for (double bound : BOUNDS) {
            h.addExplicitBounds(bound);
          }
          for (long c : buckets) {
            h.addBucketCounts(c);
          }
          if (random.nextInt(4) == 0) {
            h.addExemplars(Exemplar.newBuilder().setTimeUnixNano(now - random.nextInt(1_000_000_000))
                .setAsDouble(max).setTraceId(bytes(16)).setSpanId(bytes(8)));
          }
          requests.addDataPoints(count);
          durations.addDataPoints(h);
        }
      }
    }
    http.addMetrics(Metric.newBuilder().setName("http.server.request.count").setUnit("{request}").setSum(requests));
    http.addMetrics(Metric.newBuilder().setName("http.server.request.duration").setUnit("s")
        .setDescription("Duration of HTTP server requests.").setHistogram(durations));
    ExponentialHistogram.Builder rpc = ExponentialHistogram.newBuilder()
        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
    for (String method : new String[] {"GetProduct", "ListProducts", "GetQuote"}) {
      ExponentialHistogramDataPoint.Buckets.Builder positive = ExponentialHistogramDataPoint.Buckets.newBuilder()
          .setOffset(-40 + random.nextInt(10));
      long total = 0;
      for (int i = 0, n = 3 + random.nextInt(12); i < n; i++) {
        int c = random.nextInt(30);
        positive.addBucketCounts(c);
        total += c;
      }
      long zero = random.nextInt(3);
      rpc.addDataPoints(ExponentialHistogramDataPoint.newBuilder().setStartTimeUnixNano(now - 10_000_000_000L)
          .setTimeUnixNano(now).addAttributes(kv("rpc.method", method)).setScale(3).setZeroCount(zero)
          .setCount(total + zero).setSum(total * 0.004).setMin(0.0001).setMax(0.2).setPositive(positive));
    }
    http.addMetrics(Metric.newBuilder().setName("rpc.server.duration").setUnit("s").setExponentialHistogram(rpc));
    return rm.build();
  }

  private static SummaryDataPoint.ValueAtQuantile quantile(double q, double v) {
    return SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(q).setValue(v).build();
  }

  private ByteString bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) random.nextInt(256);
    }
    return ByteString.copyFrom(b);
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }
}
