package io.otlake.writer.decode;

import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.WireReader;
import java.nio.charset.StandardCharsets;

/**
 * One OTLP {@code AnyValue} read from wire bytes (already checked by the scan), and its text as {@link AttributeText}
 * describes it: scalars as text, arrays and kvlists in the OpenTelemetry specification's JSON form for non-OTLP
 * formats, written in one pass into a {@link TextBuffer} (linear in the value's bytes, however deep it nests; the
 * nesting itself is bounded by the scan's protobuf depth limit).
 *
 * <p>Which member of the oneof counts is what protobuf's parser keeps: the last one on the wire; a message member
 * (array, kvlist) seen several times in a row is merged (its repeated values concatenated), as protobuf merges it.
 */
final class WireValue {
  static final int EMPTY = AttrList.EMPTY;
  static final int STRING = AttrList.STRING;
  static final int BOOL = AttrList.BOOL;
  static final int INT = AttrList.INT;
  static final int DOUBLE = AttrList.DOUBLE;
  static final int ARRAY = AttrList.ARRAY;
  static final int KVLIST = AttrList.KVLIST;
  static final int BYTES = AttrList.BYTES;

  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

  /** The member kept: its kind, its scalar (bool, int, double bits) or where its bytes lie. */
  int kind;
  long scalar;
  byte[] buf;
  int off;
  int len;

  /**
   * Reads the AnyValue lying in {@code b[off, off + len)}: which member is set, and its value. A message member
   * that was given in several consecutive fields is copied into one array (rare: no sender splits a value).
   */
  WireValue read(byte[] b, int off, int len) {
    kind = EMPTY;
    scalar = 0;
    this.buf = b;
    this.off = off;
    this.len = 0;
    int firstOff = 0;
    int firstLen = 0;
    int parts = 0; // consecutive fields of the current message member
    try {
      WireReader r = new WireReader(b, off, len);
      while (!r.atEnd()) {
        int tag = r.readTag();
        int field = tag >>> 3;
        int wire = tag & 7;
        int k = switch (field) {
          case 1 -> wire == WireReader.LEN ? STRING : -1;
          case 2 -> wire == WireReader.VARINT ? BOOL : -1;
          case 3 -> wire == WireReader.VARINT ? INT : -1;
          case 4 -> wire == WireReader.I64 ? DOUBLE : -1;
          case 5 -> wire == WireReader.LEN ? ARRAY : -1;
          case 6 -> wire == WireReader.LEN ? KVLIST : -1;
          case 7 -> wire == WireReader.LEN ? BYTES : -1;
          default -> -1;
        };
        if (k < 0) {
          r.skip(wire);
          continue;
        }
        switch (k) {
          case BOOL, INT -> scalar = r.readVarint();
          case DOUBLE -> scalar = r.readFixed64();
          default -> {
            int l = r.readLength();
            if ((k == ARRAY || k == KVLIST) && kind == k) {
              parts++;
              if (parts == 2) {
                firstOff = this.off;
                firstLen = this.len;
              }
              if (parts >= 2) {
                // merged: the concatenation of the parts is one message holding every part's values
                byte[] merged = new byte[(parts == 2 ? firstLen : this.len) + l];
                System.arraycopy(parts == 2 ? b : this.buf, parts == 2 ? firstOff : 0, merged, 0, merged.length - l);
                System.arraycopy(b, r.pos, merged, merged.length - l, l);
                this.buf = merged;
                this.off = 0;
                this.len = merged.length;
              }
            } else {
              parts = 1;
              this.buf = b;
              this.off = r.pos;
              this.len = l;
            }
            r.pos += l;
          }
        }
        if (k != ARRAY && k != KVLIST) {
          parts = 0;
        }
        kind = k;
      }
    } catch (MalformedRequestException e) {
      throw new IllegalStateException("value bytes changed after validation", e);
    }
    return this;
  }

  /** The text of the value read last, as a top-level value (an attribute's or a body's), appended to {@code out}. */
  void text(TextBuffer out) {
    switch (kind) {
      case STRING -> out.add(buf, off, len);
      case BYTES -> out.base64(buf, off, len);
      case EMPTY -> { }
      case DOUBLE -> out.ascii(Double.toString(Double.longBitsToDouble(scalar)));
      default -> json(out);
    }
  }

