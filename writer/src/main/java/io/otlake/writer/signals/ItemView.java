package io.otlake.writer.signals;

import io.otlake.proto.wire.MalformedRequestException;

/**
 * Reads one Kafka record's items (spans, log records, data points) one at a time, straight from the record's bytes:
 * what the writer's generic loop needs of any signal. One instance per poll loop, reused record after record and item
 * after item ({@link #reset}, then {@link #moveTo} for each item); the signal's {@link RowMapper}s read the item's
 * fields from the same instance.
 */
public interface ItemView {
  /**
   * Starts on a record's value: the otlp_proto bytes of the signal's {@code Export*ServiceRequest}, scanned and checked
   * as protobuf would (so writing its rows cannot fail half-way for a reason in the record).
   */
  void reset(byte[] request) throws MalformedRequestException;

  /** How many items (rows) the record holds. */
  int itemCount();

  /** Reads item {@code item} (and its scope and resource if they changed). */
  void moveTo(int item);

  /** Which of the signal's tables ({@link WriterSignal#tables()}, by index) the current item is a row of. */
  int table();

  /** The current item's {@code timestamp} column in microseconds; its day is the row's partition. */
  long timestampMicros();

  /**
   * The current item's resource's {@code service.name}, or null: the partition's second field. Preferably the same
   * String object for every item of a resource (partition lookups compare it first by reference).
   */
  String serviceName();

  /**
   * Writes the current item's identity, 24 bytes, at {@code out[0..24)}: two items with the same identity within the
   * dedup window are one item sent twice (a client's retry). Spans: trace id and span id. Other signals: a hash of
   * what makes the item itself (its bytes and its resource's and scope's), seeded per process.
   */
  void identity(byte[] out);
}
