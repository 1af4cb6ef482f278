package io.otlake.proto;

import io.otlake.proto.wire.ScannedRequest;
import io.otlake.proto.wire.WireLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  /**
   * The records of a request, in order of each key's first item. Throws {@link RecordTooLargeException} for an item
   * that does not fit one record with its envelopes, and its subclass {@link SplitTooLargeException} when the records
   * would exceed the splitter's total bound; either before any record is written.
   *
   * @param rejected items to leave out ({@code rejected[i]}), or null for none
   */
  public List<OtlpRecord> split(ScannedRequest r, boolean[] rejected, SignalContract signal)
      throws RecordTooLargeException {
    Map<RecordKey, int[]> byKey = new LinkedHashMap<>();
    for (int s = 0; s < r.itemCount(); s++) {
      if (rejected != null && rejected[s]) {
        continue;
      }
      RecordKey key = signal.key(r, s);
      int[] list = byKey.get(key);
      if (list == null) {
        list = new int[5];
        byKey.put(key, list);
      } else if (list[0] + 1 == list.length) {
        list = Arrays.copyOf(list, list.length * 2);
        byKey.put(key, list);
      }
      list[++list[0]] = s; // list[0] holds the count
    }
    int depth = r.tree().itemDepth();
    int[] chain = new int[depth];
    int[] last = new int[depth];
    // plan every record (its key and item range) before writing any, so the total is known first
    List<RecordKey> keys = new ArrayList<>(byKey.keySet());
    List<int[]> lists = new ArrayList<>(byKey.values());
    int[] plan = new int[Math.max(4, lists.size() * 3)];
    int pieces = 0;
    long total = 0;
    for (int k = 0; k < lists.size(); k++) {
      int[] list = lists.get(k);
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
      if (k != keyIndex) {
        key = keys.get(k).bytes();
        keyIndex = k;
      }
      records.add(write(r, key, lists.get(k), plan[p * 3 + 1], plan[p * 3 + 2]));
    }
    return records;
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
  private static OtlpRecord write(ScannedRequest r, byte[] key, int[] list, int from, int to) {
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
    return new OtlpRecord(key, out, n);
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
