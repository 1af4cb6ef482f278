package io.otlake.proto.signals;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
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
import io.otlake.proto.Hex;
import io.otlake.proto.OtlpRecord;
import io.otlake.proto.RecordSplitter;
import io.otlake.proto.SignalContract;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Random valid logs and metrics requests (every point kind), seeded: for the split tests and the gateway's fuzzer. */
public final class RandomRequests {
  /** The requests' times are around here (2027-01-15). */
  public static final long T = 1_800_000_000_000_000_000L;

  private RandomRequests() {}


  private static ByteString bytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return ByteString.copyFrom(b);
  }

  private static Resource resource(Random random, int i) {
    return Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
        .setValue(AnyValue.newBuilder().setStringValue("svc-" + i))).setDroppedAttributesCount(random.nextInt(2))
        .build();
  }

  public static ExportLogsServiceRequest logs(Random random) {
    ExportLogsServiceRequest.Builder b = ExportLogsServiceRequest.newBuilder();
    ByteString[] traces = {bytes(random, 16), bytes(random, 16), ByteString.copyFrom(new byte[16])};
    for (int res = 0, nr = 1 + random.nextInt(3); res < nr; res++) {
      ResourceLogs.Builder rl = ResourceLogs.newBuilder().setResource(resource(random, res))
          .setSchemaUrl(random.nextBoolean() ? "https://opentelemetry.io/schemas/1.24.0" : "");
      for (int sc = 0, ns = 1 + random.nextInt(3); sc < ns; sc++) {
        ScopeLogs.Builder sl = ScopeLogs.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("scope-" + sc).setVersion("1"));
        for (int i = 0, n = random.nextInt(6); i < n; i++) {
          LogRecord.Builder lr = LogRecord.newBuilder().setTimeUnixNano(T + random.nextInt(1000))
              .setObservedTimeUnixNano(T + 5).setSeverityNumberValue(random.nextInt(25)).setSeverityText("INFO")
              .setBody(AnyValue.newBuilder().setStringValue("line " + random.nextInt(1000) + "x".repeat(
                  random.nextInt(300))))
              .addAttributes(KeyValue.newBuilder().setKey("k").setValue(AnyValue.newBuilder().setIntValue(i)));
          if (random.nextBoolean()) {
            lr.setTraceId(traces[random.nextInt(traces.length)]).setSpanId(bytes(random, 8)).setFlags(1);
          }
          sl.addLogRecords(lr);
        }
        rl.addScopeLogs(sl);
      }
      b.addResourceLogs(rl);
    }
    return b.build();
  }

  private static NumberDataPoint number(Random random) {
    NumberDataPoint.Builder p = NumberDataPoint.newBuilder().setStartTimeUnixNano(T - 10)
        .setTimeUnixNano(T + random.nextInt(1000)).addAttributes(KeyValue.newBuilder().setKey("a")
            .setValue(AnyValue.newBuilder().setStringValue("v" + random.nextInt(3))));
    if (random.nextBoolean()) {
      p.setAsInt(random.nextLong());
    } else {
      p.setAsDouble(random.nextDouble());
    }
    if (random.nextInt(4) == 0) {
      p.addExemplars(Exemplar.newBuilder().setTimeUnixNano(T).setAsDouble(1).setTraceId(bytes(random, 16))
          .setSpanId(bytes(random, 8)));
    }
    return p.build();
  }

  public static ExportMetricsServiceRequest metrics(Random random) {
    ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
    for (int res = 0, nr = 1 + random.nextInt(3); res < nr; res++) {
      ResourceMetrics.Builder rm = ResourceMetrics.newBuilder().setResource(resource(random, res));
      for (int sc = 0, ns = 1 + random.nextInt(2); sc < ns; sc++) {
        ScopeMetrics.Builder sm = ScopeMetrics.newBuilder().setScope(InstrumentationScope.newBuilder()
            .setName("meter-" + sc));
        for (int m = 0, nm = random.nextInt(5); m < nm; m++) {
          // names are unique per resource (across scopes too) so that the oracle can find a metric by them
          Metric.Builder metric = Metric.newBuilder().setName("m" + sc + "_" + m).setDescription("d").setUnit("ms");
          int points = random.nextInt(5);
          switch (random.nextInt(5)) {
            case 0 -> {
              Gauge.Builder g = Gauge.newBuilder();
              for (int i = 0; i < points; i++) {
                g.addDataPoints(number(random));
              }
              metric.setGauge(g);
            }
            case 1 -> {
              Sum.Builder s = Sum.newBuilder().setIsMonotonic(random.nextBoolean())
                  .setAggregationTemporality(random.nextBoolean() ? AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
                      : AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
              for (int i = 0; i < points; i++) {
                s.addDataPoints(number(random));
              }
              metric.setSum(s);
            }
            case 2 -> {
              Histogram.Builder h = Histogram.newBuilder()
                  .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
              for (int i = 0; i < points; i++) {
                h.addDataPoints(HistogramDataPoint.newBuilder().setTimeUnixNano(T + i).setCount(3).setSum(2.5)
                    .addExplicitBounds(1).addExplicitBounds(5).addBucketCounts(1).addBucketCounts(1)
                    .addBucketCounts(1).setMin(0.1).setMax(9));
              }
              metric.setHistogram(h);
            }
            case 3 -> {
              ExponentialHistogram.Builder h = ExponentialHistogram.newBuilder();
              for (int i = 0; i < points; i++) {
                h.addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(T + i).setScale(-2)
                    .setZeroCount(1).setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(3)
                        .addBucketCounts(4)));
              }
              metric.setExponentialHistogram(h);
            }
            default -> {
              Summary.Builder s = Summary.newBuilder();
              for (int i = 0; i < points; i++) {
                s.addDataPoints(SummaryDataPoint.newBuilder().setTimeUnixNano(T + i).setCount(2).setSum(3)
                    .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.5).setValue(1)));
              }
              metric.setSummary(s);
            }
          }
          sm.addMetrics(metric);
        }
        rm.addScopeMetrics(sm);
      }
      b.addResourceMetrics(rm);
    }
    return b.build();
  }
}
