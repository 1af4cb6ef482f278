package io.otlake.writer.write;

import io.otlake.writer.decode.AttrList;
import io.otlake.writer.decode.Slice;
import io.otlake.writer.decode.SpanView;
import io.otlake.writer.parquet.BinaryColumn;
import io.otlake.writer.parquet.ColumnsFile;
import io.otlake.writer.parquet.DoubleColumn;
import io.otlake.writer.parquet.IntegerColumn;
import io.otlake.writer.parquet.LeafColumn;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Shreds {@link SpanView}s into the {@code traces} table's Parquet columns (Dremel repetition and definition
 * levels written by hand for this one schema): strings go from the request's bytes to the column as byte slices,
 * attribute maps from the wire KeyValues, nothing is materialised per row. Columns the table does not have are
 * skipped; columns this class does not know get nulls from {@link ColumnsFile}.
 */
public final class SpanColumns {
  private final ColumnsFile file;
  private final IntegerColumn timestamp;
  private final BinaryColumn traceId;
  private final BinaryColumn spanId;
  private final BinaryColumn parentSpanId;
  private final BinaryColumn serviceName;
  private final BinaryColumn operationName;
  private final BinaryColumn spanKind;
  private final DoubleColumn durationMs;
  private final IntegerColumn statusCode;
  private final BinaryColumn statusMessage;
  private final MapColumns attributes;
  private final CachedMapColumns resourceAttributes;
  private final EventColumns events;
  private final IntegerColumn endTimestamp;
  private final BinaryColumn traceState;
  private final IntegerColumn flags;
  private final MapColumns attributeTypes;
  private final IntegerColumn droppedAttributes;
  private final CachedMapColumns resourceAttributeTypes;
  private final IntegerColumn resourceDropped;
  private final BinaryColumn resourceSchemaUrl;
  private final BinaryColumn scopeName;
  private final BinaryColumn scopeVersion;
  private final CachedMapColumns scopeAttributes;
  private final CachedMapColumns scopeAttributeTypes;
  private final BinaryColumn scopeSchemaUrl;
  private final IntegerColumn droppedEvents;
  private final LinkColumns links;
  private final IntegerColumn droppedLinks;

  public SpanColumns(ColumnsFile file) {
    this.file = file;
    timestamp = file.column("timestamp", IntegerColumn.class);
    traceId = file.column("trace_id", BinaryColumn.class);
    spanId = file.column("span_id", BinaryColumn.class);
    parentSpanId = file.column("parent_span_id", BinaryColumn.class);
    serviceName = file.column("service_name", BinaryColumn.class);
    operationName = file.column("operation_name", BinaryColumn.class);
    spanKind = file.column("span_kind", BinaryColumn.class);
    durationMs = file.column("duration_ms", DoubleColumn.class);
    statusCode = file.column("status_code", IntegerColumn.class);
    statusMessage = file.column("status_message", BinaryColumn.class);
    attributes = MapColumns.of(file, "attributes");
    resourceAttributes = CachedMapColumns.of(file, "resource_attributes");
    events = new EventColumns(file);
    endTimestamp = file.column("end_timestamp", IntegerColumn.class);
    traceState = file.column("trace_state", BinaryColumn.class);
    flags = file.column("flags", IntegerColumn.class);
    attributeTypes = MapColumns.of(file, "attribute_types");
    droppedAttributes = file.column("dropped_attributes_count", IntegerColumn.class);
    resourceAttributeTypes = CachedMapColumns.of(file, "resource_attribute_types");
    resourceDropped = file.column("resource_dropped_attributes_count", IntegerColumn.class);
    resourceSchemaUrl = file.column("resource_schema_url", BinaryColumn.class);
    scopeName = file.column("scope_name", BinaryColumn.class);
    scopeVersion = file.column("scope_version", BinaryColumn.class);
    scopeAttributes = CachedMapColumns.of(file, "scope_attributes");
    scopeAttributeTypes = CachedMapColumns.of(file, "scope_attribute_types");
    scopeSchemaUrl = file.column("scope_schema_url", BinaryColumn.class);
    droppedEvents = file.column("dropped_events_count", IntegerColumn.class);
    links = new LinkColumns(file);
    droppedLinks = file.column("dropped_links_count", IntegerColumn.class);
    file.checkUnclaimedColumns();
  }

