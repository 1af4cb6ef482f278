package io.otlake.writer.parquet;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Writes rows held as Iceberg's generic values (what {@code GenericParquetReaders} reads: a {@link StructLike} per
 * row and struct, {@link List} and {@link Map} for lists and maps, {@link String} or any {@link CharSequence},
 * {@link ByteBuffer} for binary, {@code byte[]} for fixed, {@link UUID}, {@link BigDecimal}, {@link LocalDate},
 * {@link LocalTime}, {@link LocalDateTime} and {@link OffsetDateTime}; timestamps and times also as {@link Long}
 * microseconds, dates as {@link Integer} days, Iceberg's internal forms) into a {@link ColumnsFile}, driven only by
 * the file's Iceberg schema: the schema is compiled once into a tree of field handles, and each row is pushed
 * through them by position. It knows no table's columns; maintenance rewrites any table's files with it, so they get
 * the encodings, dictionaries and bloom filters of the streaming writer's files.
 *
 * <p>A value of the wrong Java type for its field, or a null in a required field, fails the row naming the field.
 */
public final class RecordWriter {
  private final RowWriter row;
  private final Node[] top;

  public RecordWriter(ColumnsFile file, org.apache.iceberg.Schema schema) {
    this.row = file.rowWriter();
    List<Types.NestedField> fields = schema.columns();
    this.top = new Node[fields.size()];
    for (int i = 0; i < top.length; i++) {
      top[i] = node(row.field(fields.get(i).name()), fields.get(i));
    }
  }

  /** Writes one row (its fields by position, as the schema orders them) and ends it. */
  public void write(StructLike record) {
    Node[] nodes = top;
    for (int i = 0; i < nodes.length; i++) {
      nodes[i].write(record.get(i, Object.class));
    }
    row.endRow();
  }

  private static Node node(FieldWriter w, Types.NestedField f) {
    Type t = f.type();
    return switch (t.typeId()) {
      case STRUCT -> {
        List<Types.NestedField> fields = t.asStructType().fields();
        Node[] children = new Node[fields.size()];
        for (int i = 0; i < children.length; i++) {
          children[i] = node(w.field(fields.get(i).name()), fields.get(i));
        }
        yield new StructNode(w, children);
      }
      case LIST -> new ListNode(w, node(w.element(), t.asListType().fields().get(0)));
      case MAP -> {
        Types.NestedField k = t.asMapType().fields().get(0);
        Types.NestedField v = t.asMapType().fields().get(1);
        boolean strings = k.type().typeId() == Type.TypeID.STRING && v.type().typeId() == Type.TypeID.STRING;
        yield strings ? new StringMapNode(w) : new MapNode(w, node(w.key(), k), node(w.value(), v));
      }
      default -> new PrimitiveNode(w, t.typeId());
    };
  }

  /** One field of the schema and how its values are written. */
  private abstract static class Node {
    final FieldWriter w;

    Node(FieldWriter w) {
      this.w = w;
    }

    final void write(Object v) {
      if (v == null) {
        w.writeNull();
      } else {
        try {
          writeValue(v);
        } catch (ClassCastException e) {
          throw new IllegalArgumentException("field " + w.name() + " is " + w.type() + "; it takes no "
              + v.getClass().getName() + " value", e);
        }
      }
    }

    abstract void writeValue(Object v);
  }

  private static final class StructNode extends Node {
    private final Node[] children;

    StructNode(FieldWriter w, Node[] children) {
      super(w);
      this.children = children;
    }

    @Override
    void writeValue(Object v) {
      StructLike s = (StructLike) v;
      w.beginStruct();
      for (int i = 0; i < children.length; i++) {
        children[i].write(s.get(i, Object.class));
      }
    }
  }

  private static final class ListNode extends Node {
    private final Node element;

    ListNode(FieldWriter w, Node element) {
      super(w);
      this.element = element;
    }

    @Override
    void writeValue(Object v) {
      List<?> list = (List<?>) v;
      w.beginList();
      for (int i = 0, n = list.size(); i < n; i++) {
        w.nextElement();
        element.write(list.get(i));
      }
      w.endList();
    }
  }

