package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;

/**
 * Spark 4.1 with Iceberg's Spark runtime reads every table the writer creates through local mode's REST catalog
 * (given only its URI; the S3 server's settings come from the catalog): every column of every row, with Iceberg's
 * row reader and with its vectorized Parquet reader, is what the test sent; the seed design's statements run
 * unchanged (p99 by service over 30 days, time travel by timestamp and by version, compaction and snapshot expiry
 * through the runtime's procedures), and so do the README's example queries, whose outputs it keeps in
 * target/engines/readme-queries.txt.
 */
class SparkReadsIT {
  private static final Map<String, String> ROW_READER = Map.of("spark.sql.iceberg.vectorization.enabled", "false");
  private static final Map<String, String> VECTORIZED = Map.of("spark.sql.iceberg.vectorization.enabled", "true");
  private static final DateTimeFormatter SQL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
      .withZone(ZoneOffset.UTC);

  static final String P99 = """
      SELECT
          service_name,
          operation_name,
          approx_percentile(duration_ms, 0.99) as p99_ms,
          count(*) as span_count
      FROM otel.traces
      WHERE timestamp >= current_timestamp - INTERVAL '30' DAY
      GROUP BY service_name, operation_name
      ORDER BY p99_ms DESC
      LIMIT 20""";
  static final String COMPACT = """
      CALL otlake.system.rewrite_data_files(
          table => 'otel.traces',
          strategy => 'sort',
          sort_order => 'timestamp ASC, service_name ASC'
      )""";
  static final String EXPIRE = """
      CALL otlake.system.expire_snapshots(
          'otel.traces', TIMESTAMP '2026-01-01 00:00:00'
      )""";
  static final String TRACE = """
      SELECT span_id, parent_span_id, service_name, operation_name, round(duration_ms, 3) AS duration_ms, status_code
      FROM otel.traces
      WHERE trace_id = '%s'
      ORDER BY timestamp""";
  static final String TRACE_LOGS = """
      SELECT timestamp, span_id, severity_text, body
      FROM otel.logs
      WHERE trace_id = '%s'
      ORDER BY timestamp""";
  static final String RATE = """
      WITH points AS (
        SELECT service_name, attributes['http.route'] AS route, timestamp,
               value - lag(value) OVER (PARTITION BY service_name, attributes['http.route'],
                   attributes['http.request.method'], attributes['http.response.status_code']
                   ORDER BY timestamp) AS increase
        FROM otel.metrics_sum
        WHERE metric_name = 'http.server.request.count'
          AND timestamp >= current_timestamp - INTERVAL '1' DAY)
      SELECT service_name, route,
             round(try_divide(sum(increase), unix_seconds(max(timestamp)) - unix_seconds(min(timestamp))), 2)
               AS requests_per_second
      FROM points
      GROUP BY service_name, route
      ORDER BY requests_per_second DESC
      LIMIT 5""";
  static final String PERCENTILES = """
      WITH merged AS (
        SELECT service_name, explicit_bounds,
               aggregate(collect_list(bucket_counts), array_repeat(0L, size(explicit_bounds) + 1),
                         (acc, b) -> zip_with(acc, b, (x, y) -> x + y)) AS buckets
        FROM otel.metrics_histogram
        WHERE metric_name = 'http.server.request.duration'
          AND timestamp >= current_timestamp - INTERVAL '1' DAY
        GROUP BY service_name, explicit_bounds),
      running AS (
        SELECT service_name, explicit_bounds,
               transform(buckets, (c, i) -> aggregate(slice(buckets, 1, i + 1), 0L, (a, x) -> a + x)) AS below,
               aggregate(buckets, 0L, (a, x) -> a + x) AS requests
        FROM merged)
      SELECT service_name, requests,
             try_element_at(explicit_bounds,
                 CAST(array_position(transform(below, n -> n >= requests * 0.5), true) AS INT)) AS p50_at_most_s,
             try_element_at(explicit_bounds,
                 CAST(array_position(transform(below, n -> n >= requests * 0.99), true) AS INT)) AS p99_at_most_s
      FROM running
      ORDER BY requests DESC""";

