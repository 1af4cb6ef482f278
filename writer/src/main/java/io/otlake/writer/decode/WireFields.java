package io.otlake.writer.decode;

import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.WireReader;

/**
 * What a signal's view outside this package needs to fill {@link AttrList}s and {@link Slice}s from wire bytes
 * (their mutators stay package-private, so only views can refill them).
 */
public final class WireFields {
  private WireFields() {}

  /** Empties {@code list} for attributes lying in {@code buf}. */
  public static void clear(AttrList list, byte[] buf) {
    list.clear(buf);
  }

  /** Adds the length-delimited KeyValue at the reader's position to {@code list}, moving the reader past it. */
  public static void addAttribute(AttrList list, WireReader r) throws MalformedRequestException {
    list.add(r);
  }

  /** Reads the length-delimited field at the reader's position into {@code out}, moving the reader past it. */
  public static void slice(WireReader r, Slice out) throws MalformedRequestException {
    SpanView.slice(r, out);
  }

  /** Points {@code s} at nothing (length 0) in {@code buf}. */
  public static void empty(Slice s, byte[] buf) {
    s.set(buf, 0, 0);
  }

  /** Points {@code out} at the lower-case hex of {@code raw} (kept in {@code out}'s own buffer). */
  public static void hex(Slice raw, Slice out) {
    out.hexOf(raw);
  }

  /** The text value of attribute {@code key} (UTF-8 bytes), or null when absent. */
  public static String stringValue(AttrList list, byte[] key) {
    return list.stringValue(key);
  }
}
