package io.otlake.writer.write;

import io.otlake.writer.decode.AttrList;
import io.otlake.writer.decode.Slice;
import io.otlake.writer.decode.SpanView;
import io.otlake.writer.decode.SpanViews;
import io.otlake.writer.table.TraceTable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.parquet.ParquetValueWriter;
import org.apache.iceberg.parquet.ParquetValueWriters;
import org.apache.iceberg.parquet.TypeWithSchemaVisitor;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Writes {@link SpanView}s straight into the {@code traces} table's Parquet columns: strings go from the request's
 * bytes to the column as byte slices (no String, no UTF-8 round trip), attribute maps are written from the wire
 * KeyValues (no Map), and rows are not materialised. Levels come from Iceberg's schema visitor, as in its own
 * generic writer, so the files are what Iceberg would write for the same rows.
 */
public final class SpanParquetWriter {
  private SpanParquetWriter() {}

  /**
   * The writer for a file of {@code schema} (the table's schema: {@link TraceTable#SCHEMA} with the ids the catalog
   * assigned) laid out as {@code type}. Columns are matched to span fields by name.
   */
  public static ParquetValueWriter<?> create(org.apache.iceberg.Schema schema, MessageType type) {
    return TypeWithSchemaVisitor.visit(schema.asStruct(), type, new Builder(type));
  }

  /** For every field of {@code actual}, its position in {@code expected} (matched by name), or -1. */
  private static int[] positions(Types.StructType actual, Types.StructType expected) {
    int[] map = new int[actual.fields().size()];
    for (int i = 0; i < map.length; i++) {
      String name = actual.fields().get(i).name();
      map[i] = -1;
      for (int j = 0; j < expected.fields().size(); j++) {
        if (expected.fields().get(j).name().equals(name)) {
          map[i] = j;
        }
      }
    }
    return map;
  }

  private static final class Builder extends TypeWithSchemaVisitor<ParquetValueWriter<?>> {
    private final MessageType type;

    Builder(MessageType type) {
      this.type = type;
    }

    @Override
    public ParquetValueWriter<?> message(Types.StructType struct, MessageType message,
        List<ParquetValueWriter<?>> fields) {
      return struct(struct, message.asGroupType(), fields);
    }

    @Override
    public ParquetValueWriter<?> struct(Types.StructType iceberg, GroupType struct,
        List<ParquetValueWriter<?>> fieldWriters) {
      List<ParquetValueWriter<?>> writers = new ArrayList<>(fieldWriters.size());
      for (int i = 0; i < fieldWriters.size(); i++) {
        org.apache.parquet.schema.Type fieldType = struct.getType(i);
        int fieldD = type.getMaxDefinitionLevel(path(fieldType.getName()));
        writers.add(ParquetValueWriters.option(fieldType, fieldD, fieldWriters.get(i)));
      }
      String[] path = currentPath();
      if (path.length == 0) {
        return new SpanWriter(writers, positions(iceberg, TraceTable.SCHEMA.asStruct()));
      } else if (path[0].equals("events")) {
        return new EventWriter(writers, positions(iceberg, TraceTable.EVENT));
      } else if (path[0].equals("links")) {
        return new LinkWriter(writers, positions(iceberg, TraceTable.LINK));
      }
      throw new IllegalArgumentException("no writer for struct " + String.join(".", path));
    }

    @Override
    public ParquetValueWriter<?> list(Types.ListType iceberg, GroupType array, ParquetValueWriter<?> element) {
      GroupType repeated = array.getFields().get(0).asGroupType();
      String[] repeatedPath = currentPath();
      int repeatedD = type.getMaxDefinitionLevel(repeatedPath);
      int repeatedR = type.getMaxRepetitionLevel(repeatedPath);
      org.apache.parquet.schema.Type elementType = repeated.getType(0);
      int elementD = type.getMaxDefinitionLevel(path(elementType.getName()));
      ParquetValueWriter<?> elementWriter = ParquetValueWriters.option(elementType, elementD, element);
      if (repeatedPath[0].equals("events")) {
        return new EventsWriter(repeatedD, repeatedR, cast(elementWriter));
      } else if (repeatedPath[0].equals("links")) {
        return new LinksWriter(repeatedD, repeatedR, cast(elementWriter));
      }
      throw new IllegalArgumentException("no writer for list " + String.join(".", repeatedPath));
    }

    @Override
    public ParquetValueWriter<?> map(Types.MapType iceberg, GroupType map, ParquetValueWriter<?> keyWriter,
        ParquetValueWriter<?> valueWriter) {
      GroupType repeatedKeyValue = map.getFields().get(0).asGroupType();
      String[] repeatedPath = currentPath();
      int repeatedD = type.getMaxDefinitionLevel(repeatedPath);
      int repeatedR = type.getMaxRepetitionLevel(repeatedPath);
      org.apache.parquet.schema.Type keyType = repeatedKeyValue.getType(0);
      int keyD = type.getMaxDefinitionLevel(path(keyType.getName()));
      org.apache.parquet.schema.Type valueType = repeatedKeyValue.getType(1);
      int valueD = type.getMaxDefinitionLevel(path(valueType.getName()));
      return new PairsWriter(repeatedD, repeatedR,
          cast(ParquetValueWriters.option(keyType, keyD, keyWriter)),
          cast(ParquetValueWriters.option(valueType, valueD, valueWriter)));
    }

