package io.otlake.writer.write;

import io.otlake.writer.signals.ItemView;
import io.otlake.writer.signals.PartitionSource;
import io.otlake.writer.signals.TableUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.types.Types;

/**
 * A table's partition of an item, by any partition spec whose fields read top-level columns the table's
 * {@link TableUnit#partitionSource} gives: Iceberg's own {@link PartitionKey} applies the spec's transforms
 * (identity, year/month/day/hour, bucket, truncate, void) to the item seen as a row of those source columns. Made once
 * per spec; a spec it cannot compute is refused when it is made, naming the table and the field, so no file is ever
 * written under a partition computed differently from Iceberg's.
 */
public final class ItemPartitioner<V extends ItemView> {
  private static final long HOUR_MICROS = 3_600_000_000L;
  private static final long DAY_MICROS = 24 * HOUR_MICROS;

  private final PartitionKey key;
  private final ItemRow<V> row;
  /** Per partition field: the position of its input in {@link #row}, or -1 (a void field: always null). */
  private final int[] inputs;
  /** Per field: the micros of one day or hour for a day or hour transform (its result holds over that range), or 0. */
  private final long[] unit;
  /** Per day or hour field: Iceberg's transform, to check the range a result holds for before relying on it. */
  private final java.util.function.Function<Object, Object>[] transforms;
  // what the key holds was computed from: per field the input (by reference), or for day and hour fields the range
  // [from, to) of inputs with the same result
  private final Object[] lastInput;
  private final long[] from;
  private final long[] to;
  private boolean computed;

  @SuppressWarnings("unchecked")
  private ItemPartitioner(PartitionKey key, ItemRow<V> row, PartitionSpec spec, List<Integer> sourceIds,
      Schema input) {
    this.key = key;
    this.row = row;
    int n = spec.fields().size();
    inputs = new int[n];
    unit = new long[n];
    transforms = new java.util.function.Function[n];
    lastInput = new Object[n];
    from = new long[n];
    to = new long[n];
    for (int i = 0; i < n; i++) {
      PartitionField f = spec.fields().get(i);
      inputs[i] = sourceIds.indexOf(f.sourceId());
      Types.NestedField column = input.findField(f.sourceId());
      String t = f.transform().toString();
      if (column != null && column.type().typeId() == org.apache.iceberg.types.Type.TypeID.TIMESTAMP
          && (t.equals("day") || t.equals("hour"))) {
        unit[i] = t.equals("day") ? DAY_MICROS : HOUR_MICROS;
        @SuppressWarnings("rawtypes")
        org.apache.iceberg.transforms.Transform raw = f.transform();
        transforms[i] = raw.bind(column.type());
      }
    }
  }

  /**
   * The partitioner of {@code spec} (one of the table's specs, over the table's schema {@code tableSchema}) for
   * {@code unit}'s items; {@link IllegalStateException} naming {@code tableName} and the first field it cannot
   * compute.
   */
  public static <V extends ItemView> ItemPartitioner<V> of(String tableName, PartitionSpec spec, Schema tableSchema,
      TableUnit<V> unit) {
    Map<Integer, PartitionSource<V>> sources = new LinkedHashMap<>();
    for (PartitionField f : spec.fields()) {
      Types.NestedField column = tableSchema.asStruct().field(f.sourceId());
      String field = "'" + f.name() + "' (" + f.transform() + " of "
          + (column != null ? "column '" + column.name() + "'" : "field id " + f.sourceId()) + ")";
      if (f.transform().isVoid()) {
        // a field an operator removed from a format-v1 table: always null, whatever the column
        if (column != null) {
          sources.putIfAbsent(f.sourceId(), item -> null);
        }
        continue;
      }
      if (column == null) {
        throw refused(tableName, spec, field, tableSchema.findField(f.sourceId()) != null
            ? "it reads a nested field; the writer computes partitions from top-level columns only"
            : "its source column is not in the table's schema");
      }
      PartitionSource<V> source = unit.partitionSource(column.name());
      Types.NestedField own = unit.schema().findField(column.name());
      if (source == null || own == null) {
        throw refused(tableName, spec, field, "the writer cannot give column '" + column.name()
            + "' before writing a row (it gives: " + String.join(", ", sourceColumns(unit)) + ")");
      }
      if (!own.type().equals(column.type())) {
        throw refused(tableName, spec, field, "the table's column is " + column.type() + ", the writer's "
            + own.type());
      }
      if (!f.transform().canTransform(column.type())) {
        throw refused(tableName, spec, field, "the transform does not apply to " + column.type());
      }
      sources.put(f.sourceId(), source);
    }
    List<Types.NestedField> columns = new ArrayList<>();
    for (int id : sources.keySet()) {
      columns.add(tableSchema.asStruct().field(id));
    }
    Schema input = new Schema(columns);
    PartitionKey key;
    try {
      key = new PartitionKey(spec, input);
    } catch (RuntimeException e) {
      throw refused(tableName, spec, spec.fields().toString(), e.toString());
    }
    @SuppressWarnings("unchecked")
    PartitionSource<V>[] byPosition = sources.values().toArray(new PartitionSource[0]);
    return new ItemPartitioner<>(key, new ItemRow<>(byPosition), spec, List.copyOf(sources.keySet()), input);
  }

