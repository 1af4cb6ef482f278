package io.otlake.proto;

/** A single item does not fit in one Kafka record of the configured maximum size, even on its own. */
public class RecordTooLargeException extends Exception {
  public RecordTooLargeException(String message) {
    super(message);
  }
}