  /** Writes the span the view is on as one row. */
  public void write(SpanView s) {
    integer(timestamp, 0, s.startMicros());
    string(traceId, 0, s.traceId());
    string(spanId, 0, s.spanId());
    string(parentSpanId, 0, s.parentSpanId());
    string(serviceName, 0, s.serviceNameText());
    string(operationName, 0, s.name());
    string(spanKind, 0, s.kind());
    if (durationMs != null) {
      durationMs.write(0, s.durationMillis());
    }
    integer(statusCode, 0, s.statusCode());
    string(statusMessage, 0, s.statusMessage());
    MapColumns.write(attributes, 0, s.attributes().values());
    CachedMapColumns.write(resourceAttributes, s.resourceAttributes(), false);
    events.write(s.events());
    integer(endTimestamp, 0, s.endMicros());
    string(traceState, 0, s.traceState());
    integer(flags, 0, s.flags());
    MapColumns.write(attributeTypes, 0, s.attributes().types());
    integer(droppedAttributes, 0, s.droppedAttributes());
    CachedMapColumns.write(resourceAttributeTypes, s.resourceAttributes(), true);
    integer(resourceDropped, 0, s.resourceDroppedAttributes());
    string(resourceSchemaUrl, 0, s.resourceSchemaUrl());
    string(scopeName, 0, s.scopeName());
    string(scopeVersion, 0, s.scopeVersion());
    CachedMapColumns.write(scopeAttributes, s.scopeAttributes(), false);
    CachedMapColumns.write(scopeAttributeTypes, s.scopeAttributes(), true);
    string(scopeSchemaUrl, 0, s.scopeSchemaUrl());
    integer(droppedEvents, 0, s.droppedEvents());
    links.write(s.links());
    integer(droppedLinks, 0, s.droppedLinks());
    file.endRow();
  }

  /** An optional or required string whose parent is present: null one level below the column's maximum. */
  private static void string(BinaryColumn c, int r, Slice v) {
    if (c == null) {
      return;
    }
    if (v == null) {
      c.writeNull(r, c.maxDefinition() - 1);
    } else {
      c.write(r, v.buf, v.off, v.len);
    }
  }

  private static void integer(IntegerColumn c, int r, long v) {
    if (c != null) {
      c.write(r, v);
    }
  }

  /** The key and value columns of an optional string map. */
  private record MapColumns(BinaryColumn key, BinaryColumn value) {
    static MapColumns of(ColumnsFile file, String prefix) {
      BinaryColumn k = file.column(prefix + ".key_value.key", BinaryColumn.class);
      BinaryColumn v = file.column(prefix + ".key_value.value", BinaryColumn.class);
      return k == null ? null : new MapColumns(k, v);
    }

    static void write(MapColumns m, int r, AttrList.Pairs pairs) {
      if (m != null) {
        m.write(r, pairs, null);
      }
    }

    /**
     * The map's pairs at repetition level {@code r}; its entries repeat at the key column's level. With {@code ids},
     * the dictionary ids written are recorded there (-1 for a column writing PLAIN).
     */
    void write(int r, AttrList.Pairs pairs, EntryIds ids) {
      if (ids != null) {
        ids.count = 0;
      }
      pairs.start();
      if (!pairs.hasNext()) {
        int emptyD = key.maxDefinition() - 1;
        key.writeNull(r, emptyD);
        value.writeNull(r, emptyD);
        return;
      }
      int entryR = key.maxRepetition();
      int rr = r;
      while (pairs.hasNext()) {
        pairs.next();
        Slice k = pairs.key();
        Slice v = pairs.value();
        if (ids == null) {
          key.write(rr, k.buf, k.off, k.len);
          value.write(rr, v.buf, v.off, v.len);
        } else {
          ids.add(key.writeForId(rr, k.buf, k.off, k.len), value.writeForId(rr, v.buf, v.off, v.len));
        }
        rr = entryR;
      }
    }

