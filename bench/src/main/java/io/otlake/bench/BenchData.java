package io.otlake.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedRequest;
import io.otlake.writer.signals.WriterSignal;
import io.otlake.writer.signals.logs.LogsSignal;
import io.otlake.writer.signals.metrics.MetricsSignal;
import io.otlake.writer.signals.traces.TracesSignal;
import io.otlake.writer.testing.DemoLogs;
import io.otlake.writer.testing.DemoMetrics;
import io.otlake.writer.testing.DemoTelemetry;
import io.otlake.writer.testing.LogRows;
import io.otlake.writer.testing.MetricRows;
import io.otlake.writer.testing.RichTelemetry;
import io.otlake.writer.testing.SpanRows;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.ObjIntConsumer;
import org.apache.iceberg.data.Record;

/**
 * One data set the writer benchmark runs on: one signal's export requests, serialized as a client sends them, and
 * the writer test-jar's oracle that decodes the same requests into Iceberg generic {@link Record}s (for the peer, the
 * generic writer), each with the index of the signal's table it is a row of. What the benchmark does with a data set
 * knows no signal; the data sets are the only place that does.
 */
final class BenchData {
  /** The metric point kinds, in {@code MetricTable.ALL}'s order (the metrics signal's table indexes). */
  static final List<Metric.DataCase> KINDS = List.of(Metric.DataCase.GAUGE, Metric.DataCase.SUM,
      Metric.DataCase.HISTOGRAM, Metric.DataCase.EXPONENTIAL_HISTOGRAM, Metric.DataCase.SUMMARY);

  /** Decodes one serialized request into generic rows, each handed over with its table's index. */
  @FunctionalInterface
  interface Oracle {
    void decode(byte[] request, ObjIntConsumer<Record> out) throws InvalidProtocolBufferException;
  }

  /** Parses one serialized request (for its OTLP/JSON form). */
  @FunctionalInterface
  interface Parser {
    Message parse(byte[] request) throws InvalidProtocolBufferException;
  }

  /** What it is, in messages: "lean spans", "logs", "metrics (gauge)". */
  final String label;
  /** Appended to result keys and table names; the lean spans keep the keys they always had (no suffix). */
  final String suffix;
  final WriterSignal<?> signal;
  /** The item's name in result keys, singular and plural: span/spans, log_record/log_records. */
  final String item;
  final String items;
  /** The headline key of data file bytes per item at rest. */
  final String bytesKey;
  /** The request's OTLP/JSON form is measured too (the writer reading otlp_json records). */
  final boolean json;
  private final IntFunction<List<byte[]>> requests;
  private final Oracle oracle;
  private final Parser parser;

  private BenchData(String label, String suffix, WriterSignal<?> signal, String item, String items, String bytesKey,
      boolean json, IntFunction<List<byte[]>> requests, Oracle oracle, Parser parser) {
    this.label = label;
    this.suffix = suffix;
    this.signal = signal;
    this.item = item;
    this.items = items;
    this.bytesKey = bytesKey;
    this.json = json;
    this.requests = requests;
    this.oracle = oracle;
    this.parser = parser;
  }

  /** Today's lean demo spans. */
  static final BenchData LEAN = new BenchData("lean spans", "", TracesSignal.INSTANCE, "span", "spans",
      "bytes_per_span", true, BenchData::leanSpans, traceOracle(), ExportTraceServiceRequest::parseFrom);
  /** Issue 13's attribute-rich, OpenTelemetry-demo-shaped spans. */
  static final BenchData RICH = new BenchData("rich spans", "_rich", TracesSignal.INSTANCE, "span", "spans",
      "bytes_per_span_rich", true, BenchData::richSpans, traceOracle(), ExportTraceServiceRequest::parseFrom);
  /** The demo shop's logs ({@link DemoLogs}). */
  static final BenchData LOGS = new BenchData("logs", "_logs", LogsSignal.INSTANCE, "log_record", "log_records",
      "bytes_per_log_record", false, BenchData::logs, logOracle(), ExportLogsServiceRequest::parseFrom);
  /** The demo shop's metrics ({@link DemoMetrics}): the five point kinds in the demo's proportions. */
  static final BenchData METRICS = new BenchData("metrics (demo mix of the five kinds)", "_metrics",
      MetricsSignal.INSTANCE, "data_point", "data_points", "bytes_per_data_point", false,
      n -> metrics(n, null), metricOracle(), ExportMetricsServiceRequest::parseFrom);

  /** The demo's metrics of one point kind only: what that kind's table costs on its own. */
  static BenchData metricKind(Metric.DataCase kind) {
    String name = kind.name().toLowerCase(java.util.Locale.ROOT);
    return new BenchData("metrics (" + name + " only)", "_metrics_" + name, MetricsSignal.INSTANCE, "data_point",
        "data_points", "bytes_per_data_point_" + name, false, n -> metrics(n, kind), metricOracle(),
        ExportMetricsServiceRequest::parseFrom);
  }

  /** Serialized requests holding at least {@code items} items in all. */
  List<byte[]> requests(int items) {
    return requests.apply(items);
  }

  /** How many items (rows) a serialized request holds, by the signal's own wire scan. */
  int itemCount(byte[] request) {
    try {
      return ScannedRequest.scan(request, signal.contract().tree()).itemCount();
    } catch (MalformedRequestException e) {
      throw new IllegalStateException(e);
    }
  }

