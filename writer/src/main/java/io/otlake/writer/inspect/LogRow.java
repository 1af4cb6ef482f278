package io.otlake.writer.inspect;

/** One log record of a trace as {@code ./otlake trace} shows it; {@code timeMicros} since the epoch. */
public record LogRow(long timeMicros, String severity, String service, String spanId, String body) {}