  @Test
  void sparkReadsEveryTableWithBothReadersAndRunsTheSeedQueries() throws Exception {
    EngineLake lake = EngineLake.get();
    SparkSql sql = new SparkSql();
    Map<String, List<String>> flatColumns = new LinkedHashMap<>();
    for (String table : lake.expected.keySet()) {
      Schema schema = lake.load(table).schema();
      flatColumns.put(table, Canonical.primitiveColumns(schema));
      sql.step("rows." + table, ROW_READER, "SELECT * FROM otel." + table);
      sql.step("vectorized." + table, VECTORIZED, "SELECT * FROM otel." + table);
      sql.step("flat." + table, VECTORIZED, "SELECT " + String.join(", ", flatColumns.get(table))
          + " FROM otel." + table);
    }
    Snapshot first = lake.firstSnapshot.get("traces");
    String asOf = SQL_TIME.format(Instant.ofEpochMilli(first.timestampMillis()));
    sql.shown("seed.p99", P99);
    sql.shown("seed.timestamp-as-of", "SELECT count(*) as total_spans\nFROM otel.traces\n"
        + "FOR TIMESTAMP AS OF TIMESTAMP '" + asOf + "'");
    sql.shown("seed.version-as-of", "SELECT count(*) as total_spans\nFROM otel.traces\nVERSION AS OF "
        + first.snapshotId());
    sql.shown("logs.timestamp-as-of", "SELECT count(*) FROM otel.logs FOR TIMESTAMP AS OF TIMESTAMP '"
        + SQL_TIME.format(Instant.ofEpochMilli(lake.firstSnapshot.get("logs").timestampMillis())) + "'");
    sql.shown("readme.trace", TRACE.formatted(lake.traceId));
    sql.shown("readme.trace-logs", TRACE_LOGS.formatted(lake.traceId));
    sql.shown("readme.rate", RATE);
    sql.shown("readme.percentiles", PERCENTILES);
    sql.shown("seed.compact", COMPACT);
    sql.shown("compact.all", "CALL otlake.system.rewrite_data_files(table => 'otel.traces', strategy => 'sort', "
        + "sort_order => 'timestamp ASC, service_name ASC', options => map('rewrite-all', 'true'))");
    sql.step("after-compaction.rows.traces", ROW_READER, "SELECT * FROM otel.traces");
    sql.step("after-compaction.flat.traces", VECTORIZED, "SELECT " + String.join(", ", flatColumns.get("traces"))
        + " FROM otel.traces");
    sql.shown("seed.expire", EXPIRE);
    sql.shown("files.traces", "SELECT count(*) FROM otel.traces.files");
    sql.shown("properties.traces", "SHOW TBLPROPERTIES otel.traces");

    Path dir = Path.of("target", "engines").toAbsolutePath();
    Map<String, SparkSql.Result> results = sql.run(lake.restUri(), dir);

    for (Map.Entry<String, List<Record>> e : lake.expected.entrySet()) {
      String table = e.getKey();
      List<String> want = Canonical.rows(e.getValue());
      SparkSql.Result rows = ok(results, "rows." + table);
      assertThat(rows.columnar()).as("row reader: no columnar scan").isFalse();
      assertThat(rows.rows()).as("%s, Iceberg's row reader", table).containsExactlyInAnyOrderElementsOf(want);
      SparkSql.Result vectorized = ok(results, "vectorized." + table);
      assertThat(vectorized.rows()).as("%s, vectorization enabled, every column", table)
          .containsExactlyInAnyOrderElementsOf(want);
      SparkSql.Result flat = ok(results, "flat." + table);
      assertThat(flat.columnar()).as("%s: the vectorized reader served the scan of the primitive columns", table)
          .isTrue();
      List<String> wantFlat = new ArrayList<>();
      e.getValue().forEach(r -> wantFlat.add(Canonical.projected(r, flatColumns.get(table))));
      assertThat(flat.rows()).as("%s, Iceberg's vectorized Parquet reader", table)
          .containsExactlyInAnyOrderElementsOf(wantFlat);
    }

    // the seed's p99: every (service, operation) of the last 30 days with its span count, slowest first
    List<Record> spans = lake.expected.get("traces");
    Map<String, List<Double>> durations = new TreeMap<>();
    for (Record r : spans) {
      durations.computeIfAbsent(cell(r.getField("service_name")) + "|" + cell(r.getField("operation_name")),
          k -> new ArrayList<>()).add((Double) r.getField("duration_ms"));
    }
    SparkSql.Result p99 = ok(results, "seed.p99");
    assertThat(p99.cells()).hasSize(Math.min(20, durations.size()));
    double previous = Double.MAX_VALUE;
    for (List<String> row : p99.cells()) {
      List<Double> group = durations.get(row.get(0) + "|" + row.get(1));
      assertThat(group).as("group %s", row).isNotNull();
      assertThat(Long.parseLong(row.get(3))).isEqualTo(group.size());
      double value = Double.parseDouble(row.get(2));
      assertThat(group).contains(value); // approx_percentile answers one of the values
      List<Double> sorted = group.stream().sorted().toList();
      int rank = sorted.indexOf(value);
      assertThat(rank + 1).as("p99 of %s", row).isGreaterThanOrEqualTo((int) Math.floor(0.99 * group.size()));
      assertThat(value).isLessThanOrEqualTo(previous);
      previous = value;
    }
    // time travel: the first round's snapshot, by its commit time and by its id
    int firstRound = lake.firstRound.get("traces").size();
    assertThat(ok(results, "seed.timestamp-as-of").cells()).containsExactly(List.of(Integer.toString(firstRound)));
    assertThat(ok(results, "seed.version-as-of").cells()).containsExactly(List.of(Integer.toString(firstRound)));
    assertThat(firstRound).isLessThan(spans.size());
    assertThat(ok(results, "logs.timestamp-as-of").cells())
        .containsExactly(List.of(Integer.toString(lake.firstRound.get("logs").size())));

    // a trace and its logs
    List<Record> trace = spans.stream().filter(r -> lake.traceId.equals(r.getField("trace_id")))
        .sorted(Comparator.comparing(r -> (java.time.OffsetDateTime) r.getField("timestamp"))).toList();
    assertThat(ok(results, "readme.trace").cells()).extracting(c -> c.get(0))
        .containsExactlyInAnyOrderElementsOf(trace.stream().map(r -> (String) r.getField("span_id")).toList());
    List<Record> logs = lake.expected.get("logs").stream()
        .filter(r -> lake.traceId.equals(r.getField("trace_id"))).toList();
    assertThat(logs).hasSizeGreaterThan(1);
    assertThat(ok(results, "readme.trace-logs").cells()).extracting(c -> c.get(3))
        .containsExactlyInAnyOrderElementsOf(logs.stream().map(r -> String.valueOf(r.getField("body"))).toList());
    // a counter's rate: positive for the busiest routes
    assertThat(ok(results, "readme.rate").cells()).hasSize(5)
        .allSatisfy(c -> assertThat(Double.parseDouble(c.get(2))).isPositive());
    // a histogram's percentiles: the requests of each service are the sum of its points' counts
    Map<String, Long> requests = new HashMap<>();
    lake.expected.get("metrics_histogram").stream()
        .filter(r -> "http.server.request.duration".equals(r.getField("metric_name")))
        .forEach(r -> requests.merge((String) r.getField("service_name"), (Long) r.getField("count"), Long::sum));
    List<List<String>> percentiles = ok(results, "readme.percentiles").cells();
    assertThat(percentiles).hasSameSizeAs(requests.keySet());
    for (List<String> row : percentiles) {
      assertThat(Long.parseLong(row.get(1))).as(row.get(0)).isEqualTo(requests.get(row.get(0)));
      assertThat(Double.parseDouble(row.get(2))).isLessThanOrEqualTo(Double.parseDouble(row.get(3)));
    }

    // compaction through the runtime's procedure, committed through our REST catalog: the same rows, fewer files,
    // the writer's position kept
    ok(results, "seed.compact");
    SparkSql.Result compacted = ok(results, "compact.all");
    assertThat(Integer.parseInt(compacted.cells().get(0).get(0))).as("files rewritten").isPositive();
    assertThat(ok(results, "after-compaction.rows.traces").rows())
        .containsExactlyInAnyOrderElementsOf(Canonical.rows(spans));
    SparkSql.Result flatAfter = ok(results, "after-compaction.flat.traces");
    assertThat(flatAfter.columnar()).isTrue();
    List<String> wantFlat = new ArrayList<>();
    spans.forEach(r -> wantFlat.add(Canonical.projected(r, flatColumns.get("traces"))));
    assertThat(flatAfter.rows()).containsExactlyInAnyOrderElementsOf(wantFlat);
    assertThat(Integer.parseInt(ok(results, "files.traces").cells().get(0).get(0)))
        .isLessThan(lake.files.get("traces").size());
    ok(results, "seed.expire");
    assertThat(ok(results, "properties.traces").cells()).extracting(c -> c.get(0))
        .anyMatch(k -> k.startsWith("otlake.kafka.offsets.engines_spans."));
    lake.load("traces").refresh();
    assertThat(lake.load("traces").currentSnapshot().operation()).isEqualTo("replace");

    Files.writeString(dir.resolve("readme-queries.txt"), ReadmeOutput.render(results), StandardCharsets.UTF_8);
  }

  /** A value as the runner's {@code @cells} line writes it. */
  private static String cell(Object v) {
    return String.valueOf(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
  }

  private static SparkSql.Result ok(Map<String, SparkSql.Result> results, String step) {
    SparkSql.Result r = results.get(step);
    assertThat(r).as("step %s ran (see target/engines/spark.log)", step).isNotNull();
    assertThat(r.error()).as("step %s", step).isNull();
    return r;
  }
}