    /** The leaf columns, for lists that must write an empty list into each. */
    static Stream<LeafColumn> leaves(MapColumns m) {
      return m == null ? Stream.empty() : Stream.of(m.key, m.value);
    }
  }

  /** The dictionary ids of a map's entries, in order. */
  private static final class EntryIds {
    int count;
    int[] keys = new int[16];
    int[] values = new int[16];

    void add(int key, int value) {
      if (count == keys.length) {
        keys = Arrays.copyOf(keys, count * 2);
        values = Arrays.copyOf(values, count * 2);
      }
      keys[count] = key;
      values[count++] = value;
    }
  }

  /**
   * A top-level map whose attributes repeat row after row (a resource's, a scope's): the dictionary ids its pairs
   * got the first time are remembered per attribute list, and later rows write those ids without hashing a byte.
   */
  private static final class CachedMapColumns {
    private static final int SLOTS = 8;
    private final MapColumns columns;
    private final AttrList[] owner = new AttrList[SLOTS];
    private final long[] version = new long[SLOTS];
    private final int[] keyEpoch = new int[SLOTS];
    private final int[] valueEpoch = new int[SLOTS];
    private final EntryIds[] ids = new EntryIds[SLOTS];
    private int nextSlot;

    private CachedMapColumns(MapColumns columns) {
      this.columns = columns;
      for (int i = 0; i < SLOTS; i++) {
        ids[i] = new EntryIds();
      }
    }

    static CachedMapColumns of(ColumnsFile file, String prefix) {
      MapColumns m = MapColumns.of(file, prefix);
      return m == null ? null : new CachedMapColumns(m);
    }

    static void write(CachedMapColumns c, AttrList attributes, boolean types) {
      if (c != null) {
        c.write(attributes, types ? attributes.types() : attributes.values());
      }
    }

    private void write(AttrList attributes, AttrList.Pairs pairs) {
      BinaryColumn key = columns.key();
      BinaryColumn value = columns.value();
      int ke = key.dictionaryEpoch();
      int ve = value.dictionaryEpoch();
      for (int i = 0; i < SLOTS; i++) {
        if (owner[i] == attributes && version[i] == attributes.version() && keyEpoch[i] == ke
            && valueEpoch[i] == ve && ke >= 0 && ve >= 0) {
          EntryIds e = ids[i];
          if (e.count == 0) {
            columns.write(0, pairs, null); // the empty map
            return;
          }
          int entryR = key.maxRepetition();
          for (int j = 0; j < e.count; j++) {
            int r = j == 0 ? 0 : entryR;
            key.writeId(r, e.keys[j]);
            value.writeId(r, e.values[j]);
          }
          return;
        }
      }
      // first time for this list (or the dictionaries changed): write normally and remember the ids
      int slot = nextSlot;
      nextSlot = (nextSlot + 1) % SLOTS;
      owner[slot] = attributes;
      version[slot] = attributes.version();
      columns.write(0, pairs, ids[slot]);
      // ids are only reusable if neither dictionary changed while they were being written
      keyEpoch[slot] = key.dictionaryEpoch() == ke ? ke : -2;
      valueEpoch[slot] = value.dictionaryEpoch() == ve ? ve : -2;
    }
  }

  /**
   * The level bookkeeping of an optional list of structs, taken from the file's schema: an empty list is a null at
   * the list's own definition level in every leaf; elements after the first repeat at the list's repetition level.
   */
  private record ListLevels(List<LeafColumn> leaves, int emptyD, int elementR) {
    static ListLevels of(ColumnsFile file, String list, Stream<LeafColumn> leaves) {
      List<LeafColumn> present = leaves.filter(java.util.Objects::nonNull).toList();
      String repeated = list + ".list";
      return present.isEmpty() ? new ListLevels(present, 0, 0)
          : new ListLevels(present, file.definitionLevel(repeated) - 1, file.repetitionLevel(repeated));
    }

