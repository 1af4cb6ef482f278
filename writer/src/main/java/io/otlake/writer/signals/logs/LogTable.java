package io.otlake.writer.signals.logs;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

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
import org.apache.iceberg.types.Types;

/**
 * The {@code logs} table: one row per log record, every field of OTLP's LogRecord, its resource and its scope.
 *
 * <ul>
 *   <li>{@code timestamp} (required, the partition's day) is the record's time, or its observed time when the time
 *       is unset, as the OTLP spec says to read it and as the gateway validated it; a query by time so finds every
 *       record. Microseconds, like every Iceberg timestamptz.
 *   <li>{@code time_unix_nano} is time_unix_nano exactly as sent, null when unset: it tells a record whose time came
 *       from the observed time from one that had both, and keeps the nanoseconds a timestamptz drops.
 *       {@code observed_timestamp} is the observed time (null when unset).
 *   <li>{@code trace_id}, {@code span_id}: lower-case hex, null when the record has none (most logs), so
 *       {@code trace_id IS NOT NULL} finds the traced ones and a join with {@code traces} on {@code trace_id} works.
 *   <li>{@code body}: the body as text in the OpenTelemetry specification's form for non-OTLP formats, as attribute
 *       values are kept ({@link io.otlake.writer.decode.AttributeText}): a string as is, a kvlist (structured log)
 *       as a JSON object, so {@code json_extract(body, '$.user.id')} works; {@code body_type} names the OTLP type
 *       of a body that is not a string ({@code kvlist}, {@code int}, {@code bytes}, ...; null for a string body, and
 *       with {@code body} null for a record without one), so the type is never lost.
 *   <li>Attribute maps as in {@code traces}: values as text, {@code *_attribute_types} for non-string values.
 *   <li>{@code service_name} is the resource's service.name: the partition's second field, as in {@code traces}.
 * </ul>
 *
 * Partitioned by {@code day(timestamp), service_name}; sort order {@code timestamp, service_name} (what compaction
 * sorts by: logs are read by time range and service). Properties as {@code traces}'s: zstd, v2 encodings, no
 * dictionary for the random ids, a bloom filter on {@code trace_id} (finding a trace's logs reads only the row groups
 * that may hold it).
 */
public final class LogTable implements TableUnit<LogView> {
  public static final String DEFAULT_NAME = "logs";
  public static final LogTable INSTANCE = new LogTable();

  private static Types.MapType stringMap(int keyId, int valueId) {
    return Types.MapType.ofRequired(keyId, valueId, Types.StringType.get(), Types.StringType.get());
  }

  public static final Schema SCHEMA = new Schema(
      required(1, "timestamp", Types.TimestampType.withZone(), "time_unix_nano, or observed time when unset"),
      optional(2, "observed_timestamp", Types.TimestampType.withZone(), "observed_time_unix_nano; null when unset"),
      optional(3, "time_unix_nano", Types.LongType.get(), "time_unix_nano as sent; null when unset"),
      optional(4, "trace_id", Types.StringType.get(), "lower-case hex, 32 digits; null when none"),
      optional(5, "span_id", Types.StringType.get(), "lower-case hex, 16 digits; null when none"),
      optional(6, "flags", Types.LongType.get(), "OTLP log record flags (W3C trace flags in the low byte)"),
      optional(7, "severity_text", Types.StringType.get()),
      optional(8, "severity_number", Types.IntegerType.get(), "OTLP SeverityNumber: 0 unspecified, 1-4 trace, 5-8"
          + " debug, 9-12 info, 13-16 warn, 17-20 error, 21-24 fatal"),
      optional(9, "service_name", Types.StringType.get(), "resource attribute service.name"),
      optional(10, "body", Types.StringType.get(), "the body as text (kvlists and arrays as JSON); null when none"),
      optional(11, "body_type", Types.StringType.get(), "OTLP type of a body that is not a string"),
      optional(12, "event_name", Types.StringType.get()),
      optional(13, "attributes", stringMap(14, 15), "log record attributes, values as text"),
      optional(16, "attribute_types", stringMap(17, 18), "OTLP type of each non-string attribute"),
      optional(19, "dropped_attributes_count", Types.IntegerType.get()),
      optional(20, "resource_attributes", stringMap(21, 22), "resource attributes, values as text"),
      optional(23, "resource_attribute_types", stringMap(24, 25), "OTLP type of each non-string resource attribute"),
      optional(26, "resource_dropped_attributes_count", Types.IntegerType.get()),
      optional(27, "resource_schema_url", Types.StringType.get()),
      optional(28, "scope_name", Types.StringType.get(), "instrumentation scope name"),
      optional(29, "scope_version", Types.StringType.get()),
      optional(30, "scope_attributes", stringMap(31, 32)),
      optional(33, "scope_attribute_types", stringMap(34, 35)),
      optional(36, "scope_dropped_attributes_count", Types.IntegerType.get()),
      optional(37, "scope_schema_url", Types.StringType.get()));

  public static final PartitionSpec SPEC =
      PartitionSpec.builderFor(SCHEMA).day("timestamp").identity("service_name").build();

  public static final SortOrder SORT_ORDER =
      SortOrder.builderFor(SCHEMA).asc("timestamp").asc("service_name").build();

  private LogTable() {}

  @Override
  public String defaultName() {
    return DEFAULT_NAME;
  }

  @Override
  public Schema schema() {
    return SCHEMA;
  }

  @Override
  public PartitionSpec spec() {
    return SPEC;
  }

  @Override
  public SortOrder sortOrder() {
    return SORT_ORDER;
  }

  @Override
  public Map<String, String> properties(long targetFileSizeBytes) {
    // ids are random (untraced records' nulls cost nothing either way); a trace's logs are looked up by trace id
    return TableDefaults.of(targetFileSizeBytes, List.of("trace_id", "span_id"), List.of("trace_id"));
  }


  /** Every top-level scalar column, as {@link LogColumns} writes it. */
  @Override
  public PartitionSource<LogView> partitionSource(String column) {
    return switch (column) {
      case "observed_timestamp" -> l -> l.observedTimeUnixNano() == 0 ? null
          : Math.floorDiv(l.observedTimeUnixNano(), 1000);
      case "time_unix_nano" -> l -> l.timeUnixNano() == 0 ? null : l.timeUnixNano();
      case "trace_id" -> l -> PartitionSource.text(l.traceId());
      case "span_id" -> l -> PartitionSource.text(l.spanId());
      case "flags" -> LogView::flags;
      case "severity_text" -> l -> PartitionSource.text(l.severityText());
      case "severity_number" -> LogView::severityNumber;
      case "body" -> l -> PartitionSource.text(l.body());
      case "body_type" -> l -> PartitionSource.text(l.bodyType());
      case "event_name" -> l -> PartitionSource.text(l.eventName());
      case "dropped_attributes_count" -> LogView::droppedAttributes;
      case "resource_dropped_attributes_count" -> v -> v.resource().droppedAttributes();
      case "resource_schema_url" -> l -> PartitionSource.text(l.resource().schemaUrl());
      case "scope_name" -> l -> PartitionSource.text(l.scope().name());
      case "scope_version" -> l -> PartitionSource.text(l.scope().version());
      case "scope_dropped_attributes_count" -> v -> v.scope().droppedAttributes();
      case "scope_schema_url" -> l -> PartitionSource.text(l.scope().schemaUrl());
      default -> TableUnit.super.partitionSource(column);
    };
  }

  @Override
  public RowMapper<LogView> mapper(RowWriter row) {
    return new LogColumns(row);
  }
}
