package io.otlake.writer.signals.metrics;

import io.otlake.proto.json.OtlpJson;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.writer.signals.TableUnit;
import io.otlake.writer.signals.WriterSignal;
import java.util.List;

/**
 * Metrics: data points ({@link MetricView}) into five tables, one per point kind ({@link MetricTable#ALL}: gauge,
 * sum, histogram, exponential histogram, summary).
 */
public final class MetricsSignal implements WriterSignal<MetricView> {
  public static final MetricsSignal INSTANCE = new MetricsSignal();

  private static final List<TableUnit<MetricView>> TABLES = List.copyOf(MetricTable.ALL);

  private MetricsSignal() {}

  @Override
  public io.otlake.proto.SignalContract contract() {
    return io.otlake.proto.signals.MetricContract.INSTANCE;
  }

  @Override
  public List<TableUnit<MetricView>> tables() {
    return TABLES;
  }

  @Override
  public MetricView newView() {
    return new MetricView();
  }

  @Override
  public byte[] jsonToProto(byte[] json) throws MalformedRequestException {
    return OtlpJson.metricsRequestToProto(json);
  }
}
