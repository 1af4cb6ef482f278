package io.otlake.proto.wire;

import java.util.Arrays;

/**
 * An OTLP export request of any signal read at the wire level, without building messages or decoding strings: where
 * each node of its nesting (resource, scope, ... as its {@link WireTree} says) and each item lies in the bytes, and
 * the item fields the tree asks to note. Made by {@link #scan}, which also checks that every known field has its
 * wire type, every string is UTF-8 and every nested message is well formed, so what passes is exactly what protobuf
 * would parse. One pass; the work is linear in the request's size.
 *
 * <p>A node's "envelope" is every field of its message except the nested list of its children: for a
 * {@code ResourceLogs} the resource itself, the schema URL and any unknown fields. Records are rebuilt by copying
 * envelopes and item bytes unchanged. Nodes are numbered per level in the order they appear; items likewise.
 */
public final class ScannedRequest {
  final byte[] buf;
  private final WireTree tree;
  private final int depth;

  // envelope byte ranges, shared by every level
  int[] rangeOff = new int[16];
  int[] rangeLen = new int[16];
  int ranges;

  // per level above the items
  final int[] nodes;
  final int[][] nodeParent;
  final WireTree.Level[][] nodeLevel;
  final int[][] nodeFirstRange;
  final int[][] nodeRanges;

  int items;
  int[] itemOff = new int[64];
  int[] itemLen = new int[64];
  int[] itemParent = new int[64];
  WireTree.Level[] itemLevel = new WireTree.Level[64];
  final int[][] lenOff;
  final int[][] lenLen;
  final long[][] i64;

  private ScannedRequest(byte[] buf, WireTree tree) {
    this.buf = buf;
    this.tree = tree;
    this.depth = tree.itemDepth();
    nodes = new int[depth];
    nodeParent = new int[depth][4];
    nodeLevel = new WireTree.Level[depth][4];
    nodeFirstRange = new int[depth][4];
    nodeRanges = new int[depth][4];
    lenOff = new int[tree.lenSlots()][64];
    lenLen = new int[tree.lenSlots()][64];
    i64 = new long[tree.i64Slots()][64];
  }

  /** Scans a serialized request of the tree's type; throws what protobuf's parser would refuse, with the reason. */
  public static ScannedRequest scan(byte[] request, WireTree tree) throws MalformedRequestException {
    ScannedRequest s = new ScannedRequest(request, tree);
    WireReader r = new WireReader(request, 0, request.length);
    WireTree.Level[] top = tree.top();
    while (!r.atEnd()) {
      int tag = r.readTag();
      WireTree.Level level = null;
      for (WireTree.Level l : top) {
        if (tag == l.tag()) {
          level = l;
        }
      }
      if (level != null) {
        int len = r.readLength();
        s.node(level, -1, r.pos, len);
        r.pos += len;
      } else {
        tree.request().checkField(r, tag, 0);
      }
    }
    return s;
  }

  public byte[] bytes() {
    return buf;
  }

  public WireTree tree() {
    return tree;
  }

  public int itemCount() {
    return items;
  }

  /** Nodes at {@code level} (0: resources, 1: scopes, ...). */
  public int nodeCount(int level) {
    return nodes[level];
  }

  /** The parent (an index at {@code level - 1}) of node {@code node} at {@code level}. */
  public int parentOf(int level, int node) {
    return nodeParent[level][node];
  }

  /** Which of the tree's levels node {@code node} is (for a oneof: which of its fields it came in). */
  public WireTree.Level levelOf(int level, int node) {
    return nodeLevel[level][node];
  }

  /** The node at {@code level} (an index at that level) an item lies in. */
  public int ancestor(int item, int level) {
    int n = itemParent[item];
    for (int l = depth - 1; l > level; l--) {
      n = nodeParent[l][n];
    }
    return n;
  }

  /** The resource (level 0) an item belongs to. */
  public int resourceOf(int item) {
    return ancestor(item, 0);
  }