    @Override
    public ParquetValueWriter<?> primitive(Type.PrimitiveType iceberg, PrimitiveType primitive) {
      ColumnDescriptor desc = type.getColumnDescription(currentPath());
      switch (iceberg.typeId()) {
        case STRING:
          return new SliceWriter(desc);
        case TIMESTAMP:
        case LONG:
          return ParquetValueWriters.longs(desc);
        case INTEGER:
          return ParquetValueWriters.ints(desc);
        case DOUBLE:
          return ParquetValueWriters.doubles(desc);
        default:
          throw new IllegalArgumentException("no writer for " + iceberg);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> ParquetValueWriter<T> cast(ParquetValueWriter<?> w) {
    return (ParquetValueWriter<T>) w;
  }

  /** A string column fed from byte slices. */
  private static final class SliceWriter extends ParquetValueWriters.PrimitiveWriter<Slice> {
    SliceWriter(ColumnDescriptor desc) {
      super(desc);
    }

    @Override
    public void write(int repetitionLevel, Slice value) {
      column.writeBinary(repetitionLevel, Binary.fromReusedByteArray(value.buf, value.off, value.len));
    }
  }

  /** One row per span; the field order is {@link TraceTable#SCHEMA}'s. */
  private static final class SpanWriter extends ParquetValueWriters.StructWriter<SpanView> {
    private final int[] fields;

    SpanWriter(List<ParquetValueWriter<?>> writers, int[] fields) {
      super(writers);
      this.fields = fields;
    }

    @Override
    protected Object get(SpanView s, int index) {
      int field = fields[index];
      return field < 0 ? null : SpanViews.field(s, field);
    }
  }

  private static final class EventWriter extends ParquetValueWriters.StructWriter<SpanView.EventView> {
    private final int[] fields;

    EventWriter(List<ParquetValueWriter<?>> writers, int[] fields) {
      super(writers);
      this.fields = fields;
    }

    @Override
    protected Object get(SpanView.EventView e, int index) {
      int field = fields[index];
      return field < 0 ? null : SpanViews.field(e, field);
    }
  }

  private static final class LinkWriter extends ParquetValueWriters.StructWriter<SpanView.LinkView> {
    private final int[] fields;

    LinkWriter(List<ParquetValueWriter<?>> writers, int[] fields) {
      super(writers);
      this.fields = fields;
    }

    @Override
    protected Object get(SpanView.LinkView l, int index) {
      int field = fields[index];
      return field < 0 ? null : SpanViews.field(l, field);
    }
  }

  private static final class EventsWriter
      extends ParquetValueWriters.RepeatedWriter<SpanView.Repeated<SpanView.EventView>, SpanView.EventView> {
    private final Walk<SpanView.EventView> walk = new Walk<>();

    EventsWriter(int d, int r, ParquetValueWriter<SpanView.EventView> element) {
      super(d, r, element);
    }

    @Override
    protected Iterator<SpanView.EventView> elements(SpanView.Repeated<SpanView.EventView> events) {
      return walk.over(events.count(), events::view);
    }
  }

  private static final class LinksWriter
      extends ParquetValueWriters.RepeatedWriter<SpanView.Repeated<SpanView.LinkView>, SpanView.LinkView> {
    private final Walk<SpanView.LinkView> walk = new Walk<>();

    LinksWriter(int d, int r, ParquetValueWriter<SpanView.LinkView> element) {
      super(d, r, element);
    }

    @Override
    protected Iterator<SpanView.LinkView> elements(SpanView.Repeated<SpanView.LinkView> links) {
      return walk.over(links.count(), links::view);
    }
  }

  /** A reusable iterator over i = 0..n-1 mapped through a reused view. */
  private static final class Walk<E> implements Iterator<E> {
    private int n;
    private int i;
    private java.util.function.IntFunction<E> view;

    Walk<E> over(int count, java.util.function.IntFunction<E> viewOf) {
      this.n = count;
      this.i = 0;
      this.view = viewOf;
      return this;
    }

    @Override
    public boolean hasNext() {
      return i < n;
    }

    @Override
    public E next() {
      return view.apply(i++);
    }
  }

  /** A map column from attribute pairs: one reused entry, no Map. */
  private static final class PairsWriter
      extends ParquetValueWriters.RepeatedKeyValueWriter<AttrList.Pairs, Slice, Slice> {
    private final PairIterator iterator = new PairIterator();

    PairsWriter(int d, int r, ParquetValueWriter<Slice> key, ParquetValueWriter<Slice> value) {
      super(d, r, key, value);
    }

    @Override
    protected Iterator<Map.Entry<Slice, Slice>> pairs(AttrList.Pairs pairs) {
      return iterator.over(pairs.start());
    }
  }

  private static final class PairIterator implements Iterator<Map.Entry<Slice, Slice>>, Map.Entry<Slice, Slice> {
    private AttrList.Pairs pairs;

    PairIterator over(AttrList.Pairs p) {
      this.pairs = p;
      return this;
    }

    @Override
    public boolean hasNext() {
      return pairs.hasNext();
    }

    @Override
    public Map.Entry<Slice, Slice> next() {
      pairs.next();
      return this;
    }

    @Override
    public Slice getKey() {
      return pairs.key();
    }

    @Override
    public Slice getValue() {
      return pairs.value();
    }

    @Override
    public Slice setValue(Slice value) {
      throw new UnsupportedOperationException();
    }
  }
}
