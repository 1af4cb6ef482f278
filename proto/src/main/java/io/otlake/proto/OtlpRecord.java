package io.otlake.proto;

/**
 * One Kafka record's key and value as the gateway produces them.
 *
 * @param key the record key (for traces: the trace id in lower-case hex, as the Collector's kafka exporter keys it),
 *     or null for a record holding the items of several keys bound for one partition
 * @param value a serialized {@code Export*ServiceRequest}
 * @param items how many spans (or log records, or data points) the value holds
 * @param partition the partition the record was grouped for, or -1 for the partition of its key
 */
public record OtlpRecord(byte[] key, byte[] value, int items, int partition) {
  public OtlpRecord(byte[] key, byte[] value, int items) {
    this(key, value, items, -1);
  }
}
