package io.otlake.proto;

import io.otlake.proto.wire.ScannedRequest;
import io.otlake.proto.wire.WireTree;

/**
 * What gateway and writer agree on for one signal: how its export request nests ({@link #tree}, the wire scan's
 * table) and which Kafka record key each item goes under ({@link #key}). One implementation per signal, in
 * {@code io.otlake.proto.signals}.
 */
public interface SignalContract {
  Signal signal();

  WireTree tree();

  /** The record key of item {@code item}: items of one key go to one partition, in order. */
  RecordKey key(ScannedRequest request, int item);

  /** Names an item in messages ("span 0102030405060708 of trace ..."), after its {@link ScannedRequest#path}. */
  String describe(ScannedRequest request, int item);
}
