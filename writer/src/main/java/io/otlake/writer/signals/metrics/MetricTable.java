package io.otlake.writer.signals.metrics;

import io.otlake.writer.parquet.RowWriter;
import io.otlake.writer.signals.PartitionSource;
import io.otlake.writer.signals.RowMapper;
import io.otlake.writer.signals.TableUnit;
import io.otlake.writer.table.TableDefaults;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;

/**
 * One of the five metric tables, one per point kind as the OpenTelemetry Collector's ClickHouse exporter splits
 * them: {@link MetricSchemas#schema} (the common columns around the kind's own), partitioned by day(timestamp) and
 * service_name, rows by {@link PointColumns}.
 */
public final class MetricTable implements TableUnit<MetricView> {
  /** In the order of the kinds ({@link MetricView#table()}). */
  public static final List<MetricTable> ALL = List.of(
      new MetricTable("metrics_gauge", MetricView.GAUGE),
      new MetricTable("metrics_sum", MetricView.SUM),
      new MetricTable("metrics_histogram", MetricView.HISTOGRAM),
      new MetricTable("metrics_exponential_histogram", MetricView.EXPONENTIAL_HISTOGRAM),
      new MetricTable("metrics_summary", MetricView.SUMMARY));

  private final String name;
  private final Schema schema;
  private final PartitionSpec spec;
  private final SortOrder sortOrder;

  private MetricTable(String name, int kind) {
    this.name = name;
    this.schema = MetricSchemas.schema(kind);
    this.spec = PartitionSpec.builderFor(schema).day("timestamp").identity("service_name").build();
    this.sortOrder = SortOrder.builderFor(schema).asc("metric_name").asc("timestamp").build();
  }

  @Override
  public String defaultName() {
    return name;
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public PartitionSpec spec() {
    return spec;
  }

  /**
   * For compactions: by metric name, then time, within a partition (one service and day). A query reads one metric
   * (a counter's rate, a latency histogram's quantiles) over a time range, so sorted files give it row groups
   * whose name statistics skip every other metric and whose points come in time order; a series' points (by
   * attributes, which cannot be a sort key) follow each other in time within the metric's run.
   */
  @Override
  public SortOrder sortOrder() {
    return sortOrder;
  }

  /** As the traces table: format v2, Parquet with zstd and v2 encodings, the configured target file size. */
  @Override
  public Map<String, String> properties(long targetFileSizeBytes) {
    return TableDefaults.of(targetFileSizeBytes, List.of(), List.of());
  }


  /**
   * The common scalar columns and the kinds' scalar enums, as {@link PointColumns} and {@link KindColumns} write
   * them (a column a kind's table lacks is never asked for).
   */
  @Override
  public PartitionSource<MetricView> partitionSource(String column) {
    return switch (column) {
      case "start_timestamp" -> p -> p.hasStart() ? p.startMicros() : null;
      case "metric_name" -> p -> PartitionSource.text(p.name());
      case "metric_description" -> p -> PartitionSource.text(p.description());
      case "metric_unit" -> p -> PartitionSource.text(p.unit());
      case "flags" -> MetricView::flags;
      case "aggregation_temporality" -> MetricView::temporality;
      case "is_monotonic" -> MetricView::monotonic;
      case "scale" -> MetricView::scale;
      case "resource_dropped_attributes_count" -> v -> v.resource().droppedAttributes();
      case "resource_schema_url" -> p -> PartitionSource.text(p.resource().schemaUrl());
      case "scope_name" -> p -> PartitionSource.text(p.scope().name());
      case "scope_version" -> p -> PartitionSource.text(p.scope().version());
      case "scope_dropped_attributes_count" -> v -> v.scope().droppedAttributes();
      case "scope_schema_url" -> p -> PartitionSource.text(p.scope().schemaUrl());
      default -> TableUnit.super.partitionSource(column);
    };
  }

  @Override
  public RowMapper<MetricView> mapper(RowWriter row) {
    return new PointColumns(row);
  }

  @Override
  public String toString() {
    return name;
  }
}
