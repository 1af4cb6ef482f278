package io.otlake.proto.json;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.otlake.proto.Hex;
import io.otlake.proto.wire.MalformedRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Streams OTLP/JSON into protobuf wire bytes in one pass over the UTF-8 bytes, driven by the message descriptors: no
 * message objects, no JSON tree, no characters. Field names in lowerCamelCase or as in the .proto file; enums as
 * integers or names; bytes as base64, except trace and span ids, which OTLP/JSON writes as hex; null and unknown
 * fields are skipped (null elements of a list of messages or strings too); proto3 defaults are left out as a protobuf
 * encoder would. Fields come out in the order the JSON has them, which protobuf allows. What this does not check
 * (ids' lengths, required times) the wire scan that follows does.
 *
 * <p>The input is RFC 8259 JSON, read strictly: no comments, single quotes, bare words, trailing commas or unescaped
 * control characters (in skipped values too, which Gson's reader did not check); a UTF-8 byte order mark at the
 * start is skipped. Strings are UTF-8, checked as they are read (malformed, overlong or surrogate encodings are
 * refused, not replaced); an escaped lone surrogate becomes {@code ?}, as Java's encoder writes it. A string field
 * also takes a JSON number (its text), as the previous Gson-based reader did. Each message's field names are looked
 * up on their bytes in a table built once per message type, after a guess: the name (with its quote and ':') that
 * followed the same field last time. Attributes in the shape nearly all have ({@code {"key":"k","value":
 * {"stringValue":"v"}}}, compact, plain ASCII; or an int or bool value) are read by a fast path that gives up at the
 * first byte not as expected, leaving the attribute to the general path from its start; both give the same bytes and
 * the same errors (the tests compare them).
 *
 * <p>Numbers follow {@link JsonNumbers}: integers as JSON numbers or strings holding exactly a JSON number, exponent
 * and fraction forms only when integral ({@code 1e3}, {@code "1.0"}), each within its field's range, unsigned fields
 * with no minus sign ({@code "-0"} too is refused); doubles as numbers or strings, or {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}; at most {@value JsonNumbers#MAX_CHARS} characters a number, read without
 * big-number arithmetic (plain integers of up to 19 digits are read here directly). Anything else is refused with a
 * message naming the field and its path.
 *
 * <p>Every cost is linear in the input (a guessed name or an attribute given up on is read once more, no more). A
 * nested message is written in place behind a length of the size its field's last one took, and moved by a byte or
 * two when that guess was wrong: a byte is moved at most once per message around it, so at most {@value #MAX_DEPTH}
 * times. Messages nest at most {@value #MAX_DEPTH} deep and any JSON value
 * at most {@value #MAX_JSON_DEPTH}; error messages quote at most a few dozen characters of any value and a path of
 * about 300; line and column are counted only for an error.
 */
final class JsonToProto {
  private static final int MAX_DEPTH = 64;
  /** The deepest JSON nesting read, in skipped values too (Gson's reader had the same limit). */
  private static final int MAX_JSON_DEPTH = 255;
  private static final ConcurrentHashMap<Descriptor, Fields> FIELDS = new ConcurrentHashMap<>();
  private static final int VARINT = 0;
  private static final int I64 = 1;
  private static final int LEN = 2;
  private static final int I32 = 5;

  private final byte[] in;
  private final int end;
  private int pos;
  private final String rootName;
  private final Out out;
  /** Whether to take the fast paths (guessed names, attributes); without, the same bytes and errors (tests compare). */
  private final boolean fast;

  /** The string just read: its UTF-8 bytes are {@code sBuf[sOff, sOff + sLen)} (the input, or {@link #scratch}). */
  private byte[] sBuf;
  private int sOff;
  private int sLen;
  /** Whether the string just read was a JSON number's text rather than a JSON string. */
  private boolean sNumber;
  /** Decoded strings that had escapes or non-ASCII bytes. */
  private byte[] scratch = new byte[64];

  /**
   * Where the reader is, for messages only: per JSON level, an object's current name (its raw bytes in the input:
   * start and length; start -2 before the first) or an array's current index (start -1).
   */
  private int[] frameStart = new int[32];
  private int[] frameValue = new int[32];
  private int level;

  /** The output buffer of each thread's last transcode, kept for its next (up to {@value #KEPT_BYTES} bytes). */
  private static final ThreadLocal<Out> BUFFERS = ThreadLocal.withInitial(() -> new Out(4096));
  private static final int KEPT_BYTES = 4 << 20;

  private JsonToProto(byte[] json, String rootName, Out out, boolean fast) {
    this.in = json;
    this.fast = fast;
    this.end = json.length;
    this.rootName = rootName;
    this.out = out;
    out.len = 0;
    out.ensure(json.length / 2); // protobuf is about a third of OTLP/JSON
  }

  static byte[] transcode(byte[] json, Descriptor root) throws MalformedRequestException {
    return transcode(json, root, true);
  }

  /** {@link #transcode(byte[], Descriptor)}, with or without the fast paths (for tests: both must agree). */
  static byte[] transcode(byte[] json, Descriptor root, boolean fast) throws MalformedRequestException {
    Out out = BUFFERS.get();
    try {
      return new JsonToProto(json, root.getName(), out, fast).transcode(root);
    } finally {
      if (out.buf.length > KEPT_BYTES) {
        BUFFERS.remove(); // a large body's buffer is not kept
      }
    }
  }

  private byte[] transcode(Descriptor root) throws MalformedRequestException {
    if (end >= 3 && in[0] == (byte) 0xef && in[1] == (byte) 0xbb && in[2] == (byte) 0xbf) {
      pos = 3; // a byte order mark
    }
    whitespace();
    if (pos >= end) {
      throw new MalformedRequestException("not valid JSON: the input ends too soon");
    }
    if (in[pos] != '{') {
      tokenName(); // a syntax error is reported as such
      throw new MalformedRequestException("an " + rootName + " must be a JSON object");
    }
    message(fieldsOf(root), 0);
    whitespace();
    if (pos < end) {
      throw new MalformedRequestException("not valid JSON: more after the object at line " + line() + " column "
          + column());
    }
    return Arrays.copyOf(out.buf, out.len);
  }

  // ---- messages

  /** Reads the object at {@code pos} as a message of type {@code fs} into {@link #out}. */
  private void message(Fields fs, int depth) throws MalformedRequestException {
    if (depth > MAX_DEPTH) {
      throw new MalformedRequestException("nested deeper than " + MAX_DEPTH + " at " + path());
    }
    pos++; // the '{'
    push(-2, 0);
    whitespace();
    if (pos < end && in[pos] == '}') {
      pos++;
      level--;
      return;
    }
    Spelling expected = fs.first;
    Field previous = null;
    int firstName = pos + 1;
    do {
      int nameStart = nameQuote();
      Spelling s = expected;
      if (s != null && fast && nameStart + s.member.length <= end
          && same(s.member, 0, in, nameStart, s.member.length)) {
        // the name the last object of this type had here, and its ':' right after it
        pos = nameStart + s.member.length;
        frameStart[level - 1] = nameStart;
        frameValue[level - 1] = s.name.length;
        valueStart();
      } else {
        s = name(fs);
        member(nameStart);
        if (s != null) {
          if (nameStart == firstName) {
            fs.first = s;
          } else if (previous != null) {
            previous.next = s;
          }
        }
      }
      Field f = s == null ? null : s.field;
      previous = f;
      expected = f == null ? null : f.next;
      if (f == null) {
        skipValue(); // unknown fields are ignored, as OTLP/JSON receivers must
      } else if (in[pos] == 'n') {
        literal("null"); // the default
      } else if (f.repeated) {
        list(f, depth);
      } else {
        value(f, depth, false);
      }
    } while (!endOrComma((byte) '}'));
    level--;
  }

  /** A repeated field's JSON array: packed scalars behind one tag, anything else one field per element. */
  private void list(Field f, int depth) throws MalformedRequestException {
    if (in[pos] != '[') {
      throw wrongType("BEGIN_ARRAY");
    }
    pos++;
    push(-1, 0);
    int before = out.len;
    int guess = f.lengthGuess;
    int mark = f.packed ? out.beginLength(f.tag, guess) : -1;
    KeyValueShape kv = fast && f.kind == Kind.MESSAGE ? f.keyValue() : null;
    whitespace();
    if (pos < end && in[pos] == ']') {
      pos++;
    } else {
      for (int i = 0; ; i++) {
        frameValue[level - 1] = i;
        valueStart();
        int taken = NOT_TAKEN;
        if (f.packed) {
          scalar(f, true, true); // every element, zeros too: they are values, not defaults
        } else if (in[pos] == 'n') {
          literal("null"); // no element (a number's place it cannot take)
        } else if (kv == null || (taken = keyValue(f, kv, depth)) == NOT_TAKEN) {
          value(f, depth, true);
        } else {
          i += keyValuesRead - 1; // the last element it read
          frameValue[level - 1] = i;
        }
        if (taken == TAKEN_NEXT) {
          frameValue[level - 1] = ++i; // the next, which the general path reads
          value(f, depth, true); // ('{' is next)
        }
        if (taken == TAKEN_LAST || endOrComma((byte) ']')) {
          break;
        }
      }
    }
    if (f.packed) {
      if (out.len == mark) {
        out.len = before; // no elements: no field
      } else {
        out.endLength(f, mark, guess);
      }
    }
    level--;
  }

  /**
   * The fast path for attributes (elements of a list of OTLP KeyValues, {@code f}) in the shape nearly all have:
   * {@code {"key":"k","value":{"stringValue":"v"}}}, or an {@code intValue} (digits in a string or not),
   * {@code boolValue}, compact, the key and any string plain ASCII without escapes; from the one at {@code pos}, on
   * through those after it while a ',' and '{' follow. Reads and writes each whole, as the general path would, or, at
   * the first byte of one that is not as expected, reads and writes nothing of it and leaves it to the general path
   * from its start (so no byte is read more than twice, and errors are the general path's). Says what it read in
   * {@link #NOT_TAKEN} and the rest.
   */
  private int keyValue(Field f, KeyValueShape kv, int depth) {
    if (depth + 2 > MAX_DEPTH || level + 2 >= MAX_JSON_DEPTH) {
      return NOT_TAKEN; // where the general path says it is nested too deep
    }
    byte[] b = in;
    int e = end;
    int read = 0;
    while (true) {
      int keyStart = pos + 8;
      if (keyStart > e || (long) LONGS.get(b, pos) != KEY_START) {
        return gaveUp(read);
      }
      int keyEnd = plainEnd(keyStart);
      int name = keyEnd + 12;
      if (name >= e || (long) LONGS.get(b, keyEnd) != VALUE_START
          || (int) INTS.get(b, keyEnd + 8) != VALUE_START2) {
        return gaveUp(read);
      }
      // the value's one field: its name, ':', and its value up to the two closing braces
      Field vf;
      int close;
      int strStart = 0;
      int strLen = 0;
      long number = 0;
      byte c = b[name];
      if (c == 's' && kv.isString(b, name, e)) {
        vf = kv.string;
        strStart = name + kv.stringMember.length;
        int strEnd = plainEnd(strStart);
        if (strEnd >= e || b[strEnd] != '"') {
          return gaveUp(read); // (an escape or a byte of a multi-byte character: the general path's)
        }
        strLen = strEnd - strStart;
        close = strEnd + 1;
      } else if (c == 'i' && kv.isInt(b, name, e)) {
        vf = kv.integer;
        int p = name + kv.intMember.length;
        boolean quoted = p < e && b[p] == '"';
        if (quoted) {
          p++;
        }
        boolean negative = p < e && b[p] == '-';
        if (negative) {
          p++;
        }
        int digits = p;
        while (p < e && b[p] >= '0' && b[p] <= '9' && p - digits < 19) {
          number = number * 10 + (b[p++] - '0');
        }
        int n = p - digits;
        if (n == 0 || n > 18 || (n > 1 && b[digits] == '0')) {
          return gaveUp(read); // no digits, more than surely fit, or a leading zero: the general path's
        }
        if (negative) {
          number = -number;
        }
        if (quoted) {
          if (p >= e || b[p] != '"') {
            return gaveUp(read);
          }
          p++;
        }
        close = p;
      } else if (c == 'b' && kv.isBool(b, name, e)) {
        vf = kv.bool;
        int p = name + kv.boolMember.length;
        if (p + 4 <= e && (int) INTS.get(b, p) == TRUE_WORD) {
          number = 1;
          close = p + 4;
        } else if (p + 5 <= e && (int) INTS.get(b, p) == FALSE_WORD && b[p + 4] == 'e') {
          close = p + 5;
        } else {
          return gaveUp(read);
        }
      } else {
        return gaveUp(read);
      }
      if (close + 2 > e || b[close] != '}' || b[close + 1] != '}') {
        return gaveUp(read);
      }
      // sizes first, then the bytes: no length to guess
      int keyLen = keyEnd - keyStart;
      int valueLen = vf.tag.length + (vf == kv.string ? Out.varintSize(strLen) + strLen : Out.varintSize(number));
      int keyValueLen = (keyLen > 0 ? kv.key.tag.length + Out.varintSize(keyLen) + keyLen : 0) + kv.value.tag.length
          + Out.varintSize(valueLen) + valueLen;
      Out o = out;
      o.ensure(f.tag.length + 5 + keyValueLen + 16); // (16: room for copies a word at a time)
      byte[] ob = o.buf;
      int l = Out.put(ob, o.len, f.tag);
      l = Out.putVarint(ob, l, keyValueLen);
      if (keyLen > 0) { // the key has no presence: empty is left out
        l = Out.put(ob, l, kv.key.tag);
        l = Out.putVarint(ob, l, keyLen);
        l = Out.copy(b, keyStart, ob, l, keyLen);
      }
      l = Out.put(ob, l, kv.value.tag);
      l = Out.putVarint(ob, l, valueLen);
      l = Out.put(ob, l, vf.tag); // a oneof's field: written even when it is the default
      if (vf == kv.string) {
        l = Out.putVarint(ob, l, strLen);
        l = Out.copy(b, strStart, ob, l, strLen);
      } else {
        l = Out.putVarint(ob, l, number);
      }
      o.len = l;
      read++;
      int after = close + 2;
      if (after + 1 < e && b[after] == ',' && b[after + 1] == '{') {
        pos = after + 1; // and on to the next
        continue;
      }
      keyValuesRead = read;
      if (after < e && b[after] == ']') {
        pos = after + 1;
        return TAKEN_LAST;
      }
      pos = after;
      return TAKEN;
    }
  }

  /** {@link #keyValue}'s answer when it gives up on an element after {@code read} others. */
  private int gaveUp(int read) {
    if (read == 0) {
      return NOT_TAKEN;
    }
    keyValuesRead = read;
    return TAKEN_NEXT; // pos is at the '{' of the element given up on
  }

  /** How many elements {@link #keyValue} read, when it read any. */
  private int keyValuesRead;

  /**
   * What {@link #keyValue} did: nothing; read {@link #keyValuesRead} elements (and the commas between), the next
   * byte being the last one's end or what follows it; the same and the ',' after them, leaving the next element, which
   * it gave up on, to the general path; the same and the list's closing ']'.
   */
  private static final int NOT_TAKEN = 0;
  private static final int TAKEN = 1;
  private static final int TAKEN_NEXT = 2;
  private static final int TAKEN_LAST = 3;

  private void value(Field f, int depth, boolean element) throws MalformedRequestException {
    if (f.kind == Kind.MESSAGE) {
      if (in[pos] != '{') {
        throw wrongType("BEGIN_OBJECT");
      }
      int guess = f.lengthGuess;
      int mark = out.beginLength(f.tag, guess);
      message(f.message(), depth + 1);
      out.endLength(f, mark, guess);
    } else {
      scalar(f, false, element || f.presence);
    }
  }

  /** Writes one scalar; {@code packed} leaves the tag out, {@code always} writes defaults too. */
  private void scalar(Field f, boolean packed, boolean always) throws MalformedRequestException {
    switch (f.kind) {
      case STRING -> {
        stringOrNumber();
        if (always || sLen > 0) {
          out.bytesField(f.tag, sBuf, sOff, sLen);
        }
      }
      case ID -> {
        stringOrNumber();
        hexField(f, always);
      }
      case BYTES -> {
        stringOrNumber();
        byte[] b = base64(f);
        if (always || b.length > 0) {
          out.bytesField(f.tag, b, 0, b.length);
        }
      }
      case BOOL -> {
        boolean v = bool(f);
        if (always || v) {
          varintField(f, packed, v ? 1 : 0);
        }
      }
      case DOUBLE -> {
        long bits = Double.doubleToRawLongBits(floating(f, false));
        if (always || bits != 0) {
          if (!packed) {
            out.tag(f.tag);
          }
          out.fixed64(bits);
        }
      }
      case FLOAT -> {
        int bits = Float.floatToRawIntBits((float) floating(f, true));
        if (always || bits != 0) {
          if (!packed) {
            out.tag(f.tag);
          }
          out.fixed32(bits);
        }
      }
      case ENUM -> {
        int v;
        if (in[pos] == '"') {
          string();
          if (sLen > 0 && (sBuf[sOff] == '-' || (sBuf[sOff] >= '0' && sBuf[sOff] <= '9'))) {
            v = (int) integer(f, JsonNumbers.IntKind.INT32); // a number in a string, as JsonFormat reads it
          } else {
            EnumValueDescriptor e = f.descriptor.getEnumType().findValueByName(text());
            if (e == null) {
              return; // a name this build does not know: ignored, like an unknown field
            }
            v = e.getNumber();
          }
        } else {
          number(f, JsonNumbers.IntKind.INT32);
          v = (int) integer(f, JsonNumbers.IntKind.INT32);
        }
        if (always || v != 0) {
          varintField(f, packed, v); // negative enums are sign-extended, as int32
        }
      }
      case INT32, SINT32, SFIXED32 -> {
        int v = (int) integerValue(f, JsonNumbers.IntKind.INT32);
        if (always || v != 0) {
          switch (f.kind) {
            case SINT32 -> varintField(f, packed, ((v << 1) ^ (v >> 31)) & 0xffffffffL);
            case SFIXED32 -> fixed32Field(f, packed, v);
            default -> varintField(f, packed, v);
          }
        }
      }
      case UINT32, FIXED32 -> {
        int v = (int) integerValue(f, JsonNumbers.IntKind.UINT32);
        if (always || v != 0) {
          if (f.kind == Kind.FIXED32) {
            fixed32Field(f, packed, v);
          } else {
            varintField(f, packed, v & 0xffffffffL);
          }
        }
      }
      case INT64, SINT64, SFIXED64 -> {
        long v = integerValue(f, JsonNumbers.IntKind.INT64);
        if (always || v != 0) {
          switch (f.kind) {
            case SINT64 -> varintField(f, packed, (v << 1) ^ (v >> 63));
            case SFIXED64 -> fixed64Field(f, packed, v);
            default -> varintField(f, packed, v);
          }
        }
      }
      case UINT64, FIXED64 -> {
        long v = integerValue(f, JsonNumbers.IntKind.UINT64);
        if (always || v != 0) {
          if (f.kind == Kind.FIXED64) {
            fixed64Field(f, packed, v);
          } else {
            varintField(f, packed, v);
          }
        }
      }
      default -> throw new MalformedRequestException("field " + f.descriptor.getName()
          + " has a type OTLP/JSON does not use");
    }
  }

  private void varintField(Field f, boolean packed, long v) {
    if (!packed) {
      out.tag(f.tag);
    }
    out.varint(v);
  }

  private void fixed32Field(Field f, boolean packed, int v) {
    if (!packed) {
      out.tag(f.tag);
    }
    out.fixed32(v);
  }

  private void fixed64Field(Field f, boolean packed, long v) {
    if (!packed) {
      out.tag(f.tag);
    }
    out.fixed64(v);
  }

  // ---- scalar values

  /** A trace or span id in hex, written as its bytes. */
  private void hexField(Field f, boolean always) throws MalformedRequestException {
    int n = sLen;
    if ((n & 1) == 0 && !sNumber) {
      if (!always && n == 0) {
        return;
      }
      // decoded as it is checked, behind the tag and length, which are kept only if every byte was a hex digit
      out.ensure(f.tag.length + 5 + (n >> 1));
      byte[] ob = out.buf;
      int ol = Out.putVarint(ob, Out.put(ob, out.len, f.tag), n >> 1);
      byte[] b = sBuf;
      int o = sOff;
      int bad = 0;
      for (int i = 0; i < n; i += 2) {
        int hi = HEX[b[o + i] & 0xff];
        int lo = HEX[b[o + i + 1] & 0xff];
        bad |= hi | lo; // -1 for a byte that is not one
        ob[ol++] = (byte) (hi << 4 | lo);
      }
      if (bad >= 0) {
        out.len = ol;
        return;
      }
    }
    if (sNumber) {
      throw new MalformedRequestException(f.jsonName + " must be hex (a string, not a number) at " + path());
    }
    try {
      byte[] d = Hex.decodeBytes(text()); // to say what is wrong with it
      if (always || d.length > 0) {
        out.bytesField(f.tag, d, 0, d.length);
      }
    } catch (IllegalArgumentException e) {
      throw new MalformedRequestException(f.jsonName + " must be hex (" + e.getMessage() + ") at " + path());
    }
  }

  private byte[] base64(Field f) throws MalformedRequestException {
    byte[] b = Arrays.copyOfRange(sBuf, sOff, sOff + sLen);
    boolean url = false;
    for (byte x : b) {
      url |= x == '-' || x == '_';
    }
    try {
      return url ? Base64.getUrlDecoder().decode(b) : Base64.getDecoder().decode(b);
    } catch (IllegalArgumentException e) {
      throw new MalformedRequestException(f.jsonName + " must be base64 at " + path());
    }
  }

  private boolean bool(Field f) throws MalformedRequestException {
    byte c = in[pos];
    if (c == 't') {
      literal("true");
      return true;
    }
    if (c == 'f') {
      literal("false");
      return false;
    }
    if (c != '"') {
      throw wrongType("a boolean");
    }
    string();
    if (sLen == 4 && Arrays.equals(sBuf, sOff, sOff + 4, TRUE, 0, 4)) {
      return true;
    }
    if (sLen == 5 && Arrays.equals(sBuf, sOff, sOff + 5, FALSE, 0, 5)) {
      return false;
    }
    throw new MalformedRequestException(f.jsonName + ": " + JsonNumbers.quote(text()) + " is not a boolean at "
        + path());
  }

  /** An integer field's value: a JSON number or a string holding one. */
  private long integerValue(Field f, JsonNumbers.IntKind kind) throws MalformedRequestException {
    if (in[pos] == '"') {
      string();
    } else {
      number(f, kind);
    }
    return integer(f, kind);
  }

  /** The integer in {@link #sBuf}: plain digits here, any other spelling through {@link JsonNumbers}. */
  private long integer(Field f, JsonNumbers.IntKind kind) throws MalformedRequestException {
    byte[] b = sBuf;
    int i = sOff;
    int e = sOff + sLen;
    boolean negative = i < e && b[i] == '-';
    if (negative) {
      i++;
    }
    int digits = e - i;
    if (digits > 0 && digits <= 19 && (b[i] != '0' || digits == 1)) {
      long v = 0; // 19 digits fit an unsigned 64-bit value
      for (; i < e; i++) {
        int d = b[i] - '0';
        if (d < 0 || d > 9) {
          break;
        }
        v = v * 10 + d;
      }
      if (i == e && !(negative && kind.unsigned())) {
        if (kind.unsigned64) {
          return v;
        }
        if (v >= 0) { // else beyond the signed range: JsonNumbers says so (or reads -2^63)
          v = negative ? -v : v;
          if (v >= kind.min && v <= kind.max) {
            return v;
          }
        }
      }
    }
    try {
      return JsonNumbers.integer(text(), kind);
    } catch (JsonNumbers.NotANumber x) {
      throw new MalformedRequestException(f.jsonName + ": " + x.getMessage() + " at " + path());
    }
  }

  private double floating(Field f, boolean isFloat) throws MalformedRequestException {
    boolean quoted = in[pos] == '"';
    if (quoted) {
      string();
    } else {
      number(f, isFloat ? "a float" : "a double");
    }
    try {
      return JsonNumbers.floating(text(), quoted, isFloat);
    } catch (JsonNumbers.NotANumber x) {
      throw new MalformedRequestException(f.jsonName + ": " + x.getMessage() + " at " + path());
    }
  }

  /** A bare JSON number where a number must be; anything else is refused as Gson's reader refused it. */
  private void number(Field f, JsonNumbers.IntKind kind) throws MalformedRequestException {
    number(f, kind.description);
  }

  private void number(Field f, String description) throws MalformedRequestException {
    byte c = in[pos];
    if (c != '-' && (c < '0' || c > '9')) {
      String token = tokenName();
      throw new MalformedRequestException(f.jsonName + " must be " + description + " but was " + token + " at "
          + path());
    }
    numberToken();
  }

  /** The string or number at {@code pos}, as a string field or an id reads it. */
  private void stringOrNumber() throws MalformedRequestException {
    byte c = in[pos];
    if (c == '"') {
      string();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      numberToken();
    } else {
      throw wrongType("a string");
    }
  }

  // ---- tokens

  /** Reads the number token at {@code pos} (RFC 8259's grammar) into {@link #sBuf}. */
  private void numberToken() throws MalformedRequestException {
    int start = pos;
    int p = pos;
    if (p < end && in[p] == '-') {
      p++;
    }
    if (p < end && in[p] == '0') {
      p++;
    } else if (p < end && in[p] >= '1' && in[p] <= '9') {
      while (p < end && in[p] >= '0' && in[p] <= '9') {
        p++;
      }
    } else {
      pos = p;
      throw syntax("a digit expected in a number");
    }
    if (p < end && in[p] == '.') {
      p++;
      int digits = p;
      while (p < end && in[p] >= '0' && in[p] <= '9') {
        p++;
      }
      if (p == digits) {
        pos = p;
        throw syntax("a digit expected after a decimal point");
      }
    }
    if (p < end && (in[p] == 'e' || in[p] == 'E')) {
      p++;
      if (p < end && (in[p] == '+' || in[p] == '-')) {
        p++;
      }
      int digits = p;
      while (p < end && in[p] >= '0' && in[p] <= '9') {
        p++;
      }
      if (p == digits) {
        pos = p;
        throw syntax("a digit expected in an exponent");
      }
    }
    if (p - start > JsonNumbers.MAX_CHARS) {
      throw syntax("a number longer than " + JsonNumbers.MAX_CHARS + " characters");
    }
    pos = p;
    sBuf = in;
    sOff = start;
    sLen = p - start;
    sNumber = true;
  }

  /** Reads the JSON string at {@code pos} (its opening quote) into {@link #sBuf}. */
  private void string() throws MalformedRequestException {
    int start = ++pos;
    int p = plainEnd(start);
    if (p < end && in[p] == '"') {
      pos = p + 1;
      sBuf = in;
      sOff = start;
      sLen = p - start;
      sNumber = false;
      return;
    }
    pos = p; // an escape, a control character or a byte of a multi-byte character: the slow way
    decodeString(start);
  }

  /**
   * Where the run of plain bytes from {@code p} ends: the first '"', '\\', control character or non-ASCII byte at or
   * after {@code p}, or {@link #end}. Eight bytes at a time; the first special byte of a word is its lowest flagged
   * one, which the "has a zero byte" test gets exactly right.
   */
  private int plainEnd(int p) {
    byte[] b = in;
    int e = end;
    while (p + 8 <= e) {
      long special = special((long) LONGS.get(b, p));
      if (special != 0) {
        return p + (Long.numberOfTrailingZeros(special) >>> 3);
      }
      p += 8;
    }
    while (p < e) {
      byte c = b[p];
      if (c == '"' || c == '\\' || c < 0x20) {
        return p;
      }
      p++;
    }
    return p;
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final java.lang.invoke.VarHandle INTS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  /** {@code {"key":"}, {@code ","value}, {@code ":{"}, {@code true} and {@code fals} as little-endian words. */
  private static final long KEY_START = word("{\"key\":\"");
  private static final long VALUE_START = word("\",\"value");
  private static final int VALUE_START2 = (int) word("\":{\"");
  private static final int TRUE_WORD = (int) word("true");
  private static final int FALSE_WORD = (int) word("fals");

  /** Up to eight ASCII characters as a little-endian word, as LONGS or INTS read them. */
  private static long word(String s) {
    long w = 0;
    for (int i = s.length() - 1; i >= 0; i--) {
      w = w << 8 | s.charAt(i);
    }
    return w;
  }
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * The high bit of each of the eight bytes in {@code v} that is '"', '\\', below 0x20 or above 0x7f, and maybe of
   * bytes above such a one, so the lowest flagged byte is the first special one and zero means none. A byte minus
   * one (or 0x20) has its high bit set when it was zero (below 0x20) or above 0x80 (0xa0): the latter are flagged by
   * {@code v} itself anyway; and only a byte that was zero (below 0x20) borrows from the byte above it.
   */
  private static long special(long v) {
    return ((v ^ ONES * '"') - ONES | (v ^ ONES * '\\') - ONES | v - ONES * 0x20 | v) & HIGHS;
  }

  /**
   * Reads a field name and returns its field in {@code fs}, or null when it has none: the name's bytes (decoded if
   * they have escapes or non-ASCII characters) are looked up in the message's table.
   */
  private Spelling name(Fields fs) throws MalformedRequestException {
    int start = ++pos;
    int p = plainEnd(start);
    if (p < end && in[p] == '"') {
      pos = p + 1;
      int len = p - start;
      return fs.get(in, start, len, Fields.hash(in, start, len));
    }
    pos = p;
    decodeString(start);
    return fs.get(sBuf, sOff, sLen, Fields.hash(sBuf, sOff, sLen));
  }

  /**
   * The slow half of reading a string: from {@code pos} (the string began at {@code start}) through the closing
   * quote, with escapes and UTF-8 checked, into {@link #scratch}.
   */
  private void decodeString(int start) throws MalformedRequestException {
    int n = pos - start;
    ensureScratch(n + 16);
    System.arraycopy(in, start, scratch, 0, n);
    byte[] b = in;
    int p = pos;
    while (true) {
      if (p >= end) {
        pos = p;
        throw syntax("the string does not end");
      }
      int c = b[p];
      if (c == '"') {
        pos = p + 1;
        sBuf = scratch;
        sOff = 0;
        sLen = n;
        sNumber = false;
        return;
      }
      if (n + 8 > scratch.length) {
        ensureScratch(n + 8);
      }
      if (c == '\\') {
        pos = p;
        p = escape(p + 1, n);
        n = escapedLength;
      } else if (c >= 0x20) {
        scratch[n++] = (byte) c;
        p++;
      } else if (c >= 0) {
        pos = p;
        throw syntax("a control character in a string must be escaped");
      } else {
        int len = utf8Length(p);
        System.arraycopy(b, p, scratch, n, len);
        n += len;
        p += len;
      }
    }
  }

  /** The scratch length after {@link #escape}. */
  private int escapedLength;

  /**
   * Decodes the escape after the backslash at {@code p - 1} into {@link #scratch} at {@code n}; returns the next
   * position and leaves the new scratch length in {@link #escapedLength}.
   */
  private int escape(int p, int n) throws MalformedRequestException {
    if (p >= end) {
      throw syntax("the string does not end");
    }
    byte c = in[p];
    byte v;
    switch (c) {
      case '"', '\\', '/' -> v = c;
      case 'b' -> v = '\b';
      case 'f' -> v = '\f';
      case 'n' -> v = '\n';
      case 'r' -> v = '\r';
      case 't' -> v = '\t';
      case 'u' -> {
        int cp = hex4(p + 1);
        p += 5;
        if (Character.isHighSurrogate((char) cp) && p + 5 < end && in[p] == '\\' && in[p + 1] == 'u') {
          int low = hex4(p + 2);
          if (Character.isLowSurrogate((char) low)) {
            cp = Character.toCodePoint((char) cp, (char) low);
            p += 6;
          }
        }
        if (Character.isSurrogate((char) cp) && cp <= 0xffff) {
          cp = '?'; // a lone surrogate: what String.getBytes writes for it (and protobuf's encoder with it)
        }
        escapedLength = utf8(cp, n);
        return p;
      }
      default -> throw syntax("an unknown escape in a string");
    }
    scratch[n] = v;
    escapedLength = n + 1;
    return p + 1;
  }

  private int hex4(int p) throws MalformedRequestException {
    if (p + 4 > end) {
      pos = Math.min(p, end);
      throw syntax("four hex digits expected after \\u");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = HEX[in[p + i] & 0xff];
      if (d < 0) {
        pos = p + i;
        throw syntax("four hex digits expected after \\u");
      }
      v = v << 4 | d;
    }
    return v;
  }

  /** Writes code point {@code cp} into {@link #scratch} at {@code n} in UTF-8; returns the new length. */
  private int utf8(int cp, int n) {
    byte[] s = scratch;
    if (cp < 0x80) {
      s[n++] = (byte) cp;
    } else if (cp < 0x800) {
      s[n++] = (byte) (0xc0 | cp >> 6);
      s[n++] = (byte) (0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      s[n++] = (byte) (0xe0 | cp >> 12);
      s[n++] = (byte) (0x80 | (cp >> 6 & 0x3f));
      s[n++] = (byte) (0x80 | (cp & 0x3f));
    } else {
      s[n++] = (byte) (0xf0 | cp >> 18);
      s[n++] = (byte) (0x80 | (cp >> 12 & 0x3f));
      s[n++] = (byte) (0x80 | (cp >> 6 & 0x3f));
      s[n++] = (byte) (0x80 | (cp & 0x3f));
    }
    return n;
  }

  /**
   * The length of the well-formed UTF-8 sequence at {@code p} (its first byte is not ASCII), as the Unicode standard
   * defines well-formed (no overlong forms, no surrogates, nothing past U+10FFFF); refuses anything else.
   */
  private int utf8Length(int p) throws MalformedRequestException {
    int b0 = in[p] & 0xff;
    int len;
    int lo = 0x80;
    int hi = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      len = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      len = 3;
      if (b0 == 0xe0) {
        lo = 0xa0;
      } else if (b0 == 0xed) {
        hi = 0x9f;
      }
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      len = 4;
      if (b0 == 0xf0) {
        lo = 0x90;
      } else if (b0 == 0xf4) {
        hi = 0x8f;
      }
    } else {
      throw notUtf8();
    }
    if (p + len > end) {
      throw notUtf8();
    }
    int b1 = in[p + 1] & 0xff;
    if (b1 < lo || b1 > hi) {
      throw notUtf8();
    }
    for (int i = 2; i < len; i++) {
      int bi = in[p + i] & 0xff;
      if (bi < 0x80 || bi > 0xbf) {
        throw notUtf8();
      }
    }
    return len;
  }

  private static MalformedRequestException notUtf8() {
    return new MalformedRequestException("not valid JSON: the body is not valid UTF-8");
  }

  private void literal(String word) throws MalformedRequestException {
    int n = word.length();
    for (int i = 0; i < n; i++) {
      if (pos + i >= end || in[pos + i] != word.charAt(i)) {
        pos += i;
        throw syntax("'" + word + "' expected");
      }
    }
    pos += n;
    if (pos < end && isWordByte(in[pos])) {
      throw syntax("'" + word + "' expected");
    }
  }

  private static boolean isWordByte(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$'
        || c < 0;
  }

  // ---- the punctuation between values

  /** Skips white space to a member's name: its opening quote must be next; returns where the name starts. */
  private int nameQuote() throws MalformedRequestException {
    whitespace();
    if (pos >= end || in[pos] != '"') {
      throw syntax("a name in quotes expected");
    }
    return pos + 1;
  }

  /**
   * After a member's name (read from {@code nameStart} to its closing quote): notes it in the path, then skips the
   * ':' and white space up to its value, which must be there.
   */
  private void member(int nameStart) throws MalformedRequestException {
    frameStart[level - 1] = nameStart;
    frameValue[level - 1] = pos - 1 - nameStart;
    whitespace();
    if (pos >= end || in[pos] != ':') {
      throw syntax("':' expected after a name");
    }
    pos++;
    valueStart();
  }

  /** Skips white space up to a value, which must be there. */
  private void valueStart() throws MalformedRequestException {
    whitespace();
    if (pos >= end) {
      throw syntax("a value expected");
    }
  }

  /** After a member or element: skips white space and a ',' (false) or the closing {@code close} (true). */
  private boolean endOrComma(byte close) throws MalformedRequestException {
    whitespace();
    if (pos < end) {
      if (in[pos] == ',') {
        pos++;
        return false;
      }
      if (in[pos] == close) {
        pos++;
        return true;
      }
    }
    throw syntax("',' or '" + (char) close + "' expected");
  }

  /** Skips the value at {@code pos}, checking it is JSON. */
  private void skipValue() throws MalformedRequestException {
    byte c = in[pos];
    switch (c) {
      case '{' -> {
        pos++;
        push(-2, 0);
        whitespace();
        if (pos < end && in[pos] == '}') {
          pos++;
        } else {
          do {
            int nameStart = nameQuote();
            string();
            member(nameStart);
            skipValue();
          } while (!endOrComma((byte) '}'));
        }
        level--;
      }
      case '[' -> {
        pos++;
        push(-1, 0);
        whitespace();
        if (pos < end && in[pos] == ']') {
          pos++;
        } else {
          for (int i = 0; ; i++) {
            frameValue[level - 1] = i;
            valueStart();
            skipValue();
            if (endOrComma((byte) ']')) {
              break;
            }
          }
        }
        level--;
      }
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          numberToken();
        } else {
          throw syntax("a value expected");
        }
      }
    }
  }

  private void whitespace() {
    byte[] b = in;
    int p = pos;
    if (p < end && b[p] > ' ') {
      return; // compact JSON: most tokens have none before them
    }
    while (p < end) {
      byte c = b[p];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        break;
      }
      p++;
    }
    pos = p;
  }

  private void push(int start, int value) throws MalformedRequestException {
    if (level >= MAX_JSON_DEPTH) {
      throw syntax("nested deeper than " + MAX_JSON_DEPTH);
    }
    if (level == frameStart.length) {
      frameStart = Arrays.copyOf(frameStart, level * 2);
      frameValue = Arrays.copyOf(frameValue, level * 2);
    }
    frameStart[level] = start;
    frameValue[level] = value;
    level++;
  }

  private void ensureScratch(int n) {
    if (n > scratch.length) {
      scratch = Arrays.copyOf(scratch, Math.max(n, scratch.length * 2));
    }
  }

  /** The string just read, as Java text. */
  private String text() {
    return new String(sBuf, sOff, sLen, StandardCharsets.UTF_8);
  }

  // ---- errors

  /** The kind of the token at {@code pos}, in Gson's words; a syntax error where there is no valid token. */
  private String tokenName() throws MalformedRequestException {
    if (pos >= end) {
      throw syntax("a value expected");
    }
    return switch (in[pos]) {
      case '{' -> "BEGIN_OBJECT";
      case '[' -> "BEGIN_ARRAY";
      case '"' -> "STRING";
      case 't' -> word("true", "BOOLEAN");
      case 'f' -> word("false", "BOOLEAN");
      case 'n' -> word("null", "NULL");
      default -> {
        byte c = in[pos];
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield "NUMBER";
        }
        throw syntax("a value expected");
      }
    };
  }

  /** {@code kind} if the literal {@code word} is at {@code pos} (it is not read), else a syntax error. */
  private String word(String word, String kind) throws MalformedRequestException {
    int at = pos;
    literal(word);
    pos = at;
    return kind;
  }

  /** A value of the wrong kind (an object where a string must be): what was expected, what was there, and where. */
  private MalformedRequestException wrongType(String expected) throws MalformedRequestException {
    String token = tokenName();
    return new MalformedRequestException("not a valid OTLP/JSON " + rootName + ": Expected " + expected + " but was "
        + token + " at path " + path());
  }

  private MalformedRequestException syntax(String what) {
    return new MalformedRequestException("not valid JSON at line " + line() + " column " + column() + " path "
        + path() + ": " + what);
  }

  private int line() {
    int line = 1;
    for (int i = 0, n = Math.min(pos, end); i < n; i++) {
      if (in[i] == '\n') {
        line++;
      }
    }
    return line;
  }

  /** The column of {@code pos} in characters (UTF-8 continuation bytes are not counted), from 1. */
  private int column() {
    int col = 1;
    for (int i = Math.min(pos, end) - 1; i >= 0 && in[i] != '\n'; i--) {
      if ((in[i] & 0xc0) != 0x80) {
        col++;
      }
    }
    return col;
  }

  /** Where the reader is, as Gson wrote paths: {@code $.resourceSpans[0].scopeSpans[0].spans[3].traceId}. */
  private String path() {
    StringBuilder b = new StringBuilder("$");
    for (int i = 0; i < level && b.length() < 100_000; i++) {
      if (frameStart[i] == -1) {
        b.append('[').append(frameValue[i]).append(']');
      } else if (frameStart[i] >= 0) {
        // a name as it is in the input (escapes too), cut to 32 characters by shortened
        b.append('.').append(new String(in, frameStart[i], Math.min(frameValue[i], 200), StandardCharsets.UTF_8));
      }
    }
    return shortened(b.toString());
  }

  /**
   * A path fit for an error message: a key may be megabytes long and keys may nest 255 deep, so every name is cut
   * to 32 characters and the whole to about 300.
   */
  static String shortened(String path) {
    if (path.length() <= 120) {
      return path;
    }
    StringBuilder b = new StringBuilder(Math.min(path.length(), 512));
    int run = 0;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '.' || c == '[' || c == ']' || c == ' ') {
        run = 0;
        b.append(c);
      } else if (++run <= 32) {
        b.append(c);
      } else if (run == 33) {
        b.append("...");
      }
    }
    return b.length() <= 300 ? b.toString() : b.substring(0, 100) + " ... " + b.substring(b.length() - 200);
  }

  // ---- tables

  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  /** Each byte's hex digit value, or -1. */
  private static final byte[] HEX = new byte[256];

  static {
    Arrays.fill(HEX, (byte) -1);
    for (int i = 0; i < 10; i++) {
      HEX['0' + i] = (byte) i;
    }
    for (int i = 0; i < 6; i++) {
      HEX['a' + i] = (byte) (10 + i);
      HEX['A' + i] = (byte) (10 + i);
    }
  }

  /** How a field is read: its protobuf type, with trace and span ids apart (hex in OTLP/JSON). */
  private enum Kind {
    MESSAGE, STRING, BYTES, ID, BOOL, DOUBLE, FLOAT, ENUM, INT32, SINT32, SFIXED32, UINT32, FIXED32, INT64, SINT64,
    SFIXED64, UINT64, FIXED64, OTHER
  }

  private static Fields fieldsOf(Descriptor d) {
    Fields f = FIELDS.get(d);
    return f != null ? f : FIELDS.computeIfAbsent(d, Fields::new);
  }

  /** One message type's fields by their names' UTF-8 bytes (both spellings), in an open-addressing table. */
  private static final class Fields {
    private final Spelling[] spellings;
    private final int mask;
    /**
     * The spelling of the name the last object of this type began with: the next is expected to begin so too (a
     * hint, read and written racily; a spelling is immutable, so any one seen is a right one to try).
     */
    Spelling first;

    Fields(Descriptor d) {
      int size = Integer.highestOneBit(Math.max(4, d.getFields().size() * 2) * 2) * 2;
      spellings = new Spelling[size];
      mask = size - 1;
      for (FieldDescriptor fd : d.getFields()) {
        Field f = new Field(fd);
        put(fd.getName().getBytes(StandardCharsets.UTF_8), f);
        put(fd.getJsonName().getBytes(StandardCharsets.UTF_8), f);
      }
    }

    private void put(byte[] name, Field f) {
      int i = hash(name, 0, name.length) & mask;
      while (spellings[i] != null) {
        if (Arrays.equals(spellings[i].name, name)) {
          return; // the two spellings are one
        }
        i = (i + 1) & mask;
      }
      spellings[i] = new Spelling(name, f);
    }

    /** A name's hash from its length and first and last bytes: cheap, and enough to tell a message's names apart. */
    static int hash(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      int h = len * 0x9e3779b1 ^ b[off] * 0x85ebca77 ^ b[off + len - 1] * 0xc2b2ae3d;
      return h ^ (h >>> 15);
    }

    Spelling get(byte[] b, int off, int len, int hash) {
      int i = hash & mask;
      Spelling s;
      while ((s = spellings[i]) != null) {
        if (s.name.length == len && same(s.name, 0, b, off, len)) {
          return s;
        }
        i = (i + 1) & mask;
      }
      return null;
    }
  }

  /**
   * Whether {@code b[off, off + len)} is {@code n[nOff, nOff + len)}, eight bytes at a time: names are shorter than
   * Arrays.equals' vectorized path pays for.
   */
  private static boolean same(byte[] n, int nOff, byte[] b, int off, int len) {
    if (len >= 8) {
      for (int k = 0; k + 8 < len; k += 8) {
        if ((long) LONGS.get(n, nOff + k) != (long) LONGS.get(b, off + k)) {
          return false;
        }
      }
      return (long) LONGS.get(n, nOff + len - 8) == (long) LONGS.get(b, off + len - 8); // the last eight, overlapping
    }
    if (len >= 4) {
      return (int) INTS.get(n, nOff) == (int) INTS.get(b, off)
          && (int) INTS.get(n, nOff + len - 4) == (int) INTS.get(b, off + len - 4);
    }
    for (int k = 0; k < len; k++) {
      if (n[nOff + k] != b[off + k]) {
        return false;
      }
    }
    return true;
  }

  /** A field under one of its names' spellings. */
  private static final class Spelling {
    final byte[] name;
    /** The name as compact JSON has it after its opening quote: the name, '"', ':'. */
    final byte[] member;
    final Field field;

    Spelling(byte[] name, Field field) {
      this.name = name;
      this.field = field;
      member = Arrays.copyOf(name, name.length + 2);
      member[name.length] = '"';
      member[name.length + 1] = ':';
    }
  }

  /** OTLP's KeyValue and AnyValue fields the attribute fast path reads and writes, and their names as it expects. */
  private static final class KeyValueShape {
    final Field key;
    final Field value;
    final Field string;
    final Field integer;
    final Field bool;
    /** {@code stringValue":"}, {@code intValue":} and {@code boolValue":}, each after the name's opening quote. */
    final byte[] stringMember;
    final byte[] intMember;
    final byte[] boolMember;

    private KeyValueShape(Descriptor keyValue, Descriptor anyValue) {
      key = new Field(keyValue.findFieldByName("key"));
      value = new Field(keyValue.findFieldByName("value"));
      string = new Field(anyValue.findFieldByName("string_value"));
      integer = new Field(anyValue.findFieldByName("int_value"));
      bool = new Field(anyValue.findFieldByName("bool_value"));
      stringMember = (string.jsonName + "\":\"").getBytes(StandardCharsets.US_ASCII);
      intMember = (integer.jsonName + "\":").getBytes(StandardCharsets.US_ASCII);
      boolMember = (bool.jsonName + "\":").getBytes(StandardCharsets.US_ASCII);
    }

    /** The shape of {@code d} if it is OTLP's KeyValue as this reader knows it, else null. */
    static KeyValueShape of(Descriptor d) {
      if (!d.getFullName().equals("opentelemetry.proto.common.v1.KeyValue")) {
        return null;
      }
      FieldDescriptor k = d.findFieldByName("key");
      FieldDescriptor v = d.findFieldByName("value");
      if (k == null || k.getNumber() != 1 || k.isRepeated() || k.getType() != FieldDescriptor.Type.STRING
          || !k.getJsonName().equals("key") || k.hasPresence() || v == null || v.getNumber() != 2
          || v.isRepeated() || v.getType() != FieldDescriptor.Type.MESSAGE || !v.getJsonName().equals("value")) {
        return null;
      }
      Descriptor any = v.getMessageType();
      FieldDescriptor s = any.findFieldByName("string_value");
      FieldDescriptor i = any.findFieldByName("int_value");
      FieldDescriptor b = any.findFieldByName("bool_value");
      if (s == null || s.getType() != FieldDescriptor.Type.STRING || !s.getJsonName().equals("stringValue")
          || i == null || i.getType() != FieldDescriptor.Type.INT64 || !i.getJsonName().equals("intValue")
          || b == null || b.getType() != FieldDescriptor.Type.BOOL || !b.getJsonName().equals("boolValue")
          || s.isRepeated() || i.isRepeated() || b.isRepeated()
          || !s.hasPresence() || !i.hasPresence() || !b.hasPresence()) {
        return null; // (each in AnyValue's oneof: written even when it is the default)
      }
      return new KeyValueShape(d, any);
    }

    boolean isString(byte[] b, int at, int end) {
      return at + stringMember.length <= end && same(stringMember, 0, b, at, stringMember.length);
    }

    boolean isInt(byte[] b, int at, int end) {
      return at + intMember.length <= end && same(intMember, 0, b, at, intMember.length);
    }

    boolean isBool(byte[] b, int at, int end) {
      return at + boolMember.length <= end && same(boolMember, 0, b, at, boolMember.length);
    }
  }

  /** What reading one field needs, worked out once per field. */
  private static final class Field {
    final FieldDescriptor descriptor;
    final String jsonName;
    final Kind kind;
    final boolean repeated;
    final boolean packed;
    final boolean presence;
    /** The tag's varint (wire type LEN when packed). */
    final byte[] tag;
    /** Bytes the length of this field's last message or packed list took: the next one's guess. */
    int lengthGuess = 1;
    /** The spelling of the name that followed this field's in the last object that had it: the next one's guess. */
    Spelling next;
    private Fields message;
    private KeyValueShape keyValue;
    private boolean keyValueKnown;

    Field(FieldDescriptor fd) {
      descriptor = fd;
      jsonName = fd.getJsonName();
      kind = kind(fd);
      repeated = fd.isRepeated();
      packed = fd.isPackable() && repeated;
      presence = fd.hasPresence();
      int wire = packed || kind == Kind.MESSAGE || kind == Kind.STRING || kind == Kind.BYTES || kind == Kind.ID ? LEN
          : switch (kind) {
            case DOUBLE, FIXED64, SFIXED64 -> I64;
            case FLOAT, FIXED32, SFIXED32 -> I32;
            default -> VARINT;
          };
      Out t = new Out(8);
      t.varint((long) fd.getNumber() << 3 | wire);
      tag = Arrays.copyOf(t.buf, t.len);
    }

    Fields message() {
      Fields m = message;
      if (m == null) {
        m = fieldsOf(descriptor.getMessageType());
        message = m;
      }
      return m;
    }

    /** For a field of OTLP KeyValues, what their fast path needs; else null. */
    KeyValueShape keyValue() {
      if (!keyValueKnown) {
        keyValue = KeyValueShape.of(descriptor.getMessageType());
        keyValueKnown = true; // racy, but any thread's shape is as good, and a null only slower
      }
      return keyValue;
    }

    private static Kind kind(FieldDescriptor fd) {
      String name = fd.getName();
      return switch (fd.getType()) {
        case MESSAGE -> Kind.MESSAGE;
        case STRING -> Kind.STRING;
        // trace and span ids, which OTLP/JSON writes as hex: every bytes field OTLP names so
        case BYTES -> name.equals("trace_id") || name.equals("span_id") || name.equals("parent_span_id") ? Kind.ID
            : Kind.BYTES;
        case BOOL -> Kind.BOOL;
        case DOUBLE -> Kind.DOUBLE;
        case FLOAT -> Kind.FLOAT;
        case ENUM -> Kind.ENUM;
        case INT32 -> Kind.INT32;
        case SINT32 -> Kind.SINT32;
        case SFIXED32 -> Kind.SFIXED32;
        case UINT32 -> Kind.UINT32;
        case FIXED32 -> Kind.FIXED32;
        case INT64 -> Kind.INT64;
        case SINT64 -> Kind.SINT64;
        case SFIXED64 -> Kind.SFIXED64;
        case UINT64 -> Kind.UINT64;
        case FIXED64 -> Kind.FIXED64;
        default -> Kind.OTHER;
      };
    }
  }

  /** A growable byte buffer with protobuf's wire primitives. */
  private static final class Out {
    byte[] buf;
    int len;

    Out(int capacity) {
      buf = new byte[capacity];
    }

    void tag(byte[] tag) {
      int n = tag.length;
      ensure(n);
      byte[] b = buf;
      int l = len;
      b[l] = tag[0];
      for (int i = 1; i < n; i++) {
        b[l + i] = tag[i];
      }
      len = l + n;
    }

    void bytesField(byte[] tag, byte[] b, int off, int n) {
      ensure(tag.length + 5 + n);
      tag(tag);
      varint(n);
      System.arraycopy(b, off, buf, len, n);
      len += n;
    }

    /**
     * Writes the tag and room for a length of {@code guess} bytes (what the field's last one took); returns where the
     * value starts. {@link #endLength}, given the same guess, writes the length there, moving the value when it needs
     * more or fewer bytes. (A field may be open at several depths at once, as AnyValue's are: each call keeps its own
     * guess.)
     */
    int beginLength(byte[] tag, int guess) {
      tag(tag);
      ensure(guess);
      len += guess;
      return len;
    }

    void endLength(Field f, int start, int guess) {
      int n = len - start;
      int size = varintSize(n);
      if (size != guess) {
        ensure(size - guess);
        System.arraycopy(buf, start, buf, start - guess + size, n);
        len += size - guess;
        f.lengthGuess = size; // a benign race: any guess is correct, only the speed differs
      }
      int p = start - guess;
      long v = n;
      while ((v & ~0x7fL) != 0) {
        buf[p++] = (byte) ((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      buf[p] = (byte) v;
    }

    static int varintSize(int n) {
      return n < 1 << 7 ? 1 : n < 1 << 14 ? 2 : n < 1 << 21 ? 3 : n < 1 << 28 ? 4 : 5;
    }

    /** The bytes {@link #varint} writes for {@code v} (ten for a negative one). */
    static int varintSize(long v) {
      return v < 0 ? 10 : (63 - Long.numberOfLeadingZeros(v | 1)) / 7 + 1;
    }

    void varint(long v) {
      ensure(10);
      while ((v & ~0x7fL) != 0) {
        buf[len++] = (byte) ((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      buf[len++] = (byte) v;
    }

    void fixed32(int v) {
      ensure(4);
      for (int i = 0; i < 4; i++) {
        buf[len++] = (byte) (v >>> (8 * i));
      }
    }

    void fixed64(long v) {
      ensure(8);
      for (int i = 0; i < 8; i++) {
        buf[len++] = (byte) (v >>> (8 * i));
      }
    }

    /** Writes {@code tag} at {@code l} in {@code ob} (which has room); returns the position after it. */
    static int put(byte[] ob, int l, byte[] tag) {
      ob[l] = tag[0];
      for (int i = 1; i < tag.length; i++) {
        ob[l + i] = tag[i];
      }
      return l + tag.length;
    }

    /** Writes {@code v} as a varint at {@code l} in {@code ob} (which has room); returns the position after it. */
    static int putVarint(byte[] ob, int l, long v) {
      while ((v & ~0x7fL) != 0) {
        ob[l++] = (byte) ((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      ob[l++] = (byte) v;
      return l;
    }

    /**
     * Copies {@code n} bytes from {@code b} at {@code off} to {@code ob} at {@code l}; returns the position after them.
     * Up to 16 bytes as two words when both arrays have room for them ({@code ob} then gets bytes past the copy, which
     * later writes overwrite or the copy at the end leaves out).
     */
    static int copy(byte[] b, int off, byte[] ob, int l, int n) {
      if (n <= 16 && off + 16 <= b.length && l + 16 <= ob.length) {
        LONGS.set(ob, l, (long) LONGS.get(b, off));
        LONGS.set(ob, l + 8, (long) LONGS.get(b, off + 8));
      } else {
        System.arraycopy(b, off, ob, l, n);
      }
      return l + n;
    }

    void write(byte[] b, int off, int n) {
      ensure(n);
      System.arraycopy(b, off, buf, len, n);
      len += n;
    }

    void ensure(int n) {
      if (len + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }
  }
}