  /** The value read last as a JSON value (an array element, a kvlist value). */
  private void json(TextBuffer out) {
    switch (kind) {
      case STRING -> out.jsonString(buf, off, len);
      case BOOL -> out.add(scalar != 0 ? TRUE : FALSE, 0, scalar != 0 ? 4 : 5);
      case INT -> out.decimal(scalar);
      case DOUBLE -> {
        double d = Double.longBitsToDouble(scalar);
        if (Double.isFinite(d)) {
          out.ascii(Double.toString(d));
        } else {
          out.add((byte) '"');
          out.ascii(Double.toString(d)); // NaN, Infinity, -Infinity, as JSON strings
          out.add((byte) '"');
        }
      }
      case BYTES -> {
        out.add((byte) '"');
        out.base64(buf, off, len);
        out.add((byte) '"');
      }
      case EMPTY -> out.add(NULL, 0, NULL.length);
      case ARRAY -> array(buf, off, len, out);
      case KVLIST -> kvlist(buf, off, len, out);
      default -> throw new IllegalStateException("unknown value kind " + kind);
    }
  }

  /** An ArrayValue message's values (field 1, each an AnyValue) as a JSON array. */
  private static void array(byte[] b, int off, int len, TextBuffer out) {
    members(b, off, len, '[', ']', out, (v, mb, moff, mlen, o) -> v.read(mb, moff, mlen).json(o));
  }

  /**
   * A KeyValueList message's values (field 1, each a KeyValue) as a JSON object, members in the order sent (a key
   * sent twice appears twice, as sent).
   */
  private static void kvlist(byte[] b, int off, int len, TextBuffer out) {
    members(b, off, len, '{', '}', out, (v, mb, moff, mlen, o) -> {
      keyValue(mb, moff, mlen, v);
      o.jsonString(v.keyBuf, v.keyOff, v.keyLen);
      o.add((byte) ':');
      v.json(o);
    });
  }

  /** Writes one member of a JSON array or object from its message's bytes, through a reusable value. */
  private interface Member {
    void write(WireValue scratch, byte[] b, int off, int len, TextBuffer out) throws MalformedRequestException;
  }

  /**
   * The length-delimited field-1 members of an ArrayValue or KeyValueList message between {@code open} and
   * {@code close}, comma-separated (other fields skipped).
   */
  private static void members(byte[] b, int off, int len, char open, char close, TextBuffer out, Member member) {
    out.add((byte) open);
    WireValue scratch = new WireValue();
    boolean first = true;
    try {
      WireReader r = new WireReader(b, off, len);
      while (!r.atEnd()) {
        int tag = r.readTag();
        if (tag != (1 << 3 | WireReader.LEN)) {
          r.skip(tag & 7);
          continue;
        }
        int l = r.readLength();
        if (!first) {
          out.add((byte) ',');
        }
        first = false;
        member.write(scratch, b, r.pos, l, out);
        r.pos += l;
      }
    } catch (MalformedRequestException e) {
      throw new IllegalStateException("value bytes changed after validation", e);
    }
    out.add((byte) close);
  }

  // the key of the KeyValue read last by keyValue
  private byte[] keyBuf;
  private int keyOff;
  private int keyLen;

  int keyOff() {
    return keyOff;
  }

  int keyLen() {
    return keyLen;
  }

  /**
   * Reads a KeyValue message: its key (the last one sent) into {@code into}'s key and its value into {@code into}
   * (several value fields are one merged AnyValue, as protobuf merges them; none is the empty value).
   */
  static void keyValue(byte[] b, int off, int len, WireValue into) throws MalformedRequestException {
    into.keyBuf = b;
    into.keyOff = off;
    into.keyLen = 0;
    int valueOff = off;
    int valueLen = 0;
    byte[] merged = null;
    WireReader r = new WireReader(b, off, len);
    while (!r.atEnd()) {
      int tag = r.readTag();
      if (tag == (1 << 3 | WireReader.LEN)) {
        into.keyLen = r.readLength();
        into.keyOff = r.pos;
        r.pos += into.keyLen;
      } else if (tag == (2 << 3 | WireReader.LEN)) {
        int l = r.readLength();
        if (valueLen > 0 || merged != null) {
          byte[] before = merged != null ? merged : java.util.Arrays.copyOfRange(b, valueOff, valueOff + valueLen);
          merged = java.util.Arrays.copyOf(before, before.length + l);
          System.arraycopy(b, r.pos, merged, before.length, l);
        } else {
          valueOff = r.pos;
          valueLen = l;
        }
        r.pos += l;
      } else {
        r.skip(tag & 7);
      }
    }
    if (merged != null) {
      into.read(merged, 0, merged.length);
    } else {
      into.read(b, valueOff, valueLen);
    }
  }
}
