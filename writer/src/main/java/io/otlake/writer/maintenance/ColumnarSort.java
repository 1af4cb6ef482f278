package io.otlake.writer.maintenance;

import io.otlake.writer.parquet.ColumnarRows;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.iceberg.NullOrder;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortDirection;
import org.apache.iceberg.SortField;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.types.Types;

/**
 * The order of {@link ColumnarRows} under a table's sort order, computed on the key columns only: each key becomes
 * a long per row (numbers as they sort, strings and binaries as their rank among the column's distinct values under
 * Iceberg's comparator), and the rows' positions are sorted stably, as the record path's {@code List.sort} orders
 * its rows (ties keep the input order). Handles identity fields on top-level primitive columns whose order a long
 * keeps (int, long, date, time, timestamps, float, double, boolean, string, binary, fixed); {@link #of} returns null
 * for any other order, which the record path sorts.
 */
final class ColumnarSort {
  private enum Kind { LONG, FLOAT, DOUBLE, BOOLEAN, STRING, BYTES }

  private record Key(int fieldId, Kind kind, boolean descending, boolean nullsFirst) {}

  private final Key[] keys;

  private ColumnarSort(Key[] keys) {
    this.keys = keys;
  }

  /** The sort for {@code order} (unsorted: the input order), or null when a field is not one it handles. */
  static ColumnarSort of(Schema schema, SortOrder order) {
    List<SortField> fields = order.fields();
    Key[] keys = new Key[fields.size()];
    for (int i = 0; i < keys.length; i++) {
      SortField f = fields.get(i);
      Types.NestedField column = schema.asStruct().field(f.sourceId());
      if (!f.transform().isIdentity() || column == null || !column.type().isPrimitiveType()) {
        return null;
      }
      Kind kind = switch (column.type().typeId()) {
        case INTEGER, LONG, DATE, TIME, TIMESTAMP -> Kind.LONG;
        case FLOAT -> Kind.FLOAT;
        case DOUBLE -> Kind.DOUBLE;
        case BOOLEAN -> Kind.BOOLEAN;
        case STRING -> Kind.STRING;
        case BINARY, FIXED -> Kind.BYTES;
        default -> null;
      };
      if (kind == null) {
        return null;
      }
      keys[i] = new Key(f.sourceId(), kind, f.direction() == SortDirection.DESC, f.nullOrder() == NullOrder.NULLS_FIRST);
    }
    return new ColumnarSort(keys);
  }

  /** The rows' positions in sorted order. */
  int[] order(ColumnarRows rows) {
    int n = rows.rows();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (keys.length == 0 || n < 2) {
      return order;
    }
    long[][] values = new long[keys.length][];
    boolean[][] nulls = new boolean[keys.length][];
    for (int k = 0; k < keys.length; k++) {
      ColumnarRows.Leaf leaf = rows.topLevel(keys[k].fieldId());
      if (leaf == null) {
        throw new IllegalStateException("sort field " + keys[k].fieldId() + " has no top-level column");
      }
      long[] v = new long[n];
      boolean[] isNull = null;
      long[] ranks = switch (keys[k].kind()) {
        case STRING, BYTES -> ranks(leaf, keys[k].kind() == Kind.STRING);
        default -> null;
      };
      for (int r = 0; r < n; r++) {
        if (leaf.isNull(r)) {
          if (isNull == null) {
            isNull = new boolean[n];
          }
          isNull[r] = true;
          continue;
        }
        v[r] = switch (keys[k].kind()) {
          case LONG, BOOLEAN -> leaf.number(r);
          case DOUBLE -> sortable(Double.doubleToLongBits(Double.longBitsToDouble(leaf.number(r))));
          case FLOAT -> sortable(Double.doubleToLongBits(Float.intBitsToFloat((int) leaf.number(r))));
          case STRING, BYTES -> ranks[leaf.entry(r)];
        };
      }
      values[k] = v;
      nulls[k] = isNull;
    }
    mergeSort(order, new int[n], 0, n, values, nulls);
    return order;
  }

  /** Double bits (NaN canonical) as a long whose signed order is {@link Double#compare}'s. */
  private static long sortable(long bits) {
    return bits ^ ((bits >> 63) & Long.MAX_VALUE);
  }

  /** Each pool entry's rank among the column's values under Iceberg's comparator (equal values, equal ranks). */
  private static long[] ranks(ColumnarRows.Leaf leaf, boolean strings) {
    int m = leaf.entries();
    Object[] decoded = new Object[m];
    byte[] pool = leaf.pool();
    for (int e = 0; e < m; e++) {
      int off = leaf.entryOffset(e);
      int len = leaf.entryLength(e);
      decoded[e] = strings ? new String(pool, off, len, StandardCharsets.UTF_8) : ByteBuffer.wrap(pool, off, len);
    }
    @SuppressWarnings("unchecked")
    Comparator<Object> cmp = (Comparator<Object>) (Comparator<?>) (strings ? Comparators.charSequences()
        : Comparators.unsignedBytes());
    Integer[] byValue = new Integer[m];
    for (int e = 0; e < m; e++) {
      byValue[e] = e;
    }
    Arrays.sort(byValue, (a, b) -> cmp.compare(decoded[a], decoded[b]));
    long[] ranks = new long[m];
    long rank = 0;
    for (int i = 0; i < m; i++) {
      if (i > 0 && cmp.compare(decoded[byValue[i - 1]], decoded[byValue[i]]) != 0) {
        rank++;
      }
      ranks[byValue[i]] = rank;
    }
    return ranks;
  }

  private int compare(int a, int b, long[][] values, boolean[][] nulls) {
    for (int k = 0; k < keys.length; k++) {
      boolean[] isNull = nulls[k];
      if (isNull != null && (isNull[a] || isNull[b])) {
        if (isNull[a] && isNull[b]) {
          continue;
        }
        // the null order holds whatever the direction, as in Iceberg
        boolean aFirst = isNull[a] == keys[k].nullsFirst();
        return aFirst ? -1 : 1;
      }
      int c = Long.compare(values[k][a], values[k][b]);
      if (c != 0) {
        return keys[k].descending() ? -c : c;
      }
    }
    return 0;
  }

  /**
   * A stable merge sort of {@code a} (equal rows keep their order): runs of 32 by insertion, then merged bottom-up
   * (no recursion: a recursive sort inlined into itself took the JIT a second to compile).
   */
  private void mergeSort(int[] a, int[] tmp, int from, int to, long[][] values, boolean[][] nulls) {
    final int run = 32;
    for (int lo = from; lo < to; lo += run) {
      int hi = Math.min(lo + run, to);
      for (int i = lo + 1; i < hi; i++) {
        int x = a[i];
        int j = i - 1;
        while (j >= lo && compare(a[j], x, values, nulls) > 0) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = x;
      }
    }
    int[] src = a;
    int[] dst = tmp;
    for (int width = run; width < to - from; width *= 2) {
      for (int lo = from; lo < to; lo += 2 * width) {
        int mid = Math.min(lo + width, to);
        int hi = Math.min(lo + 2 * width, to);
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
          if (j >= hi || (i < mid && compare(src[i], src[j], values, nulls) <= 0)) {
            dst[k] = src[i++];
          } else {
            dst[k] = src[j++];
          }
        }
      }
      int[] t = src;
      src = dst;
      dst = t;
    }
    if (src != a) {
      System.arraycopy(src, from, a, from, to - from);
    }
  }
}
