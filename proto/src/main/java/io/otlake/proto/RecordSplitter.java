package io.otlake.proto;

import io.otlake.proto.wire.ScannedRequest;
import io.otlake.proto.wire.WireLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Splits one OTLP export request of any signal into Kafka records by the signal's record key
 * ({@link SignalContract#key}), so that every item of a key lands in one partition, in order. Each record is itself
 * a valid export request of the signal (the Collector's {@code otlp_proto} encoding) carrying the items of one key
 * with their resource, scope and any deeper envelope (a metric's name and kind), and is never larger than
 * {@code maxRecordBytes}: a key with too many items for one record is cut into several records under the same key.
 * Items marked rejected are left out.
 *
 * <p>Works on the wire bytes ({@link ScannedRequest}): item and envelope bytes are copied unchanged, nothing is
 * decoded or re-encoded, so the cost is a few array copies per item.
 */
public final class RecordSplitter {
  /** Upper bound on a length-delimited field's tag and length prefix (1-byte tag, varint32 length). */
  private static final int FIELD_OVERHEAD = 6;

  private final int maxRecordBytes;
  private final long maxSplitBytes;

  public RecordSplitter(int maxRecordBytes) {
    this(maxRecordBytes, Long.MAX_VALUE);
  }

  /**
   * @param maxSplitBytes the most record bytes one request may become; the records are planned (sizes only) before
   *     any is written, and past this bound {@link #split} throws {@link SplitTooLargeException} having allocated none
   */
  public RecordSplitter(int maxRecordBytes, long maxSplitBytes) {
    if (maxRecordBytes < 64) {
      throw new IllegalArgumentException("maxRecordBytes must be at least 64, was " + maxRecordBytes);
    }
    this.maxRecordBytes = maxRecordBytes;
    this.maxSplitBytes = maxSplitBytes;
  }

  /** The largest record value this splitter makes. */
  public int maxRecordBytes() {
    return maxRecordBytes;
  }

  /** {@link #split(ScannedRequest, boolean[], SignalContract)} with no item rejected. */
  public List<OtlpRecord> split(ScannedRequest r, SignalContract signal) throws RecordTooLargeException {
    return split(r, null, signal);
  }

  /** {@link #split(ScannedRequest, boolean[], SignalContract, ToIntFunction)} with one record per key. */
  public List<OtlpRecord> split(ScannedRequest r, boolean[] rejected, SignalContract signal)
      throws RecordTooLargeException {
    return split(r, rejected, signal, null);
  }

  /**
   * The records of a request, in order of each key's (or partition's) first item. Throws
   * {@link RecordTooLargeException} for an item that does not fit one record with its envelopes, and its subclass
   * {@link SplitTooLargeException} when the records would exceed the splitter's total bound; either before any record
   * is written.
   *
   * @param rejected items to leave out ({@code rejected[i]}), or null for none
   * @param partitionOf null for one record per key (the Collector kafka exporter's {@code partition_*_by_id}
   *     records); else the partition of a key's bytes, and the records are one per partition: every item of a key
   *     still lands in its key's partition, in order, but the items of all keys bound for one partition share a
   *     record (and their resource and scope are written once). Such a record is keyed by its key when it holds one
   *     key only, and has no key otherwise; {@link OtlpRecord#partition} names its partition.
   */
  public List<OtlpRecord> split(ScannedRequest r, boolean[] rejected, SignalContract signal,
      ToIntFunction<byte[]> partitionOf) throws RecordTooLargeException {
    // groups: one per key, or one per partition; items of a group in request order
    Map<Object, Group> groups = new LinkedHashMap<>();
    Map<RecordKey, Integer> partitionOfKey = partitionOf == null ? null : new HashMap<>();
    for (int s = 0; s < r.itemCount(); s++) {
      if (rejected != null && rejected[s]) {
        continue;
      }
      RecordKey key = signal.key(r, s);
      Object groupKey = key;
      int partition = -1;
      if (partitionOf != null) {
        Integer p = partitionOfKey.get(key);
        if (p == null) {
          p = partitionOf.applyAsInt(key.bytes());
          partitionOfKey.put(key, p);
        }
        partition = p;
        groupKey = p;
      }
      Group g = groups.get(groupKey);
      if (g == null) {
        g = new Group(key, partition);
        groups.put(groupKey, g);
      }
      g.add(s, key);
    }
    List<Group> lists = new ArrayList<>(groups.values());
    int depth = r.tree().itemDepth();
    int[] chain = new int[depth];
    int[] last = new int[depth];
    // plan every record (its key and item range) before writing any, so the total is known first
    int[] plan = new int[Math.max(4, lists.size() * 3)];
    int pieces = 0;
    long total = 0;
    for (int k = 0; k < lists.size(); k++) {
      int[] list = lists.get(k).items;
      int count = list[0];
      int from = 1;
      long bytes = 0;
      Arrays.fill(last, -1);
      for (int i = 1; i <= count; i++) {
        int s = list[i];
        long cost = cost(r, s, chain, last);
        if (i > from && bytes + cost > maxRecordBytes) {
          plan = piece(plan, pieces++, k, from, i);
          total += bytes;
          from = i;
          bytes = 0;
          Arrays.fill(last, -1);
          cost = cost(r, s, chain, last);
        }
        if (cost > maxRecordBytes) {
          throw new RecordTooLargeException(r.path(s) + ": " + signal.describe(r, s) + " takes " + cost
              + " bytes with its resource and scope, over the maximum record size of " + maxRecordBytes + " bytes");
        }
        bytes += cost;
        System.arraycopy(chain, 0, last, 0, depth);
      }
      plan = piece(plan, pieces++, k, from, count + 1);
      total += bytes;
      if (total > maxSplitBytes) {
        throw new SplitTooLargeException(total, maxSplitBytes);
      }
    }
    List<OtlpRecord> records = new ArrayList<>(pieces);
    byte[] key = null;
    int keyIndex = -1;
    for (int p = 0; p < pieces; p++) {
      int k = plan[p * 3];
      Group g = lists.get(k);
      if (k != keyIndex) {
        key = g.mixed ? null : g.first.bytes();
        keyIndex = k;
      }
      records.add(write(r, key, g.partition, g.items, plan[p * 3 + 1], plan[p * 3 + 2]));
    }
    return records;
  }

  /** The items of one record group (a key, or a partition), in request order. */
  private static final class Group {
    final RecordKey first;
    final int partition;
    boolean mixed;
    int[] items = new int[5]; // items[0] holds the count

    Group(RecordKey first, int partition) {
      this.first = first;
      this.partition = partition;
    }

    void add(int item, RecordKey key) {
      if (items[0] + 1 == items.length) {
        items = Arrays.copyOf(items, items.length * 2);
      }
      items[++items[0]] = item;
      if (!mixed && !key.equals(first)) {
        mixed = true;
      }
    }
  }

  /** Appends record {@code index}: items list[from..to) of key {@code key}. */
  private static int[] piece(int[] plan, int index, int key, int from, int to) {
    if (index * 3 + 3 > plan.length) {
      plan = Arrays.copyOf(plan, plan.length * 2);
    }
    plan[index * 3] = key;
    plan[index * 3 + 1] = from;
    plan[index * 3 + 2] = to;
    return plan;
  }

  /** Fills {@code chain} with the item's ancestors; returns the first level where they differ from {@code last}. */
  private static int ancestors(ScannedRequest r, int item, int[] chain, int[] last) {
    int depth = chain.length;
    int n = r.ancestor(item, depth - 1);
    for (int l = depth - 1; l >= 0; l--) {
      chain[l] = n;
      if (l > 0) {
        n = r.parentOf(l, n);
      }
    }
    int first = 0;
    while (first < depth && chain[first] == last[first]) {
      first++;
    }
    return first;
  }

  private static long cost(ScannedRequest r, int item, int[] chain, int[] last) {
    long cost = FIELD_OVERHEAD + (long) r.itemLength(item);
    for (int l = ancestors(r, item, chain, last); l < chain.length; l++) {
      cost += FIELD_OVERHEAD + r.envelopeSize(l, chain[l]);
    }
    return cost;
  }

  /** Writes items list[from..to) as one request: consecutive items of one node share its message, at every level. */
  private static OtlpRecord write(ScannedRequest r, byte[] key, int partition, int[] list, int from, int to) {
    int n = to - from;
    int depth = r.tree().itemDepth();
    int[] chain = new int[depth];
    int[] last = new int[depth];
    Arrays.fill(last, -1);
    // pass 1: the body size of each message opened at each level, in the order they are opened
    int[][] body = new int[depth][n];
    int[] open = new int[depth];
    Arrays.fill(open, -1);
    boolean[] live = new boolean[depth];
    int total = 0;
    for (int i = from; i < to; i++) {
      int s = list[i];
      int first = ancestors(r, s, chain, last);
      if (first < depth) {
        total = close(body, open, live, first, total);
        for (int l = first; l < depth; l++) {
          body[l][++open[l]] = r.envelopeSize(l, chain[l]);
          live[l] = true;
        }
      }
      body[depth - 1][open[depth - 1]] += field(r.itemLength(s));
      System.arraycopy(chain, 0, last, 0, depth);
    }
    total = close(body, open, live, 0, total);
    // pass 2: the bytes
    byte[] out = new byte[total];
    int pos = 0;
    Arrays.fill(last, -1);
    int[] opened = new int[depth];
    Arrays.fill(opened, -1);
    byte[] buf = r.bytes();
    for (int i = from; i < to; i++) {
      int s = list[i];
      int first = ancestors(r, s, chain, last);
      for (int l = first; l < depth; l++) {
        out[pos++] = (byte) r.levelOf(l, chain[l]).tag();
        pos = WireLayout.writeVarint(out, pos, body[l][++opened[l]]);
        pos = r.copyEnvelope(l, chain[l], out, pos);
      }
      out[pos++] = (byte) r.itemLevel(s).tag();
      pos = WireLayout.writeVarint(out, pos, r.itemLength(s));
      System.arraycopy(buf, r.itemOffset(s), out, pos, r.itemLength(s));
      pos += r.itemLength(s);
      System.arraycopy(chain, 0, last, 0, depth);
    }
    if (pos != total) {
      throw new IllegalStateException("record size " + pos + " != computed " + total);
    }
    return new OtlpRecord(key, out, n, partition);
  }

  /**
   * Closes the open messages at levels {@code from} and deeper (deepest first): each one's field is added to its
   * parent's body, a top-level one's to the total, which is returned.
   */
  private static int close(int[][] body, int[] open, boolean[] live, int from, int total) {
    for (int l = body.length - 1; l >= from; l--) {
      if (!live[l]) {
        continue;
      }
      live[l] = false;
      int size = field(body[l][open[l]]);
      if (l == 0) {
        total += size;
      } else {
        body[l - 1][open[l - 1]] += size;
      }
    }
    return total;
  }

  private static int field(int bodyLength) {
    return 1 + WireLayout.varintSize(bodyLength) + bodyLength;
  }
}
