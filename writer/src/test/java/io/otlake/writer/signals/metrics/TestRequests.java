package io.otlake.writer.signals.metrics;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
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

/** Hand-built metrics requests with every field of every point kind set and unset. */
final class TestRequests {
  static final long T = 1_800_000_000_123_456_789L;
  static final long BIG = (1L << 53) + 1;
  static final ByteString TRACE = ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
  static final ByteString SPAN = ByteString.copyFrom(new byte[] {(byte) 0xA1, 2, 3, 4, 5, 6, 7, (byte) 0xFF});

  private TestRequests() {}

  static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  static KeyValue kv(String k, long v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
  }

  static NumberDataPoint.Builder number(long time) {
    return NumberDataPoint.newBuilder().setTimeUnixNano(time);
  }

  /**
   * Two resources; the first with a gauge (double, int beyond 2^53, no value, an exemplar with and one without
   * trace ids), a cumulative monotonic sum and a delta non-monotonic one, a histogram with and one without
   * sum/min/max; the second with an exponential histogram (positive and negative buckets, min/max absent and
   * present) and a summary, under a scope with attributes and a schema URL.
   */
  static ExportMetricsServiceRequest everyKind() {
    Resource r1 = Resource.newBuilder().addAttributes(kv("service.name", "checkout"))
        .addAttributes(kv("host.cores", 8))
        .addAttributes(KeyValue.newBuilder().setKey("tags").setValue(AnyValue.newBuilder().setArrayValue(
            ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setStringValue("a")))))
        .setDroppedAttributesCount(2).build();
    Metric gauge = Metric.newBuilder().setName("cpu").setDescription("cpu use").setUnit("1")
        .addMetadata(kv("source", "jmx")).addMetadata(kv("rank", 3))
        .setGauge(Gauge.newBuilder()
            .addDataPoints(number(T).setAsDouble(0.25).addAttributes(kv("cpu", "0")).addAttributes(kv("core", 1))
                .addExemplars(Exemplar.newBuilder().setTimeUnixNano(T - 5).setAsDouble(0.3).setTraceId(TRACE)
                    .setSpanId(SPAN).addFilteredAttributes(kv("user", "u1")))
                .addExemplars(Exemplar.newBuilder().setAsInt(-7)))
            .addDataPoints(number(T + 1000).setStartTimeUnixNano(T - 1000).setAsInt(BIG))
            .addDataPoints(number(T + 2000).setFlags(1))
            .addDataPoints(number(T + 3000).setAsInt(Long.MIN_VALUE))
            .addDataPoints(number(T + 4000).setAsDouble(Double.NaN)))
        .build();
    Metric cumulative = Metric.newBuilder().setName("requests").setUnit("{request}")
        .setSum(Sum.newBuilder().setIsMonotonic(true)
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
            .addDataPoints(number(T).setStartTimeUnixNano(T - 60_000_000_000L).setAsInt(Long.MAX_VALUE)
                .addAttributes(kv("route", "/a")))
            .addDataPoints(number(T).setStartTimeUnixNano(T - 60_000_000_000L).setAsInt(5)
                .addAttributes(kv("route", "/b"))))
        .build();
    Metric delta = Metric.newBuilder().setName("queue.delta")
        .setSum(Sum.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
            .addDataPoints(number(T + 7).setStartTimeUnixNano(T - 10).setAsDouble(-2.5)
                .addExemplars(Exemplar.newBuilder().setTimeUnixNano(T).setAsInt(BIG).setSpanId(SPAN))))
        .build();
    Metric histogram = Metric.newBuilder().setName("latency").setUnit("ms")
        .setHistogram(Histogram.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
            .addDataPoints(HistogramDataPoint.newBuilder().setStartTimeUnixNano(T - 100).setTimeUnixNano(T)
                .setCount(6).setSum(40.5).setMin(0.5).setMax(30).addExplicitBounds(1).addExplicitBounds(10)
                .addBucketCounts(1).addBucketCounts(3).addBucketCounts(2).addAttributes(kv("route", "/a"))
                .addExemplars(Exemplar.newBuilder().setTimeUnixNano(T - 1).setAsDouble(30).setTraceId(TRACE)
                    .setSpanId(SPAN)))
            .addDataPoints(HistogramDataPoint.newBuilder().setTimeUnixNano(T + 1).setCount(0).setFlags(1)))
        .build();
    ResourceMetrics first = ResourceMetrics.newBuilder().setResource(r1).setSchemaUrl("https://s/1.24.0")
        .addScopeMetrics(ScopeMetrics.newBuilder().setScope(InstrumentationScope.newBuilder().setName("app"))
            .addMetrics(gauge).addMetrics(cumulative).addMetrics(delta).addMetrics(histogram))
        .build();

    Metric exponential = Metric.newBuilder().setName("rpc.duration").setUnit("s")
        .setExponentialHistogram(ExponentialHistogram.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
            .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setStartTimeUnixNano(T - 10)
                .setTimeUnixNano(T).setCount(12).setSum(3.5).setMin(0.01).setMax(2).setScale(-3).setZeroCount(2)
                .setZeroThreshold(1e-9)
                .setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(-5).addBucketCounts(4)
                    .addBucketCounts(0).addBucketCounts(1L << 40))
                .setNegative(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(7).addBucketCounts(3))
                .addAttributes(kv("rpc.method", "Get"))
                .addExemplars(Exemplar.newBuilder().setTimeUnixNano(T).setAsDouble(0.5).setTraceId(TRACE)
                    .setSpanId(SPAN)))
            .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(T + 5).setScale(4)))
        .build();
    Metric summary = Metric.newBuilder().setName("gc").setDescription("gc pauses")
        .setSummary(Summary.newBuilder()
            .addDataPoints(SummaryDataPoint.newBuilder().setStartTimeUnixNano(T - 50).setTimeUnixNano(T)
                .setCount(4).setSum(0.75).setFlags(0)
                .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0).setValue(0.1))
                .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.99).setValue(0.4)))
            .addDataPoints(SummaryDataPoint.newBuilder().setTimeUnixNano(T + 9)))
        .build();
    ResourceMetrics second = ResourceMetrics.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(kv("service.name", "cart")))
        .addScopeMetrics(ScopeMetrics.newBuilder().setSchemaUrl("https://scope/1")
            .setScope(InstrumentationScope.newBuilder().setName("rt").setVersion("2.1")
                .addAttributes(kv("lib", "x")).addAttributes(kv("n", 4)).setDroppedAttributesCount(1))
            .addMetrics(exponential).addMetrics(summary)
            .addMetrics(Metric.newBuilder().setName("no-data")))
        .build();
    ResourceMetrics third = ResourceMetrics.newBuilder()
        .addScopeMetrics(ScopeMetrics.newBuilder()
            .addMetrics(Metric.newBuilder().setGauge(Gauge.newBuilder().addDataPoints(number(T).setAsInt(1)))))
        .build();
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(first).addResourceMetrics(second)
        .addResourceMetrics(third).build();
  }
}