  private static final class MapNode extends Node {
    private final Node key;
    private final Node value;

    MapNode(FieldWriter w, Node key, Node value) {
      super(w);
      this.key = key;
      this.value = value;
    }

    @Override
    void writeValue(Object v) {
      w.beginMap();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        w.nextEntry();
        key.write(e.getKey());
        value.write(e.getValue());
      }
      w.endMap();
    }
  }

  /** A map of strings to strings (attribute maps): key and value in one call; a null value takes the slow path. */
  private static final class StringMapNode extends Node {
    StringMapNode(FieldWriter w) {
      super(w);
    }

    @Override
    void writeValue(Object v) {
      w.beginMap();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        Object key = e.getKey();
        Object value = e.getValue();
        if (key == null || value == null) {
          w.nextEntry();
          writeStringOrNull(w.key(), key);
          writeStringOrNull(w.value(), value);
        } else {
          byte[] k = utf8(key);
          byte[] val = utf8(value);
          w.writeStringEntry(k, 0, k.length, val, 0, val.length);
        }
      }
      w.endMap();
    }

    private static void writeStringOrNull(FieldWriter f, Object v) {
      if (v == null) {
        f.writeNull();
      } else {
        byte[] b = utf8(v);
        f.writeBytes(b, 0, b.length);
      }
    }
  }

  private static byte[] utf8(Object s) {
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static final class PrimitiveNode extends Node {
    private final Type.TypeID type;

    PrimitiveNode(FieldWriter w, Type.TypeID type) {
      super(w);
      this.type = type;
    }

    @Override
    void writeValue(Object v) {
      switch (type) {
        case STRING -> {
          byte[] b = utf8((CharSequence) v);
          w.writeBytes(b, 0, b.length);
        }
        case LONG -> w.writeLong(((Number) v).longValue());
        case INTEGER -> w.writeInt((Integer) v);
        case DOUBLE -> w.writeDouble((Double) v);
        case FLOAT -> w.writeFloat((Float) v);
        case BOOLEAN -> w.writeBoolean((Boolean) v);
        case TIMESTAMP -> w.writeLong(timestampMicros(v));
        case DATE -> w.writeInt(v instanceof LocalDate d ? Math.toIntExact(d.toEpochDay()) : (Integer) v);
        case TIME -> w.writeLong(v instanceof LocalTime t ? t.toNanoOfDay() / 1000 : (Long) v);
        case BINARY -> {
          if (v instanceof byte[] a) {
            w.writeBytes(a, 0, a.length);
          } else {
            writeBuffer((ByteBuffer) v);
          }
        }
        case FIXED -> {
          if (v instanceof ByteBuffer b) {
            writeBuffer(b);
          } else {
            byte[] a = (byte[]) v;
            w.writeBytes(a, 0, a.length);
          }
        }
        case UUID -> {
          if (v instanceof UUID u) {
            w.writeUuid(u);
          } else if (v instanceof ByteBuffer b) {
            writeBuffer(b);
          } else {
            byte[] a = (byte[]) v;
            w.writeBytes(a, 0, a.length);
          }
        }
        case DECIMAL -> w.writeDecimal((BigDecimal) v);
        default -> throw new IllegalArgumentException("field " + w.name() + " has type " + w.type()
            + ", which this writer does not write");
      }
    }

    private void writeBuffer(ByteBuffer b) {
      if (b.hasArray()) {
        w.writeBytes(b.array(), b.arrayOffset() + b.position(), b.remaining());
      } else {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        w.writeBytes(a, 0, a.length);
      }
    }

    private static byte[] utf8(CharSequence s) {
      return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static long timestampMicros(Object v) {
      if (v instanceof OffsetDateTime o) {
        return micros(o.toInstant());
      }
      if (v instanceof LocalDateTime l) {
        return micros(l.toInstant(ZoneOffset.UTC));
      }
      return (Long) v;
    }

    private static long micros(Instant t) {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }
  }
}
