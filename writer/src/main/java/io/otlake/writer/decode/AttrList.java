package io.otlake.writer.decode;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.WireReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The attributes of one span, event, link, resource or scope, read from wire bytes, as the two map columns the
 * table has: {@link #values()} (every value as text) and {@link #types()} (the OTLP type of non-string values), see
 * {@link AttributeText}. A key that occurs twice keeps its last value, as a map would.
 */
public final class AttrList {
  static final int STRING = 1;
  static final int BOOL = 2;
  static final int INT = 3;
  static final int DOUBLE = 4;
  static final int ARRAY = 5;
  static final int KVLIST = 6;
  static final int BYTES = 7;
  static final int EMPTY = 0;

  private static final byte[][] TYPE_NAMES = {
      bytes("empty"), bytes("string"), bytes("bool"), bytes("int"), bytes("double"), bytes("array"),
      bytes("kvlist"), bytes("bytes")};
  private static final byte[] TRUE = bytes("true");
  private static final byte[] FALSE = bytes("false");

  /** Text of array, kvlist and bytes values by their wire bytes: these repeat, and printing them is costly. */
  private static final ThreadLocal<ComplexText> COMPLEX_TEXT = ThreadLocal.withInitial(ComplexText::new);

  private byte[] buf;
  private int count;
  private int[] keyOff = new int[16];
  private int[] keyLen = new int[16];
  private int[] kind = new int[16];
  private int[] valueOff = new int[16];
  private int[] valueLen = new int[16];
  private long[] scalar = new long[16];
  private boolean[] shadowed = new boolean[16];
  /** The text of non-string values, made on first use and kept while the list holds the same attributes. */
  private byte[][] text = new byte[16][];
  private int nonStrings;
  private final Pairs values = new Pairs(false);
  private final Pairs types = new Pairs(true);

  /** Changes whenever the list is refilled, so a consumer can cache what it derived from the attributes. */
  private long version;

  public long version() {
    return version;
  }

  void clear(byte[] buf) {
    this.version++;
    this.buf = buf;
    this.count = 0;
    this.nonStrings = 0;
  }

  /** Adds the length-delimited KeyValue message at the reader's position and moves the reader past it. */
  void add(WireReader r) throws MalformedRequestException {
    int len = r.readLength();
    add(r.pos, len);
    r.pos += len;
  }

  /** Adds the KeyValue message lying at {@code buf[off, off + len)}. */
  private void add(int off, int len) {
    int i = count++;
    if (i == keyOff.length) {
      int n = i * 2;
      keyOff = Arrays.copyOf(keyOff, n);
      keyLen = Arrays.copyOf(keyLen, n);
      kind = Arrays.copyOf(kind, n);
      valueOff = Arrays.copyOf(valueOff, n);
      valueLen = Arrays.copyOf(valueLen, n);
      scalar = Arrays.copyOf(scalar, n);
      shadowed = Arrays.copyOf(shadowed, n);
      text = Arrays.copyOf(text, n);
    }
    text[i] = null;
    keyOff[i] = off;
    keyLen[i] = 0;
    kind[i] = EMPTY;
    valueOff[i] = off;
    valueLen[i] = 0;
    shadowed[i] = false;
    try {
      WireReader r = new WireReader(buf, off, len);
      while (!r.atEnd()) {
        int tag = r.readTag();
        if (tag == (1 << 3 | WireReader.LEN)) {
          keyLen[i] = r.readLength();
          keyOff[i] = r.pos;
          r.pos += keyLen[i];
        } else if (tag == (2 << 3 | WireReader.LEN)) {
          int l = r.readLength();
          anyValue(i, r.pos, l);
          r.pos += l;
        } else {
          r.skip(tag & 7);
        }
      }
    } catch (MalformedRequestException e) {
      throw new IllegalStateException("attribute bytes changed after validation", e);
    }
    for (int j = 0; j < i; j++) {
      if (!shadowed[j] && keyLen[j] == keyLen[i]
          && Arrays.equals(buf, keyOff[j], keyOff[j] + keyLen[j], buf, keyOff[i], keyOff[i] + keyLen[i])) {
        shadowed[j] = true; // the later value wins
        if (kind[j] != STRING) {
          nonStrings--;
        }
      }
    }
    if (kind[i] != STRING) {
      nonStrings++;
    }
  }

  private void anyValue(int i, int off, int len) throws MalformedRequestException {
    kind[i] = EMPTY;
    valueOff[i] = off;
    valueLen[i] = len;
    WireReader r = new WireReader(buf, off, len);
    while (!r.atEnd()) {
      int tag = r.readTag();
      int field = tag >>> 3;
      switch (field) {
        case 1 -> {
          int l = r.readLength();
          kind[i] = STRING;
          valueOff[i] = r.pos;
          valueLen[i] = l;
          r.pos += l;
        }
        case 2 -> {
          kind[i] = BOOL;
          scalar[i] = r.readVarint();
        }
        case 3 -> {
          kind[i] = INT;
          scalar[i] = r.readVarint();
        }
        case 4 -> {
          kind[i] = DOUBLE;
          scalar[i] = r.readFixed64();
        }
        case 5, 6, 7 -> {
          kind[i] = field == 5 ? ARRAY : field == 6 ? KVLIST : BYTES;
          r.skip(tag & 7); // kept as the whole AnyValue range; decoded only when written
          valueOff[i] = off;
          valueLen[i] = len;
        }
        default -> r.skip(tag & 7);
      }
    }
  }

  public Pairs values() {
    return values;
  }

  public Pairs types() {
    return types;
  }

  /** The value of {@code key} as text, or null when absent. */
  String stringValue(byte[] key) {
    String found = null;
    for (int i = 0; i < count; i++) {
      if (!shadowed[i] && Arrays.equals(buf, keyOff[i], keyOff[i] + keyLen[i], key, 0, key.length)) {
        Slice text = text(i, new Slice());
        found = new String(text.buf, text.off, text.len, StandardCharsets.UTF_8);
      }
    }
    return found;
  }

  /** The value of attribute {@code i} as text, see {@link AttributeText}. */
  private Slice text(int i, Slice out) {
    switch (kind[i]) {
      case STRING:
        return out.set(buf, valueOff[i], valueLen[i]);
      case EMPTY:
        return out.set(buf, 0, 0);
      default:
        if (text[i] == null) {
          text[i] = nonStringText(i);
        }
        return out.set(text[i]);
    }
  }

  private byte[] nonStringText(int i) {
    switch (kind[i]) {
      case BOOL:
        return scalar[i] != 0 ? TRUE : FALSE;
      case INT:
        return bytes(Long.toString(scalar[i]));
      case DOUBLE:
        return bytes(Double.toString(Double.longBitsToDouble(scalar[i])));
      default:
        return COMPLEX_TEXT.get().text(kind[i] == BYTES, buf, valueOff[i], valueLen[i]);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** One of the two map columns as key/value slices, iterated without allocating. */
  public final class Pairs {
    private final boolean typesOnly;
    private final Slice key = new Slice();
    private final Slice value = new Slice();
    private int next;

    Pairs(boolean typesOnly) {
      this.typesOnly = typesOnly;
    }

    /** Starts an iteration. */
    public Pairs start() {
      if (typesOnly && nonStrings == 0) {
        next = count; // only strings: no type entries
        return this;
      }
      next = -1;
      advance();
      return this;
    }

    public boolean hasNext() {
      return next < count;
    }

    /** Moves to the next pair; its key and value are then in {@link #key()} and {@link #value()}. */
    public void next() {
      int i = next;
      key.set(buf, keyOff[i], keyLen[i]);
      if (typesOnly) {
        value.set(TYPE_NAMES[kind[i]]);
      } else {
        text(i, value);
      }
      advance();
    }

    private void advance() {
      next++;
      while (next < count && (shadowed[next] || (typesOnly && kind[next] == STRING))) {
        next++;
      }
    }

    public Slice key() {
      return key;
    }

    public Slice value() {
      return value;
    }
  }

  /** A bounded cache from an AnyValue's bytes to its text. */
  private static final class ComplexText {
    private static final int MAX_ENTRIES = 1024;
    private final java.util.HashMap<BytesKey, byte[]> texts = new java.util.HashMap<>();

    byte[] text(boolean isBytes, byte[] buf, int off, int len) {
      BytesKey key = new BytesKey(Arrays.copyOfRange(buf, off, off + len));
      byte[] text = texts.get(key);
      if (text == null) {
        AnyValue v;
        try {
          v = AnyValue.parseFrom(key.bytes);
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("attribute bytes changed after validation", e);
        }
        text = bytes(isBytes ? Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray())
            : AttributeText.text(v));
        if (texts.size() >= MAX_ENTRIES) {
          texts.clear();
        }
        texts.put(key, text);
      }
      return text;
    }
  }
}
