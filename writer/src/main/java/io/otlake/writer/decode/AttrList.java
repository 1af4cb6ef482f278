package io.otlake.writer.decode;

import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.WireReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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

  static final byte[][] TYPE_NAMES = {
      bytes("empty"), bytes("string"), bytes("bool"), bytes("int"), bytes("double"), bytes("array"),
      bytes("kvlist"), bytes("bytes")};
  private static final byte[] TRUE = bytes("true");
  private static final byte[] FALSE = bytes("false");

  private byte[] buf;
  private int count;
  private int[] keyOff = new int[16];
  private int[] keyLen = new int[16];
  private int[] kind = new int[16];
  private byte[][] valueBuf = new byte[16][];
  private int[] valueOff = new int[16];
  private int[] valueLen = new int[16];
  private long[] scalar = new long[16];
  private boolean[] shadowed = new boolean[16];
  /** The text of non-string values, made on first use and kept while the list holds the same attributes. */
  private byte[][] text = new byte[16][];
  private int nonStrings;
  /** Reads each KeyValue's value; also makes the text of non-string values. */
  private final WireValue value = new WireValue();
  private final TextBuffer scratch = new TextBuffer();
  private final Pairs values = new Pairs(false);
  private final Pairs types = new Pairs(true);

  /** Changes whenever the list is refilled, so a consumer can cache what it derived from the attributes. */
  private long version;

  public long version() {
    return version;
  }

  /** Empties the list, for attributes lying in {@code buf}. */
  public void clear(byte[] buf) {
    this.version++;
    this.buf = buf;
    this.count = 0;
    this.nonStrings = 0;
  }

  /** Adds the length-delimited KeyValue message at the reader's position and moves the reader past it. */
  public void add(WireReader r) throws MalformedRequestException {
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
      valueBuf = Arrays.copyOf(valueBuf, n);
      valueOff = Arrays.copyOf(valueOff, n);
      valueLen = Arrays.copyOf(valueLen, n);
      scalar = Arrays.copyOf(scalar, n);
      shadowed = Arrays.copyOf(shadowed, n);
      text = Arrays.copyOf(text, n);
    }
    text[i] = null;
    shadowed[i] = false;
    try {
      WireValue.keyValue(buf, off, len, value);
    } catch (MalformedRequestException e) {
      throw new IllegalStateException("attribute bytes changed after validation", e);
    }
    keyOff[i] = value.keyOff();
    keyLen[i] = value.keyLen();
    kind[i] = value.kind;
    scalar[i] = value.scalar;
    valueBuf[i] = value.buf;
    valueOff[i] = value.off;
    valueLen[i] = value.len;
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
        return out.set(valueBuf[i], valueOff[i], valueLen[i]);
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
        scratch.clear();
        scratch.decimal(scalar[i]);
        return scratch.copy();
      default:
        value.kind = kind[i];
        value.scalar = scalar[i];
        value.buf = valueBuf[i];
        value.off = valueOff[i];
        value.len = valueLen[i];
        scratch.clear();
        value.text(scratch);
        return scratch.copy();
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
}
