package io.otlake.proto.wire;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.HashMap;
import java.util.Map;

/**
 * What each field of the OTLP messages must look like on the wire, compiled once from the generated descriptors
 * into arrays indexed by field number, so that bytes can be checked as protobuf's parser would check them (wire
 * types of known fields, UTF-8 of strings, nested messages) without building any message.
 */
final class WireSchema {
  private static final int STRING = 1 << 3;
  private static final int MESSAGE = 1 << 4;
  private static final int PACKABLE = 1 << 5;
  private static final int KNOWN = 1 << 6;
  static final int MAX_DEPTH = 100;
  private static final Map<Descriptor, WireSchema> COMPILED = new HashMap<>();

  private final String name;
  private final String[] fieldNames;
  private final int[] kinds;
  private final WireSchema[] children;

  private WireSchema(String name, int maxField) {
    this.name = name;
    this.fieldNames = new String[maxField + 1];
    this.kinds = new int[maxField + 1];
    this.children = new WireSchema[maxField + 1];
  }

  /** The table of a message type (compiled once, with every message type it nests). */
  static WireSchema of(Descriptor d) {
    return compile(d);
  }

  private static synchronized WireSchema compile(Descriptor d) {
    WireSchema existing = COMPILED.get(d);
    if (existing != null) {
      return existing;
    }
    int max = 0;
    for (FieldDescriptor f : d.getFields()) {
      max = Math.max(max, f.getNumber());
    }
    WireSchema s = new WireSchema(d.getName(), max);
    COMPILED.put(d, s);
    for (FieldDescriptor f : d.getFields()) {
      int n = f.getNumber();
      s.fieldNames[n] = f.getName();
      int kind = KNOWN | wireType(f.getType());
      switch (f.getJavaType()) {
        case STRING -> kind |= STRING;
        case MESSAGE -> {
          kind |= MESSAGE;
          s.children[n] = compile(f.getMessageType());
        }
        case BYTE_STRING -> { }
        default -> {
          if (f.isRepeated()) {
            kind |= PACKABLE;
          }
        }
      }
      s.kinds[n] = kind;
    }
    return s;
  }

  private static int wireType(FieldDescriptor.Type type) {
    return switch (type) {
      case DOUBLE, FIXED64, SFIXED64 -> WireReader.I64;
      case FLOAT, FIXED32, SFIXED32 -> WireReader.I32;
      case STRING, BYTES, MESSAGE -> WireReader.LEN;
      case GROUP -> 3;
      default -> WireReader.VARINT;
    };
  }

  /**
   * Checks the value of the field whose tag was just read, leaving the reader after it. Unknown fields are skipped
   * as protobuf skips them.
   */
  void checkField(WireReader r, int tag, int depth) throws MalformedRequestException {
    int field = tag >>> 3;
    int wire = tag & 7;
    int kind = field < kinds.length ? kinds[field] : 0;
    if (kind == 0) {
      r.skip(wire);
      return;
    }
    if (wire != (kind & 7)) {
      if ((kind & PACKABLE) != 0 && wire == WireReader.LEN) {
        checkPacked(r, kind & 7, field);
        return;
      }
      throw new MalformedRequestException(name + "." + fieldNames[field] + " has wire type " + wire + ", expected "
          + (kind & 7));
    }
    if ((kind & STRING) != 0) {
      int len = r.readLength();
      if (!WireReader.validUtf8(r.buf, r.pos, len)) {
        throw new MalformedRequestException(name + "." + fieldNames[field] + " is not valid UTF-8");
      }
      r.pos += len;
    } else if ((kind & MESSAGE) != 0) {
      int len = r.readLength();
      children[field].checkMessage(r.buf, r.pos, len, depth + 1);
      r.pos += len;
    } else {
      r.skip(wire);
    }
  }

  /**
   * A packed repeated scalar: whole values of its element's wire type and nothing else, as protobuf's parser reads
   * them (a fixed-size element cut short or a truncated varint is refused).
   */
  private void checkPacked(WireReader r, int elementWire, int field) throws MalformedRequestException {
    int len = r.readLength();
    int end = r.pos + len;
    int size = elementWire == WireReader.I64 ? 8 : elementWire == WireReader.I32 ? 4 : 0;
    if (size > 0) {
      if (len % size != 0) {
        throw new MalformedRequestException(name + "." + fieldNames[field] + " is packed in " + len
            + " bytes, not a multiple of " + size);
      }
      r.pos = end;
      return;
    }
    WireReader values = new WireReader(r.buf, r.pos, len);
    while (!values.atEnd()) {
      values.readVarint();
    }
    r.pos = end;
  }

  /** Checks a whole message of this type lying at {@code buf[off, off + len)}. */
  void checkMessage(byte[] buf, int off, int len, int depth) throws MalformedRequestException {
    if (depth > MAX_DEPTH) {
      throw new MalformedRequestException("messages nested deeper than " + MAX_DEPTH + " levels");
    }
    WireReader r = new WireReader(buf, off, len);
    while (!r.atEnd()) {
      checkField(r, r.readTag(), depth);
    }
  }
}
