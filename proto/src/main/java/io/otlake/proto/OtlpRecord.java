package io.otlake.proto;

/**
 * One Kafka record's key and value as the gateway produces them.
 *
 * @param key the record key (for traces: the trace id in lower-case hex, as the Collector's kafka exporter keys it)
 * @param value a serialized {@code Export*ServiceRequest}
 * @param items how many spans (or log records, or data points) the value holds
 */
public record OtlpRecord(byte[] key, byte[] value, int items) {}