  /** The columns {@code unit} can give for partitions (for error messages). */
  static List<String> sourceColumns(TableUnit<?> unit) {
    List<String> names = new ArrayList<>();
    for (Types.NestedField c : unit.schema().columns()) {
      if (unit.partitionSource(c.name()) != null) {
        names.add(c.name());
      }
    }
    return names;
  }

  private static IllegalStateException refused(String table, PartitionSpec spec, String field, String why) {
    return new IllegalStateException("table " + table + " is partitioned by " + describe(spec)
        + "; the writer cannot compute its partition field " + field + ": " + why
        + ". Change the table's partition spec (ALTER TABLE ... DROP/REPLACE PARTITION FIELD) to one it can");
  }

  static String describe(PartitionSpec spec) {
    List<String> fields = new ArrayList<>();
    for (PartitionField f : spec.fields()) {
      fields.add(f.transform() + "(" + spec.schema().findColumnName(f.sourceId()) + ")");
    }
    return fields.isEmpty() ? "nothing (unpartitioned)" : String.join(", ", fields);
  }

  /**
   * The partition of the view's current item. The same key object each call, overwritten by the next: compare it or
   * {@link PartitionKey#copy} it to keep it. Items mostly share their partition with the item before (a resource's
   * spans follow one another, and a day is long), so the transforms run only when an input changed: a field's
   * result is kept while its input is the same object (every transform is a function of its input: a resource's
   * service name is one string for all its items), and a day or hour field's while the timestamp stays within the
   * day or hour the last result stands for (checked with Iceberg's transform at both ends of that range).
   */
  public PartitionKey partition(V item) {
    row.load(item);
    if (computed && unchanged()) {
      return key;
    }
    key.partition(row);
    remember();
    return key;
  }

  private Object input(int field) {
    int at = inputs[field];
    return at < 0 ? null : row.values[at];
  }

  private boolean unchanged() {
    for (int i = 0; i < inputs.length; i++) {
      Object v = input(i);
      if (unit[i] != 0) {
        if (!(v instanceof Long t) || t < from[i] || t >= to[i]) {
          return false;
        }
      } else if (v != lastInput[i]) {
        return false;
      }
    }
    return true;
  }

  private void remember() {
    for (int i = 0; i < inputs.length; i++) {
      Object v = input(i);
      lastInput[i] = v;
      from[i] = 0;
      to[i] = 0; // an empty range: no timestamp is in it
      Object result = key.get(i, Object.class);
      if (unit[i] != 0 && v instanceof Long && result instanceof Integer r) {
        long lo = (long) r * unit[i];
        long hi = lo + unit[i];
        boolean fits = lo / unit[i] == r && hi > lo; // neither end past the range of a long
        if (fits && r.equals(transforms[i].apply(lo)) && r.equals(transforms[i].apply(hi - 1))) {
          from[i] = lo;
          to[i] = hi;
        }
      }
    }
    computed = true;
  }

  /**
   * The item as a row of the spec's source columns, in the order of the key's input schema: each source read once per
   * item ({@link #load}), so comparing the inputs and computing the key read the same values.
   */
  private static final class ItemRow<V extends ItemView> implements StructLike {
    private final PartitionSource<V>[] sources;
    final Object[] values;

    ItemRow(PartitionSource<V>[] sources) {
      this.sources = sources;
      this.values = new Object[sources.length];
    }

    void load(V item) {
      for (int i = 0; i < sources.length; i++) {
        values[i] = sources[i].value(item);
      }
    }

    @Override
    public int size() {
      return sources.length;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
      return javaClass.cast(values[pos]);
    }

    @Override
    public <T> void set(int pos, T value) {
      throw new UnsupportedOperationException("an item's values are read from its bytes");
    }
  }
}