  public WireTree.Level itemLevel(int item) {
    return itemLevel[item];
  }

  public int itemOffset(int item) {
    return itemOff[item];
  }

  public int itemLength(int item) {
    return itemLen[item];
  }

  /** Offset of the noted LEN field {@code slot} of an item (its value; length 0 when absent). */
  public int lenOffset(int slot, int item) {
    return lenOff[slot][item];
  }

  public int lenLength(int slot, int item) {
    return lenLen[slot][item];
  }

  /** The noted fixed64 field {@code slot} of an item, 0 when absent. */
  public long fixed64(int slot, int item) {
    return i64[slot][item];
  }

  /** The envelope of a node as byte ranges (each one whole field, tag included): how many. */
  public int rangeCount(int level, int node) {
    return nodeRanges[level][node];
  }

  public int rangeOffset(int level, int node, int i) {
    return rangeOff[nodeFirstRange[level][node] + i];
  }

  public int rangeLength(int level, int node, int i) {
    return rangeLen[nodeFirstRange[level][node] + i];
  }

  /** The bytes of a node's envelope. */
  public int envelopeSize(int level, int node) {
    int first = nodeFirstRange[level][node];
    int n = 0;
    for (int i = first; i < first + nodeRanges[level][node]; i++) {
      n += rangeLen[i];
    }
    return n;
  }

  /** Copies a node's envelope to {@code out} at {@code pos}; returns the position after it. */
  public int copyEnvelope(int level, int node, byte[] out, int pos) {
    int first = nodeFirstRange[level][node];
    for (int i = first; i < first + nodeRanges[level][node]; i++) {
      System.arraycopy(buf, rangeOff[i], out, pos, rangeLen[i]);
      pos += rangeLen[i];
    }
    return pos;
  }

  /**
   * Where an item lies, as a user reads a request: {@code resource_logs[0].scope_logs[1].log_records[3]} (for
   * messages; linear in the request's nodes, so for the few items a message names).
   */
  public String path(int item) {
    StringBuilder b = new StringBuilder();
    int[] chain = new int[depth];
    int n = itemParent[item];
    for (int l = depth - 1; l >= 0; l--) {
      chain[l] = n;
      n = nodeParent[l][n];
    }
    for (int l = 0; l < depth; l++) {
      WireTree.Level lv = nodeLevel[l][chain[l]];
      b.append(lv.name);
      if (lv.repeated) {
        b.append('[').append(indexAmongSiblings(l, chain[l])).append(']');
      }
      b.append('.');
    }
    int index = 0;
    for (int k = item - 1; k >= 0 && itemParent[k] == itemParent[item]; k--) {
      index++;
    }
    return b.append(itemLevel[item].name).append('[').append(index).append(']').toString();
  }

  private int indexAmongSiblings(int level, int node) {
    int i = 0;
    int parent = nodeParent[level][node];
    for (int k = node - 1; k >= 0 && nodeParent[level][k] == parent; k--) {
      i++;
    }
    return i;
  }

  // ---- scanning ----

