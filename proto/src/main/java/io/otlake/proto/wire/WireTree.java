package io.otlake.proto.wire;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.List;

/**
 * How one signal's export request nests down to its items, as a {@link ScannedRequest} walks it: resource, scope and
 * (for metrics) deeper levels, each named by the field of its parent that holds it, and at the bottom the items
 * (spans, log records, data points) with the few of their fields the scan notes (ids as byte ranges, times as
 * fixed64 values). Everything else of a level is its envelope, kept as byte ranges and checked against the OTLP
 * descriptors as protobuf's parser would check it.
 *
 * <p>Built once per signal from the generated descriptors, e.g. for logs:
 * {@code WireTree.of(ExportLogsServiceRequest.getDescriptor(), nest(1, nest(2, items(2, new int[] {9, 10},
 * new int[] {1, 11}))))}.
 */
public final class WireTree {
  /** One level of the nesting: a message type, the field of its parent it sits in, and what it holds. */
  public static final class Level {
    final int field;
    final Level[] children;
    final int[] lenFields;
    final int[] i64Fields;
    // set when the tree is compiled
    int depth;
    String name;
    boolean repeated;
    WireSchema schema;
    /** Child level by field number, for this level's LEN fields that hold children. */
    Level[] childByField;
    /** Slot + 1 of an item's noted LEN / fixed64 field, by field number (items only). */
    int[] lenSlot;
    int[] i64Slot;

    private Level(int field, Level[] children, int[] lenFields, int[] i64Fields) {
      if (field < 1 || field > 15) {
        throw new IllegalArgumentException("field " + field + ": one-byte tags only (1..15)");
      }
      this.field = field;
      this.children = children;
      this.lenFields = lenFields;
      this.i64Fields = i64Fields;
    }

    boolean isItems() {
      return children.length == 0;
    }

    /** The field name of the parent this level sits in (resource_spans, log_records, sum, ...). */
    public String name() {
      return name;
    }

    /** The tag (field number and wire type LEN) this level's messages are written under in their parent. */
    public int tag() {
      return field << 3 | WireReader.LEN;
    }
  }

  private final String requestName;
  private final WireSchema request;
  private final Level[] top;
  private final int itemDepth;
  private final int lenSlots;
  private final int i64Slots;

  private WireTree(String requestName, WireSchema request, Level[] top, int itemDepth, int lenSlots, int i64Slots) {
    this.requestName = requestName;
    this.request = request;
    this.top = top;
    this.itemDepth = itemDepth;
    this.lenSlots = lenSlots;
    this.i64Slots = i64Slots;
  }

  /** A level holding the given levels (several for a oneof, such as a metric's gauge, sum, ...). */
  public static Level nest(int field, Level... children) {
    if (children.length == 0) {
      throw new IllegalArgumentException("a nesting level needs children; use items() for the bottom");
    }
    return new Level(field, children, null, null);
  }

  /**
   * The items: the LEN fields whose byte ranges the scan notes (slot {@code i} is {@code lenFields[i]}), and the
   * fixed64 fields whose values it notes.
   */
  public static Level items(int field, int[] lenFields, int[] i64Fields) {
    return new Level(field, new Level[0], lenFields.clone(), i64Fields.clone());
  }

  /** Compiles the nesting against the request's descriptor. Items must all lie at the same depth. */
  public static WireTree of(Descriptor request, Level... top) {
    List<Level> leaves = new ArrayList<>();
    for (Level l : top) {
      compile(l, request, 0, leaves);
    }
    int depth = leaves.get(0).depth;
    int lens = 0;
    int i64s = 0;
    for (Level leaf : leaves) {
      if (leaf.depth != depth) {
        throw new IllegalArgumentException("items at depths " + depth + " and " + leaf.depth);
      }
      lens = Math.max(lens, leaf.lenFields.length);
      i64s = Math.max(i64s, leaf.i64Fields.length);
    }
    return new WireTree(request.getName(), WireSchema.of(request), top, depth, lens, i64s);
  }

  private static void compile(Level l, Descriptor parent, int depth, List<Level> leaves) {
    FieldDescriptor f = parent.findFieldByNumber(l.field);
    if (f == null || f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
      throw new IllegalArgumentException(parent.getName() + " has no message field " + l.field);
    }
    Descriptor type = f.getMessageType();
    l.depth = depth;
    l.name = f.getName();
    l.repeated = f.isRepeated();
    l.schema = WireSchema.of(type);
    if (l.isItems()) {
      l.lenSlot = slots(type, l.lenFields, FieldDescriptor.JavaType.BYTE_STRING);
      l.i64Slot = slots(type, l.i64Fields, FieldDescriptor.JavaType.LONG);
      leaves.add(l);
      return;
    }
    int max = 0;
    for (Level c : l.children) {
      max = Math.max(max, c.field);
    }
    l.childByField = new Level[max + 1];
    for (Level c : l.children) {
      l.childByField[c.field] = c;
      compile(c, type, depth + 1, leaves);
    }
  }

  private static int[] slots(Descriptor type, int[] fields, FieldDescriptor.JavaType expected) {
    int max = 0;
    for (int f : fields) {
      max = Math.max(max, f);
    }
    int[] slot = new int[max + 1];
    for (int i = 0; i < fields.length; i++) {
      FieldDescriptor f = type.findFieldByNumber(fields[i]);
      if (f == null || f.getJavaType() != expected || f.isRepeated()) {
        throw new IllegalArgumentException(type.getName() + " field " + fields[i] + " is not a single " + expected);
      }
      slot[fields[i]] = i + 1;
    }
    return slot;
  }

  /** The request message's name, for messages ("ExportLogsServiceRequest"). */
  public String requestName() {
    return requestName;
  }

  /** How many levels lie above the items (2 for traces and logs: resource and scope). */
  public int itemDepth() {
    return itemDepth;
  }

  WireSchema request() {
    return request;
  }

  Level[] top() {
    return top;
  }

  int lenSlots() {
    return lenSlots;
  }

  int i64Slots() {
    return i64Slots;
  }
}
