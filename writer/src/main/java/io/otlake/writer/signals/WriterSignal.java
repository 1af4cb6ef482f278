package io.otlake.writer.signals;

import io.otlake.proto.Signal;
import io.otlake.proto.wire.MalformedRequestException;
import java.util.List;

/**
 * What the writer needs of one OTLP signal: which signal it is (its topic is {@code kafka.topic.<signal>}), the
 * tables it feeds, a view that reads its records, and its OTLP/JSON decoding. The poll loop, files, commits, offsets,
 * dedup and maintenance are generic; adding a signal is one of these plus a line in {@link WriterSignals#ALL}.
 */
public interface WriterSignal<V extends ItemView> {
  /** The signal's contract with the gateway: its wire table (and request name) and its record key. */
  io.otlake.proto.SignalContract contract();

  default Signal signal() {
    return contract().signal();
  }

  /** The tables this signal's items go to; {@link ItemView#table()} indexes this list. */
  List<TableUnit<V>> tables();

  /** A fresh view (one per poll loop). */
  V newView();

  /** An otlp_json record value as the same request's otlp_proto bytes. */
  byte[] jsonToProto(byte[] json) throws MalformedRequestException;
}
