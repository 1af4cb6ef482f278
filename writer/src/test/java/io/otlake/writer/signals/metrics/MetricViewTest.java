package io.otlake.writer.signals.metrics;

import static io.otlake.writer.signals.metrics.TestRequests.BIG;
import static io.otlake.writer.signals.metrics.TestRequests.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.otlake.proto.wire.MalformedRequestException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetricViewTest {
  private final MetricView view = new MetricView();

  private MetricView at(int point) {
    view.moveTo(point);
    return view;
  }

  @Test
  void readsEveryKindInRequestOrder() throws Exception {
    view.reset(TestRequests.everyKind().toByteArray());
    assertThat(view.itemCount()).isEqualTo(15);
    int[] tables = new int[15];
    String[] services = new String[15];
    for (int i = 0; i < 15; i++) {
      tables[i] = at(i).table();
      services[i] = view.serviceName();
    }
    assertThat(tables).containsExactly(0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 4, 0);
    assertThat(services).containsExactly("checkout", "checkout", "checkout", "checkout", "checkout", "checkout",
        "checkout", "checkout", "checkout", "checkout", "cart", "cart", "cart", "cart", null);
  }

  @Test
  void gaugeValuesIntDoubleAndNone() throws Exception {
    view.reset(TestRequests.everyKind().toByteArray());
    MetricView p = at(0);
    assertThat(p.timestampMicros()).isEqualTo(T / 1000);
    assertThat(p.hasStart()).isFalse();
    assertThat(p.name().toString()).isEqualTo("cpu");
    assertThat(p.description().toString()).isEqualTo("cpu use");
    assertThat(p.unit().toString()).isEqualTo("1");
    assertThat(p.number().present()).isTrue();
    assertThat(p.number().isInt()).isFalse();
    assertThat(p.number().asDouble()).isEqualTo(0.25);
    assertThat(p.attributes().version()).isPositive();
    assertThat(p.resource().droppedAttributes()).isEqualTo(2);
    assertThat(p.resource().schemaUrl().toString()).isEqualTo("https://s/1.24.0");
    assertThat(p.scope().name().toString()).isEqualTo("app");
    assertThat(p.scope().version()).isNull();

    MetricView.Exemplars ex = p.exemplars();
    assertThat(ex.count()).isEqualTo(2);
    MetricView.Exemplar traced = ex.get(0);
    assertThat(traced.traceId().toString()).isEqualTo("0102030405060708090a0b0c0d0e0f10");
    assertThat(traced.spanId().toString()).isEqualTo("a1020304050607ff");
    assertThat(traced.timeMicros()).isEqualTo((T - 5) / 1000);
    assertThat(traced.value().isInt()).isFalse();
    assertThat(traced.value().asDouble()).isEqualTo(0.3);
    MetricView.Exemplar untraced = ex.get(1);
    assertThat(untraced.traceId()).isNull();
    assertThat(untraced.spanId()).isNull();
    assertThat(untraced.hasTime()).isFalse();
    assertThat(untraced.value().isInt()).isTrue();
    assertThat(untraced.value().asInt()).isEqualTo(-7);

    p = at(1);
    assertThat(p.startMicros()).isEqualTo((T - 1000) / 1000);
    assertThat(p.number().isInt()).isTrue();
    assertThat(p.number().asInt()).as("an int beyond 2^53 is exact").isEqualTo(BIG);
    assertThat(p.exemplars().count()).isZero();
    p = at(2);
    assertThat(p.number().present()).isFalse();
    assertThat(p.flags()).isEqualTo(1);
    assertThat(at(3).number().asInt()).isEqualTo(Long.MIN_VALUE);
    assertThat(at(4).number().asDouble()).isNaN();
  }

  @Test
  void sumTemporalityAndMonotonicity() throws Exception {
    view.reset(TestRequests.everyKind().toByteArray());
    MetricView p = at(5);
    assertThat(p.temporality()).isEqualTo(2);
    assertThat(p.monotonic()).isTrue();
    assertThat(p.number().asInt()).isEqualTo(Long.MAX_VALUE);
    assertThat(p.description()).isNull();
    p = at(7);
    assertThat(p.name().toString()).isEqualTo("queue.delta");
    assertThat(p.temporality()).isEqualTo(1);
    assertThat(p.monotonic()).isFalse();
    assertThat(p.number().asDouble()).isEqualTo(-2.5);
    assertThat(p.exemplars().get(0).value().asInt()).isEqualTo(BIG);
    assertThat(p.exemplars().get(0).traceId()).isNull();
    assertThat(p.exemplars().get(0).spanId().toString()).isEqualTo("a1020304050607ff");
  }

  @Test
  void histogramsWithAndWithoutOptionalFields() throws Exception {
    view.reset(TestRequests.everyKind().toByteArray());
    MetricView p = at(8);
    assertThat(p.count()).isEqualTo(6);
    assertThat(p.hasSum()).isTrue();
    assertThat(p.sum()).isEqualTo(40.5);
    assertThat(p.hasMin()).isTrue();
    assertThat(p.min()).isEqualTo(0.5);
    assertThat(p.max()).isEqualTo(30);
    assertThat(p.bucketCounts().size()).isEqualTo(3);
    assertThat(p.bucketCounts().get(1)).isEqualTo(3);
    assertThat(p.explicitBounds().size()).isEqualTo(2);
    assertThat(p.explicitBounds().get(1)).isEqualTo(10);
    assertThat(p.temporality()).isEqualTo(2);
    p = at(9);
    assertThat(p.hasSum()).isFalse();
    assertThat(p.hasMin()).isFalse();
    assertThat(p.hasMax()).isFalse();
    assertThat(p.bucketCounts().size()).isZero();

    p = at(10);
    assertThat(p.scale()).isEqualTo(-3);
    assertThat(p.zeroCount()).isEqualTo(2);
    assertThat(p.zeroThreshold()).isEqualTo(1e-9);
    assertThat(p.positiveOffset()).isEqualTo(-5);
    assertThat(p.positiveCounts().size()).isEqualTo(3);
    assertThat(p.positiveCounts().get(2)).isEqualTo(1L << 40);
    assertThat(p.negativeOffset()).isEqualTo(7);
    assertThat(p.negativeCounts().get(0)).isEqualTo(3);
    assertThat(p.temporality()).isEqualTo(1);
    assertThat(p.scope().version().toString()).isEqualTo("2.1");
    assertThat(p.scope().droppedAttributes()).isEqualTo(1);
    assertThat(p.scope().schemaUrl().toString()).isEqualTo("https://scope/1");
    assertThat(p.exemplars().count()).isEqualTo(1);
    p = at(11);
    assertThat(p.hasMin()).isFalse();
    assertThat(p.hasSum()).isFalse();
    assertThat(p.scale()).isEqualTo(4);
    assertThat(p.positiveCounts().size()).isZero();

    p = at(12);
    assertThat(p.count()).isEqualTo(4);
    assertThat(p.hasSum()).as("a summary's sum is not optional").isTrue();
    assertThat(p.quantiles().size()).isEqualTo(2);
    assertThat(p.quantiles().get(1)).isEqualTo(0.99);
    assertThat(p.quantileValues().get(1)).isEqualTo(0.4);
    assertThat(at(13).quantiles().size()).isZero();
  }

  @Test
  void identityIsTheSameForTheSamePointResentAndDiffersOtherwise() throws Exception {
    ExportMetricsServiceRequest r = TestRequests.everyKind();
    List<String> ids = identities(r.toByteArray());
    assertThat(new HashSet<>(ids)).hasSize(ids.size());
    assertThat(identities(r.toByteArray())).isEqualTo(ids);
    assertThat(identities(new MetricView(), r.toByteArray())).as("another view of the process").isEqualTo(ids);

    // the same point in a record of its own (as the gateway splits by resource and metric) keeps its identity
    ResourceMetrics first = r.getResourceMetrics(0);
    ExportMetricsServiceRequest alone = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(
        first.toBuilder().setScopeMetrics(0, first.getScopeMetrics(0).toBuilder().clearMetrics()
            .addMetrics(first.getScopeMetrics(0).getMetrics(1)))).build();
    assertThat(identities(alone.toByteArray())).containsExactly(ids.get(5), ids.get(6));

    // the same point bytes under another metric name, another kind, or another resource: other identities
    Metric sum = first.getScopeMetrics(0).getMetrics(1);
    Set<String> variants = new HashSet<>();
    variants.add(only(sum));
    variants.add(only(sum.toBuilder().setName("requests2").build()));
    variants.add(only(sum.toBuilder().setSum(sum.getSum().toBuilder().setIsMonotonic(false)).build()));
    variants.add(only(Metric.newBuilder().setName("requests").setUnit("{request}")
        .setGauge(io.opentelemetry.proto.metrics.v1.Gauge.newBuilder().addAllDataPoints(
            sum.getSum().getDataPointsList())).build()));
    assertThat(variants).hasSize(4);
  }

  private String only(Metric m) throws MalformedRequestException {
    ExportMetricsServiceRequest r = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(
        ResourceMetrics.newBuilder().addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(m))).build();
    return identities(r.toByteArray()).get(0);
  }

  private List<String> identities(byte[] request) throws MalformedRequestException {
    return identities(view, request);
  }

  private static List<String> identities(MetricView view, byte[] request) throws MalformedRequestException {
    view.reset(request);
    List<String> out = new ArrayList<>();
    byte[] id = new byte[24];
    for (int i = 0; i < view.itemCount(); i++) {
      view.moveTo(i);
      view.identity(id);
      out.add(Arrays.toString(id));
    }
    return out;
  }

  @Test
  void aMetricWithTwoDataKindsIsRefused() {
    byte[] gauge = Metric.newBuilder().setName("m").setGauge(io.opentelemetry.proto.metrics.v1.Gauge.newBuilder()
        .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(T))).build().toByteArray();
    byte[] sum = Metric.newBuilder().setSum(io.opentelemetry.proto.metrics.v1.Sum.newBuilder()
        .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(T))).build().toByteArray();
    byte[] metric = WireBytes.concat(gauge, sum);
    byte[] request = WireBytes.request(metric);
    assertThatThrownBy(() -> view.reset(request)).isInstanceOf(MalformedRequestException.class);
  }
}