  private void node(WireTree.Level level, int parent, int off, int len) throws MalformedRequestException {
    int d = level.depth;
    int n = nodes[d]++;
    if (n == nodeParent[d].length) {
      nodeParent[d] = Arrays.copyOf(nodeParent[d], n * 2);
      nodeLevel[d] = Arrays.copyOf(nodeLevel[d], n * 2);
      nodeFirstRange[d] = Arrays.copyOf(nodeFirstRange[d], n * 2);
      nodeRanges[d] = Arrays.copyOf(nodeRanges[d], n * 2);
    }
    nodeParent[d][n] = parent;
    nodeLevel[d][n] = level;
    nodeFirstRange[d][n] = ranges;
    int envelopeStart = ranges;
    // child nodes add ranges of their own, so they are scanned after this node's envelope; items add none
    int[] children = null;
    int childCount = 0;
    WireTree.Level[] byField = level.childByField;
    WireReader r = new WireReader(buf, off, len);
    while (!r.atEnd()) {
      int fieldStart = r.pos;
      int tag = r.readTag();
      int field = tag >>> 3;
      WireTree.Level child = (tag & 7) == WireReader.LEN && field < byField.length ? byField[field] : null;
      if (child == null) {
        level.schema.checkField(r, tag, d + 1);
        addRange(fieldStart, r.pos - fieldStart);
        continue;
      }
      int l = r.readLength();
      if (child.isItems()) {
        item(child, n, r.pos, l);
      } else {
        // a level's several child fields are the members of a oneof (a metric's gauge, sum, ...): protobuf keeps only
        // the last member set, so a message with two members would be read differently here; refuse it
        if (childCount > 0 && children[(childCount - 1) * 3 + 2] != field) {
          throw new MalformedRequestException("a message sets fields " + children[(childCount - 1) * 3 + 2]
              + " and " + field + " of one oneof (at most one of a metric's gauge, sum, histogram,"
              + " exponential_histogram and summary)");
        }
        if (children == null) {
          children = new int[12];
        } else if (childCount * 3 == children.length) {
          children = Arrays.copyOf(children, children.length * 2);
        }
        children[childCount * 3] = r.pos;
        children[childCount * 3 + 1] = l;
        children[childCount * 3 + 2] = field;
        childCount++;
      }
      r.pos += l;
    }
    nodeRanges[d][n] = ranges - envelopeStart;
    for (int i = 0; i < childCount; i++) {
      node(byField[children[i * 3 + 2]], n, children[i * 3], children[i * 3 + 1]);
    }
  }

  private void addRange(int off, int len) {
    if (ranges == rangeOff.length) {
      rangeOff = Arrays.copyOf(rangeOff, ranges * 2);
      rangeLen = Arrays.copyOf(rangeLen, ranges * 2);
    }
    rangeOff[ranges] = off;
    rangeLen[ranges++] = len;
  }

  private void item(WireTree.Level level, int parent, int off, int len) throws MalformedRequestException {
    int s = items++;
    if (s == itemOff.length) {
      int n = s * 2;
      itemOff = Arrays.copyOf(itemOff, n);
      itemLen = Arrays.copyOf(itemLen, n);
      itemParent = Arrays.copyOf(itemParent, n);
      itemLevel = Arrays.copyOf(itemLevel, n);
      for (int k = 0; k < lenOff.length; k++) {
        lenOff[k] = Arrays.copyOf(lenOff[k], n);
        lenLen[k] = Arrays.copyOf(lenLen[k], n);
      }
      for (int k = 0; k < i64.length; k++) {
        i64[k] = Arrays.copyOf(i64[k], n);
      }
    }
    itemOff[s] = off;
    itemLen[s] = len;
    itemParent[s] = parent;
    itemLevel[s] = level;
    for (int k = 0; k < lenOff.length; k++) {
      lenOff[k][s] = off;
      lenLen[k][s] = 0;
    }
    for (int k = 0; k < i64.length; k++) {
      i64[k][s] = 0;
    }
    int[] lenSlot = level.lenSlot;
    int[] i64Slot = level.i64Slot;
    int itemFieldsDepth = level.depth + 1;
    WireReader r = new WireReader(buf, off, len);
    while (!r.atEnd()) {
      int tag = r.readTag();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (wire == WireReader.LEN && field < lenSlot.length && lenSlot[field] != 0) {
        int l = r.readLength();
        lenOff[lenSlot[field] - 1][s] = r.pos;
        lenLen[lenSlot[field] - 1][s] = l;
        r.pos += l;
      } else if (wire == WireReader.I64 && field < i64Slot.length && i64Slot[field] != 0) {
        i64[i64Slot[field] - 1][s] = r.readFixed64();
      } else {
        level.schema.checkField(r, tag, itemFieldsDepth);
      }
    }
  }
}
