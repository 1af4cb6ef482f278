package io.otlake.writer.write;

import io.otlake.writer.decode.AttrList;
import io.otlake.writer.decode.Slice;
import io.otlake.writer.decode.SpanView;
import io.otlake.writer.parquet.BinaryColumn;
import io.otlake.writer.parquet.ColumnsFile;
import io.otlake.writer.parquet.DoubleColumn;
import io.otlake.writer.parquet.IntegerColumn;
import io.otlake.writer.parquet.LeafColumn;
import java.util.ArrayList;
import java.util.List;

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
    if (timestamp != null) {
      timestamp.write(0, s.startMicros());
    }
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
    if (endTimestamp != null) {
      endTimestamp.write(0, s.endMicros());
    }
    string(traceState, 0, s.traceState());
    if (flags != null) {
      flags.write(0, s.flags());
    }
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

  private static void integer(IntegerColumn c, int r, int v) {
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

    /** The map's pairs at repetition level {@code r}; its entries repeat at the key column's level. */
    static void write(MapColumns m, int r, AttrList.Pairs pairs) {
      if (m == null) {
        return;
      }
      int entryD = m.key.maxDefinition();
      pairs.start();
      if (!pairs.hasNext()) {
        m.key.writeNull(r, entryD - 1);
        m.value.writeNull(r, entryD - 1);
        return;
      }
      int entryR = m.key.maxRepetition();
      int rr = r;
      while (pairs.hasNext()) {
        pairs.next();
        Slice k = pairs.key();
        Slice v = pairs.value();
        m.key.write(rr, k.buf, k.off, k.len);
        m.value.write(rr, v.buf, v.off, v.len);
        rr = entryR;
      }
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
    private final int[] count = new int[SLOTS];
    private final int[][] keyIds = new int[SLOTS][16];
    private final int[][] valueIds = new int[SLOTS][16];
    private int nextSlot;

    private CachedMapColumns(MapColumns columns) {
      this.columns = columns;
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
          int n = count[i];
          if (n == 0) {
            MapColumns.write(columns, 0, pairs);
            return;
          }
          int[] k = keyIds[i];
          int[] v = valueIds[i];
          int entryR = key.maxRepetition();
          for (int j = 0; j < n; j++) {
            int r = j == 0 ? 0 : entryR;
            key.writeId(r, k[j]);
            value.writeId(r, v[j]);
          }
          return;
        }
      }
      // first time for this list (or the dictionaries changed): write normally and remember the ids
      int slot = nextSlot;
      nextSlot = (nextSlot + 1) % SLOTS;
      owner[slot] = attributes;
      version[slot] = attributes.version();
      int entryD = key.maxDefinition();
      pairs.start();
      if (!pairs.hasNext()) {
        key.writeNull(0, entryD - 1);
        value.writeNull(0, entryD - 1);
        count[slot] = 0;
      } else {
        int n = 0;
        int rr = 0;
        while (pairs.hasNext()) {
          pairs.next();
          Slice k = pairs.key();
          Slice v = pairs.value();
          if (n == keyIds[slot].length) {
            keyIds[slot] = java.util.Arrays.copyOf(keyIds[slot], n * 2);
            valueIds[slot] = java.util.Arrays.copyOf(valueIds[slot], n * 2);
          }
          keyIds[slot][n] = key.writeForId(rr, k.buf, k.off, k.len);
          valueIds[slot][n] = value.writeForId(rr, v.buf, v.off, v.len);
          n++;
          rr = key.maxRepetition();
        }
        count[slot] = n;
      }
      // ids are only reusable if neither dictionary changed while they were being written
      keyEpoch[slot] = key.dictionaryEpoch() == ke ? ke : -2;
      valueEpoch[slot] = value.dictionaryEpoch() == ve ? ve : -2;
    }
  }

  /** The non-null columns among {@code all}. */
  private static List<LeafColumn> leaves(List<LeafColumn> all) {
    List<LeafColumn> out = new ArrayList<>();
    for (LeafColumn c : all) {
      if (c != null) {
        out.add(c);
      }
    }
    return out;
  }

  /** The columns of the optional list of event structs. */
  private static final class EventColumns {
    private final IntegerColumn time;
    private final BinaryColumn name;
    private final MapColumns attributes;
    private final MapColumns attributeTypes;
    private final IntegerColumn dropped;
    private final List<LeafColumn> all;
    private final int elementR;
    private final int elementD;

    EventColumns(ColumnsFile file) {
      String p = "events.list.element.";
      time = file.column(p + "timestamp", IntegerColumn.class);
      name = file.column(p + "name", BinaryColumn.class);
      attributes = MapColumns.of(file, p + "attributes");
      attributeTypes = MapColumns.of(file, p + "attribute_types");
      dropped = file.column(p + "dropped_attributes_count", IntegerColumn.class);
      all = leaves(java.util.Arrays.asList(time, name, attributes == null ? null : attributes.key(),
          attributes == null ? null : attributes.value(), attributeTypes == null ? null : attributeTypes.key(),
          attributeTypes == null ? null : attributeTypes.value(), dropped));
      LeafColumn any = all.isEmpty() ? null : all.get(0);
      elementR = any == null ? 0 : 1;
      elementD = time != null ? time.maxDefinition() : 2;
    }

    void write(SpanView.Repeated<SpanView.EventView> events) {
      if (all.isEmpty()) {
        return;
      }
      int n = events.count();
      if (n == 0) {
        for (LeafColumn c : all) {
          c.writeNull(0, elementD - 1);
        }
        return;
      }
      for (int i = 0; i < n; i++) {
        int r = i == 0 ? 0 : elementR;
        SpanView.EventView e = events.view(i);
        if (time != null) {
          time.write(r, e.timeMicros());
        }
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
    private final List<LeafColumn> all;
    private final int elementD;

    LinkColumns(ColumnsFile file) {
      String p = "links.list.element.";
      traceId = file.column(p + "trace_id", BinaryColumn.class);
      spanId = file.column(p + "span_id", BinaryColumn.class);
      traceState = file.column(p + "trace_state", BinaryColumn.class);
      flags = file.column(p + "flags", IntegerColumn.class);
      attributes = MapColumns.of(file, p + "attributes");
      attributeTypes = MapColumns.of(file, p + "attribute_types");
      dropped = file.column(p + "dropped_attributes_count", IntegerColumn.class);
      all = leaves(java.util.Arrays.asList(traceId, spanId, traceState, flags,
          attributes == null ? null : attributes.key(), attributes == null ? null : attributes.value(),
          attributeTypes == null ? null : attributeTypes.key(),
          attributeTypes == null ? null : attributeTypes.value(), dropped));
      elementD = traceId != null ? traceId.maxDefinition() : 2;
    }

    void write(SpanView.Repeated<SpanView.LinkView> links) {
      if (all.isEmpty()) {
        return;
      }
      int n = links.count();
      if (n == 0) {
        for (LeafColumn c : all) {
          c.writeNull(0, elementD - 1);
        }
        return;
      }
      for (int i = 0; i < n; i++) {
        int r = i == 0 ? 0 : 1;
        SpanView.LinkView l = links.view(i);
        string(traceId, r, l.traceId());
        string(spanId, r, l.spanId());
        string(traceState, r, l.traceState());
        if (flags != null) {
          flags.write(r, l.flags());
        }
        MapColumns.write(attributes, r, l.attributes().values());
        MapColumns.write(attributeTypes, r, l.attributes().types());
        integer(dropped, r, l.dropped());
      }
    }
  }
}
