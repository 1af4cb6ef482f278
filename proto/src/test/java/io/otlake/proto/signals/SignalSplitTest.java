package io.otlake.proto.signals;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;

/**
 * The scan and split of logs and metrics against protobuf's parser as the oracle, on randomized requests: every
 * record parses, holds the items of one key with their resource, scope and metric unchanged, and together they hold
 * exactly the request's items; rejected items are left out; what the scan takes of mutated bytes protobuf takes too, and its records parse.
 */
class SignalSplitTest {
  private static final long T = 1_800_000_000_000_000_000L;

  @Test
  void logsSplitByTraceIdOrResourceAndKeepEveryRecord() throws Exception {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      ExportLogsServiceRequest request = RandomRequests.logs(random);
      byte[] bytes = request.toByteArray();
      ScannedRequest r = ScannedRequest.scan(bytes, LogContract.TREE);
      List<OtlpRecord> records = new RecordSplitter(1024 + random.nextInt(4000)).split(r, LogContract.INSTANCE);
      Map<String, List<LogRecord>> byKey = new HashMap<>();
      for (OtlpRecord rec : records) {
        ExportLogsServiceRequest part = ExportLogsServiceRequest.parseFrom(rec.value());
        String key = new String(rec.key(), StandardCharsets.US_ASCII);
        int items = 0;
        for (ResourceLogs rl : part.getResourceLogsList()) {
          ResourceLogs original = findResource(request, rl.getResource());
          assertThat(rl.getSchemaUrl()).isEqualTo(original.getSchemaUrl());
          for (ScopeLogs sl : rl.getScopeLogsList()) {
            for (LogRecord lr : sl.getLogRecordsList()) {
              items++;
              byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(lr);
              if (lr.getTraceId().size() == 16 && !lr.getTraceId().equals(ByteString.copyFrom(new byte[16]))) {
                assertThat(key).isEqualTo(Hex.encode(lr.getTraceId().toByteArray(), 0, 16));
              } else {
                assertThat(key).hasSize(16); // the resource's hash
              }
            }
          }
        }
        assertThat(rec.items()).isEqualTo(items);
      }
      List<LogRecord> all = new ArrayList<>();
      request.getResourceLogsList().forEach(rl -> rl.getScopeLogsList().forEach(sl -> all.addAll(sl.getLogRecordsList())));
      assertThat(byKey.values().stream().mapToInt(List::size).sum()).isEqualTo(all.size());
      assertThat(byKey.values().stream().flatMap(List::stream).toList()).containsExactlyInAnyOrderElementsOf(all);
    }
  }

  @Test
  void metricsKeepASeriesUnderOneKeyWithItsMetricAndKind() throws Exception {
    Random random = new Random(11);
    for (int round = 0; round < 200; round++) {
      ExportMetricsServiceRequest request = RandomRequests.metrics(random);
      ScannedRequest r = ScannedRequest.scan(request.toByteArray(), MetricContract.TREE);
      assertThat(r.itemCount()).isEqualTo(points(request));
      List<OtlpRecord> records = new RecordSplitter(1024 + random.nextInt(4000)).split(r, MetricContract.INSTANCE);
      Map<String, String> keyOfSeries = new HashMap<>();
      int items = 0;
      List<String> seen = new ArrayList<>();
      for (OtlpRecord rec : records) {
        ExportMetricsServiceRequest part = ExportMetricsServiceRequest.parseFrom(rec.value());
        String key = new String(rec.key(), StandardCharsets.US_ASCII);
        for (ResourceMetrics rm : part.getResourceMetricsList()) {
          for (ScopeMetrics sm : rm.getScopeMetricsList()) {
            for (Metric m : sm.getMetricsList()) {
              Metric original = findMetric(request, rm.getResource(), m.getName());
              assertThat(m.getDataCase()).isEqualTo(original.getDataCase());
              assertThat(m.getDescription()).isEqualTo(original.getDescription());
              assertThat(m.toBuilder().clearGauge().clearSum().clearHistogram().clearExponentialHistogram()
                  .clearSummary().build()).isEqualTo(original.toBuilder().clearGauge().clearSum().clearHistogram()
                  .clearExponentialHistogram().clearSummary().build());
              if (m.hasSum()) {
                assertThat(m.getSum().getAggregationTemporality())
                    .isEqualTo(original.getSum().getAggregationTemporality());
                assertThat(m.getSum().getIsMonotonic()).isEqualTo(original.getSum().getIsMonotonic());
              }
              String series = rm.getResource() + "/" + m.getName();
              assertThat(keyOfSeries.computeIfAbsent(series, s -> key)).as("one key per resource and metric")
                  .isEqualTo(key);
              List<? extends Message> ps = pointsOf(m);
              items += ps.size();
              ps.forEach(p -> seen.add(series + p));
            }
          }
        }
      }
      assertThat(items).isEqualTo(points(request));
      List<String> expected = new ArrayList<>();
      for (ResourceMetrics rm : request.getResourceMetricsList()) {
        for (ScopeMetrics sm : rm.getScopeMetricsList()) {
          for (Metric m : sm.getMetricsList()) {
            pointsOf(m).forEach(p -> expected.add(rm.getResource() + "/" + m.getName() + p));
          }
        }
      }
      assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void rejectedItemsAreLeftOut() throws Exception {
    ExportMetricsServiceRequest request = RandomRequests.metrics(new Random(3));
    ScannedRequest r = ScannedRequest.scan(request.toByteArray(), MetricContract.TREE);
    boolean[] rejected = new boolean[r.itemCount()];
    int kept = 0;
    for (int i = 0; i < rejected.length; i++) {
      rejected[i] = i % 3 == 0;
      kept += rejected[i] ? 0 : 1;
    }
    int stored = 0;
    for (OtlpRecord rec : new RecordSplitter(1 << 20).split(r, rejected, MetricContract.INSTANCE)) {
      stored += points(ExportMetricsServiceRequest.parseFrom(rec.value()));
      assertThat(rec.items()).isEqualTo(points(ExportMetricsServiceRequest.parseFrom(rec.value())));
    }
    assertThat(stored).isEqualTo(kept);
  }

  @Test
  void mutatedBytesTheScanTakesProtobufTakesToo() throws Exception {
    mutate(RandomRequests.logs(new Random(5)).toByteArray(), LogContract.INSTANCE, ExportLogsServiceRequest.parser()::parseFrom);
    mutate(RandomRequests.metrics(new Random(6)).toByteArray(), MetricContract.INSTANCE,
        ExportMetricsServiceRequest.parser()::parseFrom);
  }

  @Test
  void otlpJsonOfLogsAndMetricsReadsBackToTheSameRequest() throws Exception {
    Random random = new Random(13);
    for (int round = 0; round < 50; round++) {
      ExportLogsServiceRequest logs = RandomRequests.logs(random);
      assertThat(ExportLogsServiceRequest.parseFrom(io.otlake.proto.json.OtlpJson.logsRequestToProto(
          io.otlake.proto.json.OtlpJson.requestToJson(logs)))).isEqualTo(logs);
      ExportMetricsServiceRequest metrics = RandomRequests.metrics(random);
      assertThat(ExportMetricsServiceRequest.parseFrom(io.otlake.proto.json.OtlpJson.metricsRequestToProto(
          io.otlake.proto.json.OtlpJson.requestToJson(metrics)))).isEqualTo(metrics);
    }
    // zeros in repeated numbers are values: a histogram's empty buckets and a 0 bound
    ExportMetricsServiceRequest zeros = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(
        ResourceMetrics.newBuilder().addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder()
            .setName("h").setHistogram(Histogram.newBuilder().addDataPoints(HistogramDataPoint.newBuilder()
                .setTimeUnixNano(T).addExplicitBounds(0).addExplicitBounds(5).addBucketCounts(0).addBucketCounts(2)
                .addBucketCounts(0)))))).build();
    assertThat(ExportMetricsServiceRequest.parseFrom(io.otlake.proto.json.OtlpJson.metricsRequestToProto(
        io.otlake.proto.json.OtlpJson.requestToJson(zeros)))).isEqualTo(zeros);
  }

  private interface Parser {
    Message parse(byte[] b) throws InvalidProtocolBufferException;
  }

  private static void mutate(byte[] good, SignalContract contract, Parser parser) throws Exception {
    Random random = new Random(good.length);
    int accepted = 0;
    for (int i = 0; i < 5000; i++) {
      byte[] b = good.clone();
      for (int f = 0, n = 1 + random.nextInt(3); f < n; f++) {
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      }
      boolean protobufTakes;
      try {
        parser.parse(b);
        protobufTakes = true;
      } catch (InvalidProtocolBufferException e) {
        protobufTakes = false;
      }
      ScannedRequest r;
      try {
        r = ScannedRequest.scan(b, contract.tree());
      } catch (MalformedRequestException e) {
        continue; // stricter than protobuf only in refusing known fields of the wrong wire type
      }
      assertThat(protobufTakes).as("took what protobuf refuses: " + Hex.encode(b, 0, b.length)).isTrue();
      accepted++;
      for (OtlpRecord rec : new RecordSplitter(1 << 20).split(r, contract)) {
        parser.parse(rec.value());
      }
    }
    assertThat(accepted).isGreaterThan(50);
  }


  static List<? extends Message> pointsOf(Metric m) {
    return switch (m.getDataCase()) {
      case GAUGE -> m.getGauge().getDataPointsList();
      case SUM -> m.getSum().getDataPointsList();
      case HISTOGRAM -> m.getHistogram().getDataPointsList();
      case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsList();
      case SUMMARY -> m.getSummary().getDataPointsList();
      default -> List.of();
    };
  }

  static int points(ExportMetricsServiceRequest r) {
    return r.getResourceMetricsList().stream().flatMap(rm -> rm.getScopeMetricsList().stream())
        .flatMap(sm -> sm.getMetricsList().stream()).mapToInt(m -> pointsOf(m).size()).sum();
  }

  private static ResourceLogs findResource(ExportLogsServiceRequest r, Resource resource) {
    return r.getResourceLogsList().stream().filter(rl -> rl.getResource().equals(resource)).findFirst().orElseThrow();
  }

  private static Metric findMetric(ExportMetricsServiceRequest r, Resource resource, String name) {
    Set<Metric> found = new HashSet<>();
    for (ResourceMetrics rm : r.getResourceMetricsList()) {
      if (rm.getResource().equals(resource)) {
        rm.getScopeMetricsList().forEach(sm -> sm.getMetricsList().stream()
            .filter(m -> m.getName().equals(name)).forEach(found::add));
      }
    }
    assertThat(found).hasSize(1);
    return found.iterator().next();
  }
}
