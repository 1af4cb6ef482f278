package io.otlake.writer.inspect;

/** Kafka or the catalog did not answer (in time): the one line a command prints before it exits with status 1. */
public final class Unreachable extends RuntimeException {
  public Unreachable(String message, Throwable cause) {
    super(message, cause);
  }
}
