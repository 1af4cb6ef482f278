package io.otlake.gateway.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.otlake.gateway.signals.logs.Logs;
import io.otlake.gateway.signals.metrics.Metrics;
import io.otlake.proto.OtlpRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Validation and partial success of logs and metrics through the signal-neutral receiver. */
class SignalReceiverTest {
  private static final long NOW = 1_800_000_000_000_000_000L;
  private final List<OtlpRecord> stored = new CopyOnWriteArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RecordSink sink = (signal, records, context) -> {
    assertThat(context.receivedAtMs()).isEqualTo(NOW / 1_000_000);
    stored.addAll(records);
    return CompletableFuture.completedFuture(null);
  };
  private final Intake intake = Intake.unbounded(new ReceiverMetrics(registry));

  private static LogRecord log(int traceIdBytes, int spanIdBytes, long time, long observed) {
    byte[] trace = new byte[traceIdBytes];
    if (traceIdBytes > 0) {
      trace[0] = 7;
    }
    return LogRecord.newBuilder().setTraceId(ByteString.copyFrom(trace))
        .setSpanId(ByteString.copyFrom(new byte[spanIdBytes])).setTimeUnixNano(time).setObservedTimeUnixNano(observed)
        .build();
  }

  private static byte[] logs(LogRecord... records) {
    return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
        .addScopeLogs(ScopeLogs.newBuilder().addAllLogRecords(List.of(records)))).build().toByteArray();
  }

  private String problem(SignalReceiver r, byte[] request) throws Exception {
    SignalReceiver.Accepted a = r.export(request).get();
    return a.rejected() == 0 ? null : a.message();
  }

  @Test
  void logRecordsAreCheckedOneByOne() throws Exception {
    SignalReceiver r = TestReceivers.of(Logs.UNIT, sink, NOW, intake, 1 << 20);
    LogRecord good = log(16, 8, NOW, NOW);
    assertThat(problem(r, logs(good))).isNull();
    assertThat(problem(r, logs(log(0, 0, 0, NOW)))).as("observed time alone is enough").isNull();
    assertThat(problem(r, logs(log(16, 0, NOW, 0)))).isNull();
    assertThat(problem(r, logs(good, log(15, 8, NOW, NOW))))
        .isEqualTo("1 of 2 log records rejected: resource_logs[0].scope_logs[0].log_records[1]: log record:"
            + " trace_id must be empty or 16 bytes, got 15");
    assertThat(problem(r, logs(log(16, 4, NOW, NOW)))).endsWith("span_id must be empty or 8 bytes, got 4");
    assertThat(problem(r, logs(log(0, 0, 0, 0))))
        .endsWith("time_unix_nano and observed_time_unix_nano are both missing");
    assertThat(problem(r, logs(log(0, 0, 1_000, 0)))).contains("time_unix_nano 1000 is before the year 2000");
    assertThat(problem(r, logs(log(0, 0, NOW + 2 * 86_400_000_000_000L, 0)))).contains("more than a day");
  }

  @Test
  void aMixedLogRequestStoresTheValidRecordsAndReportsTheRejected() throws Exception {
    SignalReceiver r = TestReceivers.of(Logs.UNIT, sink, NOW, intake, 1 << 20);
    LogRecord[] records = new LogRecord[10];
    for (int i = 0; i < records.length; i++) {
      records[i] = i % 2 == 0 ? log(16, 8, NOW, NOW) : log(3, 8, NOW, NOW);
    }
    SignalReceiver.Accepted a = r.export(logs(records)).get();
    assertThat(a.rejected()).isEqualTo(5);
    assertThat(a.message()).startsWith("5 of 10 log records rejected: ").endsWith("; and 2 more");
    assertThat(stored.stream().mapToInt(OtlpRecord::items).sum()).isEqualTo(5);
    for (OtlpRecord rec : stored) {
      ExportLogsServiceRequest.parseFrom(rec.value()).getResourceLogs(0).getScopeLogs(0).getLogRecordsList()
          .forEach(l -> assertThat(l.getTraceId().size()).isEqualTo(16));
    }
    ExportLogsServiceResponse answer = (ExportLogsServiceResponse) Logs.UNIT.response(a.rejected(), a.message());
    assertThat(answer.getPartialSuccess().getRejectedLogRecords()).isEqualTo(5);
    assertThat(registry.get("otlake.gateway.items.refused").tag("signal", "logs").counter().count()).isEqualTo(5);
    assertThat(registry.get("otlake.gateway.items.accepted").tag("signal", "logs").counter().count()).isEqualTo(5);

    // every record rejected: still an answer, nothing stored
    stored.clear();
    SignalReceiver.Accepted none = r.export(logs(log(3, 0, NOW, NOW))).get();
    assertThat(none.rejected()).isEqualTo(1);
    assertThat(stored).isEmpty();
  }

  private static Metric gauge(String name, NumberDataPoint... points) {
    return Metric.newBuilder().setName(name).setGauge(Gauge.newBuilder().addAllDataPoints(List.of(points))).build();
  }

  private static byte[] metrics(Metric... metrics) {
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(List.of(metrics)))).build().toByteArray();
  }

  private static NumberDataPoint point(long start, long time) {
    return NumberDataPoint.newBuilder().setStartTimeUnixNano(start).setTimeUnixNano(time).setAsInt(1).build();
  }

  @Test
  void dataPointsAreCheckedOneByOne() throws Exception {
    SignalReceiver r = TestReceivers.of(Metrics.UNIT, sink, NOW, intake, 1 << 20);
    assertThat(problem(r, metrics(gauge("g", point(NOW - 5, NOW), point(0, NOW))))).isNull();
    assertThat(problem(r, metrics(gauge("g", point(NOW, NOW)), gauge("h", point(NOW, NOW), point(NOW, 0)))))
        .isEqualTo("1 of 3 data points rejected: resource_metrics[0].scope_metrics[0].metrics[1].gauge"
            + ".data_points[1]: gauge point of metric 'h': time_unix_nano is missing");
    assertThat(problem(r, metrics(gauge("g", point(NOW + 1, NOW)))))
        .endsWith("start_time_unix_nano " + (NOW + 1) + " is after time_unix_nano " + NOW);
    assertThat(problem(r, metrics(gauge("g", point(0, NOW).toBuilder().addExemplars(Exemplar.newBuilder()
        .setTraceId(ByteString.copyFrom(new byte[15]))).build())))).endsWith("exemplars[0].trace_id must be empty"
        + " or 16 bytes, got 15");
    Metric badHistogram = Metric.newBuilder().setName("h").setHistogram(Histogram.newBuilder().addDataPoints(
        HistogramDataPoint.newBuilder().setTimeUnixNano(NOW).addExplicitBounds(1).addExplicitBounds(2)
            .addBucketCounts(1).addBucketCounts(2))).build();
    assertThat(problem(r, metrics(badHistogram))).endsWith("bucket_counts has 2 values and explicit_bounds 2;"
        + " there must be one more bucket count than bounds");
  }

  @Test
  void aMixedMetricsRequestStoresTheValidPointsUnderTheirMetric() throws Exception {
    SignalReceiver r = TestReceivers.of(Metrics.UNIT, sink, NOW, intake, 1 << 20);
    SignalReceiver.Accepted a = r.export(metrics(gauge("g", point(0, NOW), point(0, 0), point(0, NOW + 1)))).get();
    assertThat(a.rejected()).isEqualTo(1);
    assertThat(stored).hasSize(1);
    Metric m = ExportMetricsServiceRequest.parseFrom(stored.get(0).value()).getResourceMetrics(0).getScopeMetrics(0)
        .getMetrics(0);
    assertThat(m.getName()).isEqualTo("g");
    assertThat(m.getGauge().getDataPointsList()).extracting(NumberDataPoint::getTimeUnixNano)
        .containsExactly(NOW, NOW + 1);
    ExportMetricsServiceResponse answer = (ExportMetricsServiceResponse) Metrics.UNIT.response(1, a.message());
    assertThat(answer.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
  }

  @Test
  void anUnparseableRequestIsRefusedWhole() {
    SignalReceiver r = TestReceivers.of(Metrics.UNIT, sink, NOW, intake, 1 << 20);
    Throwable refusal = r.export(new byte[] {0x0a, 0x05, 1}).handle((ok, e) -> e).join();
    assertThat(refusal).isInstanceOf(Rejection.class)
        .hasMessageStartingWith("not a valid ExportMetricsServiceRequest");
    assertThat(((Rejection) refusal).kind()).isEqualTo(Rejection.Kind.INVALID);
  }
}
