package io.otlake.writer.source;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Rows decoded and committed, files committed, records dead-lettered, commit latency. */
public final class WriterMetrics {
  private final Counter decoded;
  private final Counter committedRows;
  private final Counter committedFiles;
  private final Counter deadLetters;
  private final Timer commits;

  public WriterMetrics(MeterRegistry registry) {
    decoded = Counter.builder("otlake.writer.rows.decoded").description("rows decoded from Kafka records")
        .register(registry);
    committedRows = Counter.builder("otlake.writer.rows.committed").description("rows committed to Iceberg")
        .register(registry);
    committedFiles = Counter.builder("otlake.writer.files.committed").description("data files committed")
        .register(registry);
    deadLetters = Counter.builder("otlake.writer.records.dead.lettered")
        .description("Kafka records sent to the dead-letter topic").register(registry);
    commits = Timer.builder("otlake.writer.commit.duration")
        .description("closing files and committing one batch").register(registry);
  }

  void rows(int n) {
    decoded.increment(n);
  }

  void deadLettered() {
    deadLetters.increment();
  }

  void committed(long rows, int files, long nanos) {
    committedRows.increment(rows);
    committedFiles.increment(files);
    commits.record(nanos, TimeUnit.NANOSECONDS);
  }
}