    /** Writes the empty list when {@code count} is 0 (and whether it did); nothing at all without leaves. */
    boolean writeEmpty(int count) {
      if (leaves.isEmpty()) {
        return true;
      }
      if (count > 0) {
        return false;
      }
      for (LeafColumn c : leaves) {
        c.writeNull(0, emptyD);
      }
      return true;
    }

    int repetition(int element) {
      return element == 0 ? 0 : elementR;
    }
  }

  /** The columns of the optional list of event structs. */
  private static final class EventColumns {
    private final IntegerColumn time;
    private final BinaryColumn name;
    private final MapColumns attributes;
    private final MapColumns attributeTypes;
    private final IntegerColumn dropped;
    private final ListLevels levels;

    EventColumns(ColumnsFile file) {
      String p = "events.list.element.";
      time = file.column(p + "timestamp", IntegerColumn.class);
      name = file.column(p + "name", BinaryColumn.class);
      attributes = MapColumns.of(file, p + "attributes");
      attributeTypes = MapColumns.of(file, p + "attribute_types");
      dropped = file.column(p + "dropped_attributes_count", IntegerColumn.class);
      levels = ListLevels.of(file, "events", Stream.of(Stream.of(time, name), MapColumns.leaves(attributes),
          MapColumns.leaves(attributeTypes), Stream.of(dropped)).flatMap(x -> x));
    }

    void write(SpanView.Repeated<SpanView.EventView> events) {
      int n = events.count();
      if (levels.writeEmpty(n)) {
        return;
      }
      for (int i = 0; i < n; i++) {
        int r = levels.repetition(i);
        SpanView.EventView e = events.view(i);
        integer(time, r, e.timeMicros());
        string(name, r, e.name());
        MapColumns.write(attributes, r, e.attributes().values());
        MapColumns.write(attributeTypes, r, e.attributes().types());
        integer(dropped, r, e.dropped());
      }
    }
  }

  /** The columns of the optional list of link structs. */
  private static final class LinkColumns {
    private final BinaryColumn traceId;
    private final BinaryColumn spanId;
    private final BinaryColumn traceState;
    private final IntegerColumn flags;
    private final MapColumns attributes;
    private final MapColumns attributeTypes;
    private final IntegerColumn dropped;
    private final ListLevels levels;

    LinkColumns(ColumnsFile file) {
      String p = "links.list.element.";
      traceId = file.column(p + "trace_id", BinaryColumn.class);
      spanId = file.column(p + "span_id", BinaryColumn.class);
      traceState = file.column(p + "trace_state", BinaryColumn.class);
      flags = file.column(p + "flags", IntegerColumn.class);
      attributes = MapColumns.of(file, p + "attributes");
      attributeTypes = MapColumns.of(file, p + "attribute_types");
      dropped = file.column(p + "dropped_attributes_count", IntegerColumn.class);
      levels = ListLevels.of(file, "links", Stream.of(Stream.of(traceId, spanId, traceState, flags),
          MapColumns.leaves(attributes), MapColumns.leaves(attributeTypes), Stream.of(dropped)).flatMap(x -> x));
    }

    void write(SpanView.Repeated<SpanView.LinkView> links) {
      int n = links.count();
      if (levels.writeEmpty(n)) {
        return;
      }
      for (int i = 0; i < n; i++) {
        int r = levels.repetition(i);
        SpanView.LinkView l = links.view(i);
        string(traceId, r, l.traceId());
        string(spanId, r, l.spanId());
        string(traceState, r, l.traceState());
        integer(flags, r, l.flags());
        MapColumns.write(attributes, r, l.attributes().values());
        MapColumns.write(attributeTypes, r, l.attributes().types());
        integer(dropped, r, l.dropped());
      }
    }
  }
}