  void decode(byte[] request, ObjIntConsumer<Record> out) {
    try {
      oracle.decode(request, out);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  Message parse(byte[] request) throws InvalidProtocolBufferException {
    return parser.parse(request);
  }

  private static Oracle traceOracle() {
    SpanRows rows = new SpanRows();
    return (r, out) -> rows.decode(ExportTraceServiceRequest.parseFrom(r), row -> out.accept(row, 0));
  }

  private static Oracle logOracle() {
    LogRows rows = new LogRows();
    return (r, out) -> rows.decode(ExportLogsServiceRequest.parseFrom(r), row -> out.accept(row, 0));
  }

  private static Oracle metricOracle() {
    MetricRows rows = new MetricRows();
    return (r, out) -> rows.decode(ExportMetricsServiceRequest.parseFrom(r), out);
  }

  private static List<byte[]> leanSpans(int spans) {
    DemoTelemetry demo = new DemoTelemetry(11, System.currentTimeMillis() * 1_000_000L - 7_200_000_000_000L, 200, 1);
    return spans(spans, demo::request);
  }

  private static List<byte[]> richSpans(int spans) {
    // two days of traffic ending about now
    RichTelemetry rich = new RichTelemetry(11,
        System.currentTimeMillis() * 1_000_000L - RichTelemetry.TWO_DAYS_NANOS - 3_600_000_000_000L, spans);
    return spans(spans, rich::request);
  }

  /** Requests of 512 spans from {@code next} until they hold at least {@code spans}. */
  private static List<byte[]> spans(int spans, java.util.function.IntFunction<ExportTraceServiceRequest> next) {
    List<byte[]> out = new ArrayList<>();
    for (int n = 0; n < spans; ) {
      ExportTraceServiceRequest r = next.apply(512);
      out.add(r.toByteArray());
      n += Bench.spanCount(r);
    }
    return out;
  }

  private static List<byte[]> logs(int records) {
    // ~1 ms apart on average: 150k records are a few minutes of the shop's logs ending about an hour ago
    DemoLogs demo = new DemoLogs(11, System.currentTimeMillis() * 1_000_000L - 3_600_000_000_000L);
    List<byte[]> out = new ArrayList<>();
    for (int n = 0; n < records; n += 512) {
      out.add(demo.request(512).toByteArray());
    }
    return out;
  }

  /**
   * Demo metrics exports packed into requests of at least 512 points; with {@code kind}, only that kind's metrics
   * are kept (each under its resource and scope, as the demo sends them) and successive exports are packed until a
   * request holds 512 of its points. The demo's 10 s exports start a day ago, so that the kinds with one point per
   * service and export (gauge, summary) stay in the past too.
   */
  static List<byte[]> metrics(int points, Metric.DataCase kind) {
    DemoMetrics demo = new DemoMetrics(11, System.currentTimeMillis() * 1_000_000L - 86_400_000_000_000L);
    List<byte[]> out = new ArrayList<>();
    int n = 0;
    while (n < points) {
      if (kind == null) {
        ExportMetricsServiceRequest r = demo.request(512);
        out.add(r.toByteArray());
        n += pointCount(r.getResourceMetricsList());
        continue;
      }
      ExportMetricsServiceRequest.Builder packed = ExportMetricsServiceRequest.newBuilder();
      int inRequest = 0;
      while (inRequest < 512) {
        for (ResourceMetrics rm : demo.request(512).getResourceMetricsList()) {
          ResourceMetrics only = only(rm, kind);
          if (only != null) {
            packed.addResourceMetrics(only);
            inRequest += pointCount(List.of(only));
          }
        }
      }
      out.add(packed.build().toByteArray());
      n += inRequest;
    }
    return out;
  }

  /** {@code rm} with only the metrics of {@code kind} (scopes left without any dropped), or null if none. */
  static ResourceMetrics only(ResourceMetrics rm, Metric.DataCase kind) {
    ResourceMetrics.Builder b = rm.toBuilder().clearScopeMetrics();
    for (ScopeMetrics sm : rm.getScopeMetricsList()) {
      ScopeMetrics.Builder s = sm.toBuilder().clearMetrics();
      for (Metric m : sm.getMetricsList()) {
        if (m.getDataCase() == kind) {
          s.addMetrics(m);
        }
      }
      if (s.getMetricsCount() > 0) {
        b.addScopeMetrics(s);
      }
    }
    return b.getScopeMetricsCount() == 0 ? null : b.build();
  }

  /** Data points of a metrics request, by kind in {@link #KINDS} order. */
  static int[] pointsByKind(List<ResourceMetrics> resources) {
    int[] out = new int[KINDS.size()];
    for (ResourceMetrics rm : resources) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          switch (m.getDataCase()) {
            case GAUGE -> out[0] += m.getGauge().getDataPointsCount();
            case SUM -> out[1] += m.getSum().getDataPointsCount();
            case HISTOGRAM -> out[2] += m.getHistogram().getDataPointsCount();
            case EXPONENTIAL_HISTOGRAM -> out[3] += m.getExponentialHistogram().getDataPointsCount();
            case SUMMARY -> out[4] += m.getSummary().getDataPointsCount();
            default -> { }
          }
        }
      }
    }
    return out;
  }

  private static int pointCount(List<ResourceMetrics> resources) {
    int n = 0;
    for (int k : pointsByKind(resources)) {
      n += k;
    }
    return n;
  }
}
