package io.otlake.writer.maintenance;

import java.util.Comparator;
import java.util.List;
import org.apache.iceberg.NullOrder;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortDirection;
import org.apache.iceberg.SortField;
import org.apache.iceberg.SortKey;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.types.Type;

/**
 * The sort key of a row under a table's sort order, computed once per row: the transformed values of the order's
 * fields, as Iceberg's internal values (timestamps as micros). Sorting compares keys, not rows, so the conversion from
 * the generic reader's Java time objects and the transforms run once per row instead of twice per comparison (a
 * sort makes about log2(n) comparisons per row). The order is Iceberg's: each field by its transform's result type,
 * its direction, then its null order, the first difference deciding ({@code SortOrderComparators} orders the same).
 */
final class SortKeys {
  private final InternalRecordWrapper internal;
  private final SortKey key;
  private final Comparator<Object>[] fields;

  @SuppressWarnings("unchecked")
  SortKeys(Schema schema, SortOrder order) {
    if (order.isUnsorted()) {
      throw new IllegalArgumentException("an unsorted order has no keys");
    }
    this.internal = new InternalRecordWrapper(schema.asStruct());
    this.key = new SortKey(schema, order);
    List<SortField> sortFields = order.fields();
    this.fields = new Comparator[sortFields.size()];
    for (int i = 0; i < fields.length; i++) {
      SortField f = sortFields.get(i);
      Type result = f.transform().getResultType(schema.findType(f.sourceId()));
      fields[i] = field(Comparators.forType(result.asPrimitiveType()), f.direction(), f.nullOrder());
    }
  }

  /** The key of {@code row}, a copy the caller keeps. */
  SortKey of(Record row) {
    key.wrap(internal.wrap(row));
    return key.copy();
  }

  /** Compares two keys of this order. */
  int compare(SortKey a, SortKey b) {
    for (int i = 0; i < fields.length; i++) {
      int c = fields[i].compare(a.get(i, Object.class), b.get(i, Object.class));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static Comparator<Object> field(Comparator<Object> values, SortDirection direction, NullOrder nulls) {
    Comparator<Object> ordered = direction == SortDirection.DESC ? values.reversed() : values;
    // the null order holds whatever the direction, as in Iceberg
    return nulls == NullOrder.NULLS_LAST ? Comparator.nullsLast(ordered) : Comparator.nullsFirst(ordered);
  }
}
