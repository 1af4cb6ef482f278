package io.otlake.local;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
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
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.List;

/**
 * Requests of the cases the demo data sets do not reach: nulls where a column may be null (no parent, no body, no
 * trace, no observed or event time, no service name), empty maps and lists (no attributes, events, links,
 * exemplars, quantiles, bounds), long strings (attribute values, status messages, log bodies and descriptions of
 * tens of KiB, beyond Parquet's dictionary and page sizes), text outside ASCII, every attribute type, NaN and
 * infinities, extreme integers. Logs of a given trace too, so a reader can join a trace's spans and logs.
 */
final class EdgeTelemetry {
  static final String LONG_TEXT = longText(100_000);
  static final String UNICODE = "κατάλογος ✓ 🚀 注文 \u0000\t\"quoted\"\\";

  private EdgeTelemetry() {}

  /** A text of {@code n} characters that no dictionary compresses to a few entries (and not only ASCII). */
  static String longText(int n) {
    StringBuilder b = new StringBuilder(n);
    long x = 0x9E3779B97F4A7C15L;
    while (b.length() < n) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b.append(Long.toString(x & Long.MAX_VALUE, 36)).append(b.length() % 7 == 0 ? " ü " : " ");
    }
    return b.substring(0, n);
  }

  static ExportTraceServiceRequest traces(long startNanos) {
    byte[] trace = id(16, 0x11);
    Span root = Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(id(8, 0x21)))
        .setName(UNICODE).setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(startNanos).setEndTimeUnixNano(startNanos + 1_234_567_891L).build();
    Span child = Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(id(8, 0x22)))
        .setParentSpanId(root.getSpanId()).setName("edge child").setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(startNanos + 1_000_999).setEndTimeUnixNano(startNanos + 1_000_999)
        .setTraceState("vendor=a,other=" + "b".repeat(300)).setFlags(0x301)
        .addAllAttributes(everyType())
        .addAttributes(kv("long.value", str(LONG_TEXT)))
        .setDroppedAttributesCount(7).setDroppedEventsCount(Integer.MAX_VALUE).setDroppedLinksCount(1)
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage(longText(20_000)))
        .addEvents(Span.Event.newBuilder().setTimeUnixNano(startNanos + 2_000).setName("no attributes"))
        .addEvents(Span.Event.newBuilder().setTimeUnixNano(startNanos + 3_000).setName(UNICODE)
            .addAllAttributes(everyType()).setDroppedAttributesCount(2))
        .addLinks(Span.Link.newBuilder().setTraceId(ByteString.copyFrom(id(16, 0x31)))
            .setSpanId(ByteString.copyFrom(id(8, 0x32))).setTraceState("k=v").setFlags(1)
            .addAttributes(kv("link.kind", str("follows"))).setDroppedAttributesCount(3))
        .build();
    Span orphan = Span.newBuilder().setTraceId(ByteString.copyFrom(id(16, 0x41)))
        .setSpanId(ByteString.copyFrom(id(8, 0x42))).setName("")
        .setStartTimeUnixNano(startNanos + 5_000_000).setEndTimeUnixNano(startNanos + 6_000_000).build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(Resource.newBuilder()
                .addAttributes(kv("service.name", str("edge")))
                .addAttributes(kv("long.resource", str(longText(30_000))))
                .setDroppedAttributesCount(1))
            .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0")
            .addScopeSpans(io.opentelemetry.proto.trace.v1.ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("edge.scope").setVersion("0.0.1")
                    .addAttributes(kv("scope.attr", AnyValue.newBuilder().setIntValue(-1).build())))
                .setSchemaUrl("https://example.com/scope")
                .addSpans(root).addSpans(child)))
        // a resource without service.name: service_name (a partition column) is null
        .addResourceSpans(ResourceSpans.newBuilder().setResource(Resource.getDefaultInstance())
            .addScopeSpans(io.opentelemetry.proto.trace.v1.ScopeSpans.newBuilder().addSpans(orphan)))
        .build();
  }

  /** Logs of the edge trace, and records with every nullable column null. */
  static ExportLogsServiceRequest logs(long startNanos, ByteString traceId, List<ByteString> spanIds) {
    ResourceLogs.Builder rl = ResourceLogs.newBuilder().setResource(Resource.newBuilder()
        .addAttributes(kv("service.name", str("edge"))));
    var scope = rl.addScopeLogsBuilder().setScope(InstrumentationScope.newBuilder().setName("edge.logs"));
    long t = startNanos;
    for (ByteString span : spanIds) {
      t += 1_000_000;
      scope.addLogRecords(LogRecord.newBuilder().setTimeUnixNano(t).setObservedTimeUnixNano(t + 5)
          .setTraceId(traceId).setSpanId(span).setFlags(1)
          .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO).setSeverityText("INFO")
          .setBody(str("step of the trace in span " + io.otlake.proto.Hex.encode(span))));
    }
    scope.addLogRecords(LogRecord.newBuilder().setTimeUnixNano(t + 1_000_000).setTraceId(traceId)
        .setSpanId(spanIds.get(spanIds.size() - 1)).setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_ERROR)
        .setSeverityText("ERROR").setEventName("payment.failed")
        .setBody(AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
            .addValues(kv("message", str("card declined")))
            .addValues(kv("detail", str(LONG_TEXT))))));
    // no time (observed only), no trace, no body, no severity, no attributes
    scope.addLogRecords(LogRecord.newBuilder().setObservedTimeUnixNano(t + 2_000_000));
    // a long string body of its own, text outside ASCII
    scope.addLogRecords(LogRecord.newBuilder().setTimeUnixNano(t + 3_000_000).setBody(str(longText(70_000)))
        .addAttributes(kv("unicode", str(UNICODE))).addAllAttributes(everyType()));
    ResourceLogs.Builder anonymous = ResourceLogs.newBuilder().setResource(Resource.getDefaultInstance());
    anonymous.addScopeLogsBuilder().addLogRecords(LogRecord.newBuilder().setTimeUnixNano(t + 4_000_000)
        .setBody(AnyValue.getDefaultInstance()));
    return ExportLogsServiceRequest.newBuilder().addResourceLogs(rl).addResourceLogs(anonymous).build();
  }

  static ExportMetricsServiceRequest metrics(long startNanos) {
    long now = startNanos;
    Metric gauge = Metric.newBuilder().setName("edge.gauge").setDescription(longText(12_000)).setUnit("1")
        .setGauge(Gauge.newBuilder()
            .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(now).setAsDouble(Double.NaN))
            .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(now + 1).setAsDouble(
                Double.NEGATIVE_INFINITY).addAttributes(kv("k", str(UNICODE))))
            .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(now + 2).setAsInt(Long.MIN_VALUE)
                .setFlags(1))
            .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(now + 3)) // no value: null
            .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(now + 4).setAsInt(Long.MAX_VALUE)
                .addExemplars(Exemplar.newBuilder().setTimeUnixNano(now).setAsInt(5)
                    .addFilteredAttributes(kv("dropped", str(LONG_TEXT))))
                .addExemplars(Exemplar.newBuilder().setAsDouble(-0.0)))) // no trace, no time
        .build();
    Metric sum = Metric.newBuilder().setName("edge.sum").setSum(Sum.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA).setIsMonotonic(true)
            .addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(now - 1).setTimeUnixNano(now)
                .setAsDouble(Double.MAX_VALUE).addAllAttributes(everyType())))
        .addMetadata(kv("meta", str("data")))
        .build();
    Metric histogram = Metric.newBuilder().setName("edge.histogram").setHistogram(Histogram.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
            // no bounds: one bucket; no sum, min or max
            .addDataPoints(HistogramDataPoint.newBuilder().setTimeUnixNano(now).setCount(3).addBucketCounts(3))
            // no buckets at all
            .addDataPoints(HistogramDataPoint.newBuilder().setTimeUnixNano(now + 1).setCount(0)))
        .build();
    Metric exponential = Metric.newBuilder().setName("edge.exponential").setExponentialHistogram(
            ExponentialHistogram.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(now).setScale(-2)
                    .setZeroCount(1).setZeroThreshold(1e-9).setCount(6).setSum(-3.5)
                    .setNegative(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(-3)
                        .addBucketCounts(2).addBucketCounts(0).addBucketCounts(3)))
                .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(now + 1).setScale(20)))
        .build();
    Metric summary = Metric.newBuilder().setName("edge.summary").setSummary(Summary.newBuilder()
            .addDataPoints(SummaryDataPoint.newBuilder().setTimeUnixNano(now).setCount(0)) // no quantiles
            .addDataPoints(SummaryDataPoint.newBuilder().setStartTimeUnixNano(now - 10).setTimeUnixNano(now + 1)
                .setCount(4).setSum(10)
                .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0).setValue(1))
                .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(1).setValue(4))))
        .build();
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(ResourceMetrics.newBuilder().setResource(Resource.newBuilder()
                .addAttributes(kv("service.name", str("edge"))))
            .addScopeMetrics(io.opentelemetry.proto.metrics.v1.ScopeMetrics.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("edge.meter"))
                .addMetrics(gauge).addMetrics(sum).addMetrics(histogram).addMetrics(exponential)
                .addMetrics(summary)))
        .build();
  }

  /** One attribute of each OTLP value type. */
  private static List<KeyValue> everyType() {
    return List.of(
        kv("s", str("text")),
        kv("empty.string", str("")),
        kv("i", AnyValue.newBuilder().setIntValue(Long.MIN_VALUE).build()),
        kv("d", AnyValue.newBuilder().setDoubleValue(Double.NaN).build()),
        kv("inf", AnyValue.newBuilder().setDoubleValue(Double.POSITIVE_INFINITY).build()),
        kv("b", AnyValue.newBuilder().setBoolValue(true).build()),
        kv("bytes", AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(new byte[] {0, -1, 2})).build()),
        kv("array", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(str("a"))
            .addValues(AnyValue.newBuilder().setIntValue(2)).addValues(AnyValue.getDefaultInstance())).build()),
        kv("kvlist", AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
            .addValues(kv("nested", AnyValue.newBuilder().setDoubleValue(0.5).build()))).build()),
        kv("empty", AnyValue.getDefaultInstance()));
  }

  private static byte[] id(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (seed + i * 7);
    }
    return b;
  }

  private static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  private static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }
}
