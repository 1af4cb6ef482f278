package io.otlake.writer.source;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Rows decoded and committed, files committed, records dead-lettered, commit latency; and the position's story:
 * batches fenced, rewinds by reason ({@code fenced}, {@code error}, {@code rollback}), partitions positioned by where
 * the offset came from ({@code table}, {@code start-from}, {@code new-partition}) and partitions blocked now.
 */
public final class WriterMetrics {
  private final MeterRegistry registry;
  private final Counter fenced;
  private final Counter duplicates;
  private final Counter warmup;
  private final AtomicInteger blocked = new AtomicInteger();
  private final Counter decoded;
  private final Counter committedRows;
  private final Counter committedFiles;
  private final Counter deadLetters;
  private final Timer commits;

  private final String signal;

  /** The meters of one signal's poll loop, each tagged {@code signal}. */
  public WriterMetrics(MeterRegistry registry, String signal) {
    this.registry = registry;
    this.signal = signal;
    fenced = Counter.builder("otlake.writer.fenced").tag("signal", signal)
        .description("batches dropped because the table's position was not where they started").register(registry);
    duplicates = Counter.builder("otlake.writer.duplicates.dropped").tag("signal", signal)
        .description("spans dropped because the same (trace id, span id) was read within dedup.window")
        .register(registry);
    warmup = Counter.builder("otlake.writer.dedup.warmup.records").tag("signal", signal)
        .description("records before the table's position re-read to rebuild the dedup window").register(registry);
    Gauge.builder("otlake.writer.partitions.blocked", blocked, AtomicInteger::get).tag("signal", signal)
        .description("partitions not consumed because the table holds no position for them that can be trusted")
        .register(registry);
    decoded = Counter.builder("otlake.writer.rows.decoded").tag("signal", signal)
        .description("rows decoded from Kafka records")
        .register(registry);
    committedRows = Counter.builder("otlake.writer.rows.committed").tag("signal", signal)
        .description("rows committed to Iceberg")
        .register(registry);
    committedFiles = Counter.builder("otlake.writer.files.committed").tag("signal", signal)
        .description("data files committed")
        .register(registry);
    deadLetters = Counter.builder("otlake.writer.records.dead.lettered").tag("signal", signal)
        .description("Kafka records sent to the dead-letter topic").register(registry);
    commits = Timer.builder("otlake.writer.commit.duration").tag("signal", signal)
        .description("closing files and committing one batch").register(registry);
  }

  void fenced() {
    fenced.increment();
  }

  void rewound(String reason) {
    Counter.builder("otlake.writer.rewinds").tag("signal", signal).tag("reason", reason)
        .description("seeks back to the table's position after a fenced batch, an error or a rollback")
        .register(registry).increment();
  }

  void positioned(String source, int partitions) {
    if (partitions > 0) {
      Counter.builder("otlake.writer.partitions.positioned").tag("signal", signal).tag("source", source)
          .description("partitions positioned on assignment or re-check, by where the offset came from")
          .register(registry).increment(partitions);
    }
  }

  void committedEarly(String reason) {
    Counter.builder("otlake.writer.commits.early").tag("signal", signal).tag("reason", reason)
        .description("batches committed before their interval because they reached a bound")
        .register(registry).increment();
  }

  void blocked(int partitions) {
    blocked.set(partitions);
  }

  /** Reports the dedup window's size and how often it had to be cut short to stay within its memory bound. */
  public void watch(io.otlake.writer.dedup.Dedup dedup) {
    Gauge.builder("otlake.writer.dedup.ids", dedup, io.otlake.writer.dedup.Dedup::ids).tag("signal", signal)
        .description("span ids remembered to recognise a client's retries").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("otlake.writer.dedup.window.shortened", dedup,
            io.otlake.writer.dedup.Dedup::timesShortened).tag("signal", signal).tag("signal", signal)
        .description("times ids younger than dedup.window were forgotten to stay within dedup.max-ids")
        .register(registry);
  }

  void duplicates(int n) {
    duplicates.increment(n);
  }

  void warmupRecord() {
    warmup.increment();
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
