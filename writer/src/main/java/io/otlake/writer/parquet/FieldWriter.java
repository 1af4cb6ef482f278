package io.otlake.writer.parquet;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * One field of a {@link RowWriter}'s schema (a top-level column, a struct's field, a list's element, a map's key or
 * value), with the levels its values and nulls are written at, derived from the schema:
 *
 * <ul>
 *   <li>a primitive takes its value ({@link #writeBytes}, {@link #writeLong}, ...) or {@link #writeNull()};
 *   <li>a struct's fields are handles of their own ({@link #field}); a struct that is present (a list's element, a
 *       map's value or a field) says so with {@link #beginStruct()} before its fields (needed only when it has
 *       fields nobody writes, which get their null there), an absent one is {@link #writeNull()};
 *   <li>a list is {@link #beginList()}, then {@link #nextElement()} before each element is written through
 *       {@link #element()}, then {@link #endList()} (no elements: the empty list); a map likewise with
 *       {@link #beginMap()}, {@link #nextEntry()}, {@link #key()} and {@link #value()}, {@link #endMap()}.
 * </ul>
 *
 * Every field of a row gets exactly one call per row (per element within a list), as the file checks: a column
 * with more or fewer rows than the file is an error before the file could be corrupt. Physical types follow
 * Iceberg's Parquet mapping: int, date and decimals up to 9 digits are int32 ({@link #writeInt}); long, time,
 * timestamps and decimals up to 18 digits int64 ({@link #writeLong}, unscaled for decimals); string and binary
 * byte arrays, fixed and uuid and wider decimals fixed-length byte arrays ({@link #writeBytes}, {@link #writeUuid},
 * {@link #writeDecimal}).
 */
public final class FieldWriter {
  private enum Kind { PRIMITIVE, STRUCT, LIST, MAP, ABSENT }

  private final RowWriter row;
  private final Kind kind;
  private final String name;
  private final Type type;
  private final boolean optional;
  /** Definition level of this field when it is present (for a list or map: present, maybe empty). */
  private final int def;
  /** Every leaf column below (or at) this field. */
  final LeafColumn[] leaves;

  // primitives: exactly one of these is set (fixed-length byte arrays in fixedBinary, with their length)
  private final BinaryColumn variableBinary;
  private final BinaryColumn fixedBinary;
  final BinaryColumn binary;
  private final IntegerColumn integer;
  private final boolean int32;
  private final DoubleColumn doubles;
  private final FloatColumn floats;
  private final BooleanColumn booleans;
  private final int fixedLength;
  private byte[] scratch;

  // structs
  private final Map<String, FieldWriter> children;
  private final List<FieldWriter> claimed = new ArrayList<>();
  private LeafColumn[] unclaimed;

  // lists and maps
  private final int repeatedLevel;
  private final FieldWriter element;
  final FieldWriter key;
  final FieldWriter value;
  private int entries;
  private int outerR;
  /** For a map of strings to strings: its key and value columns (the fast path of writeStringEntry), else null. */
  private final BinaryColumn stringKey;
  private final BinaryColumn stringValue;

  private FieldWriter(RowWriter row, ColumnsFile file, int fieldId, String name, Type type, boolean optional,
      int parentDef, int parentRep) {
    this.row = row;
    this.name = name;
    this.type = type;
    this.optional = optional;
    this.def = parentDef + (optional ? 1 : 0);
    List<LeafColumn> leaves = new ArrayList<>();
    BinaryColumn bin = null;
    IntegerColumn ints = null;
    DoubleColumn dbl = null;
    FloatColumn flt = null;
    BooleanColumn bool = null;
    Map<String, FieldWriter> children = null;
    FieldWriter element = null;
    FieldWriter key = null;
    FieldWriter value = null;
    int repeated = -1;
    int fixed = -1;
    if (type.isPrimitiveType()) {
      kind = Kind.PRIMITIVE;
      LeafColumn c = file.leaf(fieldId);
      if (c == null || c.maxDefinition() != def || c.maxRepetition() != parentRep) {
        throw new IllegalStateException("column " + name + " of the file does not have the levels its schema gives ("
            + (c == null ? "missing" : "definition " + c.maxDefinition() + ", repetition " + c.maxRepetition())
            + "; expected " + def + ", " + parentRep + ")");
      }
      leaves.add(c);
      if (c instanceof BinaryColumn b) {
        bin = b;
      } else if (c instanceof IntegerColumn i) {
        ints = i;
      } else if (c instanceof DoubleColumn d) {
        dbl = d;
      } else if (c instanceof FloatColumn f) {
        flt = f;
      } else if (c instanceof BooleanColumn b) {
        bool = b;
      }
      if (type instanceof Types.FixedType f) {
        fixed = f.length();
      } else if (type.typeId() == Type.TypeID.UUID) {
        fixed = 16;
      } else if (type instanceof Types.DecimalType d && bin != null) {
        fixed = c.desc.getPrimitiveType().getTypeLength();
      }
    } else if (type.isStructType()) {
      kind = Kind.STRUCT;
      children = new LinkedHashMap<>();
      for (Types.NestedField f : type.asStructType().fields()) {
        FieldWriter child = new FieldWriter(row, file, f.fieldId(), prefixed(name, f.name()), f.type(),
            f.isOptional(), def, parentRep);
        children.put(f.name(), child);
        leaves.addAll(List.of(child.leaves));
      }
    } else if (type.isListType()) {
      kind = Kind.LIST;
      repeated = parentRep + 1;
      Types.NestedField e = type.asListType().fields().get(0);
      element = new FieldWriter(row, file, e.fieldId(), name + ".element", e.type(), e.isOptional(), def + 1,
          repeated);
      leaves.addAll(List.of(element.leaves));
    } else if (type.isMapType()) {
      kind = Kind.MAP;
      repeated = parentRep + 1;
      Types.NestedField k = type.asMapType().fields().get(0);
      Types.NestedField v = type.asMapType().fields().get(1);
      key = new FieldWriter(row, file, k.fieldId(), name + ".key", k.type(), false, def + 1, repeated);
      value = new FieldWriter(row, file, v.fieldId(), name + ".value", v.type(), v.isOptional(), def + 1,
          repeated);
      leaves.addAll(List.of(key.leaves));
      leaves.addAll(List.of(value.leaves));
    } else {
      throw new IllegalArgumentException("field " + name + " has type " + type + ", which this writer does not write");
    }
    this.leaves = leaves.toArray(new LeafColumn[0]);
    this.binary = bin;
    this.variableBinary = fixed < 0 ? bin : null;
    this.fixedBinary = fixed < 0 ? null : bin;
    this.integer = ints;
    this.int32 = ints != null && ints.desc.getPrimitiveType().getPrimitiveTypeName()
        == org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
    this.doubles = dbl;
    this.floats = flt;
    this.booleans = bool;
    this.fixedLength = fixed;
    this.children = children;
    this.repeatedLevel = repeated;
    this.element = element;
    this.key = key;
    this.value = value;
    boolean stringMap = key != null && key.variableBinary != null && value.variableBinary != null;
    this.stringKey = stringMap ? key.variableBinary : null;
    this.stringValue = stringMap ? value.variableBinary : null;
  }

  /** A handle that ignores what is written to it: a field the file's schema does not have. */
  private FieldWriter(RowWriter row, String name) {
    this.row = row;
    this.kind = Kind.ABSENT;
    this.name = name;
    this.type = null;
    this.optional = true;
    this.def = 0;
    this.leaves = new LeafColumn[0];
    this.binary = null;
    this.variableBinary = null;
    this.fixedBinary = null;
    this.integer = null;
    this.int32 = false;
    this.doubles = null;
    this.floats = null;
    this.booleans = null;
    this.fixedLength = -1;
    this.children = null;
    this.repeatedLevel = 0;
    this.element = this;
    this.key = this;
    this.value = this;
    this.stringKey = null;
    this.stringValue = null;
  }

  static FieldWriter root(RowWriter row, ColumnsFile file, Types.StructType schema) {
    return new FieldWriter(row, file, -1, "", schema, false, 0, 0);
  }

  private static String prefixed(String parent, String child) {
    return parent.isEmpty() ? child : parent + "." + child;
  }

  RowWriter rowWriter() {
    return row;
  }

  /** The field's name in the schema, dotted ({@code events.element.name}). */
  public String name() {
    return name;
  }

  /** The field's Iceberg type (null for a field the schema does not have). */
  public Type type() {
    return type;
  }

  // ---- structs

  /** The struct's field {@code name}; resolve every handle before the first row. */
  public FieldWriter field(String name) {
    FieldWriter f = fieldIfPresent(name);
    if (f.kind == Kind.ABSENT && kind != Kind.ABSENT) {
      throw new IllegalArgumentException((this.name.isEmpty() ? "the schema" : "struct " + this.name)
          + " has no field '" + name + "'");
    }
    return f;
  }

  /** The struct's field {@code name}, or a handle ignoring everything when the struct has no such field. */
  public FieldWriter fieldIfPresent(String name) {
    if (kind == Kind.ABSENT) {
      return this;
    }
    if (kind != Kind.STRUCT) {
      throw wrongKind("a struct");
    }
    if (unclaimed != null) {
      throw new IllegalStateException("field " + prefixed(this.name, name) + " resolved after rows were written");
    }
    FieldWriter f = children.get(name);
    if (f == null) {
      return new FieldWriter(row, prefixed(this.name, name));
    }
    if (!claimed.contains(f)) {
      claimed.add(f);
    }
    return f;
  }

  /** A present struct whose fields follow (writes the null of the fields nobody resolved). */
  public void beginStruct() {
    if (kind != Kind.STRUCT) {
      if (kind == Kind.ABSENT) {
        return;
      }
      throw wrongKind("a struct");
    }
    nullUnclaimed(row.r);
  }

  /** Writes the null of every column of the fields nobody resolved, at repetition level {@code r}. */
  void nullUnclaimed(int r) {
    LeafColumn[] u = unclaimed;
    if (u == null) {
      u = seal();
    }
    for (LeafColumn c : u) {
      c.writeNull(r, def);
    }
  }

  private LeafColumn[] seal() {
    List<LeafColumn> u = new ArrayList<>();
    for (FieldWriter f : children.values()) {
      if (!claimed.contains(f)) {
        if (!f.optional) {
          throw new IllegalStateException("required field " + f.name + " is not written by this writer");
        }
        u.addAll(List.of(f.leaves));
      }
    }
    unclaimed = u.toArray(new LeafColumn[0]);
    return unclaimed;
  }

  // ---- lists and maps

  /** The list's element. */
  public FieldWriter element() {
    if (kind != Kind.LIST && kind != Kind.ABSENT) {
      throw wrongKind("a list");
    }
    return element;
  }

  /** The map's key. */
  public FieldWriter key() {
    if (kind != Kind.MAP && kind != Kind.ABSENT) {
      throw wrongKind("a map");
    }
    return key;
  }

  /** The map's value. */
  public FieldWriter value() {
    if (kind != Kind.MAP && kind != Kind.ABSENT) {
      throw wrongKind("a map");
    }
    return value;
  }

  /** Starts a present list; its elements follow, each after {@link #nextElement()}. */
  public void beginList() {
    begin(Kind.LIST);
  }

  /** Starts the next element of the list. */
  public void nextElement() {
    next(Kind.LIST);
  }

  /** Ends the list (with no elements since {@link #beginList()}: the empty list). */
  public void endList() {
    end(Kind.LIST);
  }

  /** Starts a present map; its entries follow, each after {@link #nextEntry()}. */
  public void beginMap() {
    begin(Kind.MAP);
  }

  /** Starts the next entry of the map: its key and its value follow. */
  public void nextEntry() {
    next(Kind.MAP);
  }

  /**
   * The repetition levels of the map's entries after {@link #beginMap()}: the first's, then the others'. For
   * callers writing all entries' leaves at once (their values' levels), then {@link #skipEntries} and
   * {@link #endMap}.
   */
  int firstEntryLevel() {
    return outerR;
  }

  int nextEntryLevel() {
    return repeatedLevel;
  }

  /** Counts {@code n} entries written straight to the leaves, as {@code n} calls of {@link #nextEntry()} would. */
  void skipEntries(int n) {
    if (kind != Kind.MAP || n == 0) {
      return;
    }
    entries += n;
    row.r = repeatedLevel;
  }

  /** Ends the map (with no entries since {@link #beginMap()}: the empty map). */
  public void endMap() {
    end(Kind.MAP);
  }

  private void begin(Kind expected) {
    if (kind != expected) {
      if (kind == Kind.ABSENT) {
        return;
      }
      throw wrongKind(expected == Kind.LIST ? "a list" : "a map");
    }
    outerR = row.r;
    entries = 0;
  }

  private void next(Kind expected) {
    if (kind != expected) {
      if (kind == Kind.ABSENT) {
        return;
      }
      throw wrongKind(expected == Kind.LIST ? "a list" : "a map");
    }
    row.r = entries++ == 0 ? outerR : repeatedLevel;
  }

  private void end(Kind expected) {
    if (kind != expected) {
      if (kind == Kind.ABSENT) {
        return;
      }
      throw wrongKind(expected == Kind.LIST ? "a list" : "a map");
    }
    int r = outerR;
    if (entries == 0) {
      for (LeafColumn c : leaves) {
        c.writeNull(r, def);
      }
    }
    row.r = r;
  }

  /** The number of elements or entries written since the list or map began. */
  int entries() {
    return entries;
  }

  // ---- values

  /** The field is null (for a list or map: absent, not empty). */
  public void writeNull() {
    if (!optional) {
      if (kind == Kind.ABSENT) {
        return;
      }
      throw new IllegalArgumentException("field " + name + " is required and cannot be null");
    }
    int r = row.r;
    int d = def - 1;
    for (LeafColumn c : leaves) {
      c.writeNull(r, d);
    }
  }

  /** A string, binary, fixed or uuid value (or a wide decimal's fixed-length two's complement): the bytes are copied. */
  public void writeBytes(byte[] b, int off, int len) {
    BinaryColumn c = variableBinary;
    if (c == null) {
      writeFixed(b, off, len);
      return;
    }
    c.write(row.r, b, off, len);
  }

  private void writeFixed(byte[] b, int off, int len) {
    BinaryColumn c = fixedBinary;
    if (c == null) {
      if (kind == Kind.ABSENT) {
        return;
      }
      throw wrongType("bytes");
    }
    if (len != fixedLength) {
      throw new IllegalArgumentException("field " + name + " holds " + fixedLength + " bytes, not " + len);
    }
    c.write(row.r, b, off, len);
  }

  /**
   * The next entry of a map of strings to strings, key and value at once ({@link #nextEntry()} and both writes, for
   * the common attribute map).
   */
  public void writeStringEntry(byte[] k, int kOff, int kLen, byte[] v, int vOff, int vLen) {
    BinaryColumn kc = stringKey;
    if (kc == null) {
      nextEntry();
      key.writeBytes(k, kOff, kLen);
      value.writeBytes(v, vOff, vLen);
      return;
    }
    int r = entries++ == 0 ? outerR : repeatedLevel;
    kc.write(r, k, kOff, kLen);
    stringValue.write(r, v, vOff, vLen);
    row.r = r;
  }

  /** A string (convenience: encodes to UTF-8, allocating). */
  public void writeString(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    writeBytes(b, 0, b.length);
  }

  /** An int, a date (days since 1970-01-01) or a decimal of up to 9 digits (unscaled); also widens into longs. */
  public void writeInt(int v) {
    IntegerColumn c = integer;
    if (c == null) {
      if (kind == Kind.ABSENT) {
        return;
      }
      throw wrongType("int");
    }
    c.write(row.r, v);
  }

  /** A long, a time (microseconds of the day), a timestamp (microseconds), or a decimal of up to 18 digits, unscaled. */
  public void writeLong(long v) {
    IntegerColumn c = integer;
    if (c == null || int32) {
      if (kind == Kind.ABSENT) {
        return;
      }
      throw wrongType("long");
    }
    c.write(row.r, v);
  }

  public void writeBoolean(boolean v) {
    BooleanColumn c = booleans;
    if (c == null) {
      if (kind == Kind.ABSENT) {
        return;
      }
      throw wrongType("boolean");
    }
    c.write(row.r, v);
  }

  public void writeFloat(float v) {
    FloatColumn c = floats;
    if (c == null) {
      if (kind == Kind.ABSENT) {
        return;
      }
      throw wrongType("float");
    }
    c.write(row.r, v);
  }

  public void writeDouble(double v) {
    DoubleColumn c = doubles;
    if (c == null) {
      if (kind == Kind.ABSENT) {
        return;
      }
      throw wrongType("double");
    }
    c.write(row.r, v);
  }

  /** A uuid, as its 16 big-endian bytes. */
  public void writeUuid(long mostSignificant, long leastSignificant) {
    byte[] b = scratch(16);
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (mostSignificant >>> (56 - 8 * i));
      b[8 + i] = (byte) (leastSignificant >>> (56 - 8 * i));
    }
    writeBytes(b, 0, 16);
  }

  public void writeUuid(UUID v) {
    writeUuid(v.getMostSignificantBits(), v.getLeastSignificantBits());
  }

  /** A decimal of the field's scale, in whichever physical type the field has. */
  public void writeDecimal(BigDecimal v) {
    if (kind == Kind.ABSENT) {
      return;
    }
    if (!(type instanceof Types.DecimalType d)) {
      throw wrongType("decimal");
    }
    if (v.scale() != d.scale() || v.precision() > d.precision()) {
      throw new IllegalArgumentException("field " + name + " is " + d + "; " + v + " does not fit");
    }
    BigInteger unscaled = v.unscaledValue();
    if (binary == null) {
      if (int32) {
        writeInt(unscaled.intValueExact());
      } else {
        writeLong(unscaled.longValueExact());
      }
      return;
    }
    byte[] minimal = unscaled.toByteArray();
    byte[] b = scratch(fixedLength);
    byte sign = (byte) (unscaled.signum() < 0 ? -1 : 0);
    int pad = fixedLength - minimal.length;
    for (int i = 0; i < pad; i++) {
      b[i] = sign;
    }
    System.arraycopy(minimal, 0, b, pad, minimal.length);
    writeBytes(b, 0, fixedLength);
  }

  private byte[] scratch(int n) {
    if (scratch == null || scratch.length < n) {
      scratch = new byte[n];
    }
    return scratch;
  }

  private IllegalArgumentException wrongType(String what) {
    return new IllegalArgumentException("field " + name + " is " + type + "; it takes no " + what + " value");
  }

  private IllegalArgumentException wrongKind(String what) {
    return new IllegalArgumentException("field " + (name.isEmpty() ? "(the row)" : name) + " is " + type
        + ", not " + what);
  }
}
