package io.otlake.writer.decode;

import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedTraces;
import io.otlake.proto.wire.WireReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One span of a scanned OTLP request, with its resource and scope, read straight from the wire bytes: the row the
 * table's Parquet writer consumes. One instance is reused for every span ({@link #moveTo}); resource and scope
 * fields are read once per resource and scope, not per span. Nothing here decodes strings except the service name
 * (once per resource, for the partition).
 */
public final class SpanView implements io.otlake.writer.signals.ItemView {
  private static final byte[] SERVICE_NAME = "service.name".getBytes(StandardCharsets.UTF_8);
  private static final byte[][] KINDS = {
      ascii("UNSPECIFIED"), ascii("INTERNAL"), ascii("SERVER"), ascii("CLIENT"), ascii("PRODUCER"), ascii("CONSUMER")};

  private ScannedTraces t;
  private byte[] b;

  /**
   * Resources and scopes by their bytes, and which one each index of the current request has: the same service
   * sends the same resource in request after request, so its attributes are parsed once and stay the same objects
   * (which lets the column writer reuse their dictionary ids).
   */
  private final StateCache<ResourceState> resources = new StateCache<>(key -> new ResourceState().read(key));
  private final StateCache<ScopeState> scopes = new StateCache<>(key -> new ScopeState().read(key));
  /** Counts requests, so a cached resource or scope knows whether it was read for the current one. */
  private long requestNo;
  ResourceState resource;
  ScopeState scope;

  // span
  private final Slice rawTraceId = new Slice();
  private final Slice rawSpanId = new Slice();
  private final Slice rawParentSpanId = new Slice();
  final Slice traceId = new Slice();
  final Slice spanId = new Slice();
  final Slice parentSpanId = new Slice();
  final Slice traceState = new Slice();
  final Slice name = new Slice();
  final Slice kind = new Slice();
  final Slice statusMessage = new Slice();
  long startNanos;
  long endNanos;
  int statusCode;
  long flags;
  int droppedAttributes;
  int droppedEvents;
  int droppedLinks;
  final AttrList attributes = new AttrList();
  final Repeated<EventView> events = new Repeated<>(new EventView(), EventView::read);
  final Repeated<LinkView> links = new Repeated<>(new LinkView(), LinkView::read);

  /** Starts on a new request. */
  public void reset(ScannedTraces scanned) {
    this.t = scanned;
    this.b = scanned.bytes();
    this.requestNo++;
  }

  public int spanCount() {
    return t.spanCount();
  }

  @Override
  public void reset(byte[] request) throws MalformedRequestException {
    reset(ScannedTraces.scan(request));
  }

  @Override
  public int itemCount() {
    return t.spanCount();
  }

  /** Spans feed one table. */
  @Override
  public int table() {
    return 0;
  }

  @Override
  public long timestampMicros() {
    return startMicros();
  }

  /** The trace id and span id as sent (see {@link io.otlake.writer.dedup.Dedup#spanIdentity}). */
  @Override
  public void identity(byte[] out) {
    io.otlake.writer.dedup.Dedup.spanIdentity(rawTraceId.buf, rawTraceId.off, rawTraceId.len, rawSpanId.buf,
        rawSpanId.off, rawSpanId.len, out);
  }

  /** Reads span {@code s} (and its scope and resource if they changed). */
  public void moveTo(int s) {
    try {
      int sc = t.scopeOf(s);
      int res = t.resourceOfScope(sc);
      resource = resourceState(res);
      scope = scopeState(sc);
      readSpan(t.spanOffset(s), t.spanLength(s));
    } catch (MalformedRequestException e) {
      throw new IllegalStateException("span bytes changed after validation", e);
    }
  }

  /** Span start in microseconds (the table's timestamp precision). */
  public long startMicros() {
    return Math.floorDiv(startNanos, 1000);
  }

  public long endMicros() {
    return Math.floorDiv(endNanos, 1000);
  }

  // the row's values, as the table's columns hold them: empty optional strings are null

  public Slice traceId() {
    return traceId;
  }

  public Slice spanId() {
    return spanId;
  }

  /** The trace id's bytes as sent (the key duplicates are recognised by). */
  public Slice rawTraceId() {
    return rawTraceId;
  }

  public Slice rawSpanId() {
    return rawSpanId;
  }

  public Slice parentSpanId() {
    return orNull(parentSpanId);
  }

  /** The resource's service.name, or null. */
  public Slice serviceNameText() {
    return resource.serviceName == null ? null : resource.serviceNameSlice;
  }

  public Slice name() {
    return name;
  }

  public Slice kind() {
    return kind;
  }

  public double durationMillis() {
    return (endNanos - startNanos) / 1e6;
  }

  public int statusCode() {
    return statusCode;
  }

  public Slice statusMessage() {
    return orNull(statusMessage);
  }

  public AttrList attributes() {
    return attributes;
  }

  public AttrList resourceAttributes() {
    return resource.resourceAttributes;
  }

  public Repeated<EventView> events() {
    return events;
  }

  public Slice traceState() {
    return orNull(traceState);
  }

  public long flags() {
    return flags;
  }

  public int droppedAttributes() {
    return droppedAttributes;
  }

  public int resourceDroppedAttributes() {
    return resource.resourceDropped;
  }

  public Slice resourceSchemaUrl() {
    return resource.hasResourceSchemaUrl ? resource.resourceSchemaUrl : null;
  }

  public Slice scopeName() {
    return orNull(scope.scopeName);
  }

  public Slice scopeVersion() {
    return orNull(scope.scopeVersion);
  }

  public AttrList scopeAttributes() {
    return scope.scopeAttributes;
  }

  public Slice scopeSchemaUrl() {
    return orNull(scope.scopeSchemaUrl);
  }

  public int droppedEvents() {
    return droppedEvents;
  }

  public Repeated<LinkView> links() {
    return links;
  }

  public int droppedLinks() {
    return droppedLinks;
  }

  static Slice orNull(Slice s) {
    return s.len == 0 ? null : s;
  }

  /** The current span's id in hex. */
  @Override
  public String toString() {
    return spanId.toString();
  }

  @Override
  public String serviceName() {
    return resource.serviceName;
  }

  private ResourceState resourceState(int res) throws MalformedRequestException {
    return resources.get(res, requestNo, b, t.resourceRangeCount(res), i -> t.resourceRangeOffset(res, i),
        i -> t.resourceRangeLength(res, i));
  }

  private ScopeState scopeState(int sc) throws MalformedRequestException {
    return scopes.get(sc, requestNo, b, t.scopeRangeCount(sc), i -> t.scopeRangeOffset(sc, i),
        i -> t.scopeRangeLength(sc, i));
  }

  /** A resource's fields, read once. */
  final class ResourceState {
    final AttrList resourceAttributes = new AttrList();
    int resourceDropped;
    final Slice resourceSchemaUrl = new Slice();
    boolean hasResourceSchemaUrl;
    String serviceName;
    final Slice serviceNameSlice = new Slice();

    /** Reads the resource from its bytes (the ResourceSpans fields other than scope_spans), as copied in the key. */
    private ResourceState read(StateCache.Key key) throws MalformedRequestException {
      byte[] b = key.bytes;
      resourceAttributes.clear(b);
      resourceDropped = 0;
      hasResourceSchemaUrl = false;
      for (int i = 0; i < key.offsets.length; i++) {
        WireReader r = new WireReader(b, key.offsets[i], key.lengths[i]);
        int tag = r.readTag();
        if (tag == (1 << 3 | WireReader.LEN)) {
          int len = r.readLength();
          WireReader rr = new WireReader(b, r.pos, len);
          while (!rr.atEnd()) {
            int ftag = rr.readTag();
            switch (ftag) {
              case 1 << 3 | WireReader.LEN -> resourceAttributes.add(rr);
              case 2 << 3 | WireReader.VARINT -> resourceDropped = (int) rr.readVarint();
              default -> rr.skip(ftag & 7);
            }
          }
        } else if (tag == (3 << 3 | WireReader.LEN)) {
          resourceSchemaUrl.readFrom(r);
          hasResourceSchemaUrl = resourceSchemaUrl.len > 0;
        }
      }
      serviceName = resourceAttributes.stringValue(SERVICE_NAME);
      if (serviceName != null) {
        serviceNameSlice.set(serviceName.getBytes(StandardCharsets.UTF_8));
      }
      return this;
    }
  }

  /** A scope's fields, read once. */
  final class ScopeState {
    final AttrList scopeAttributes = new AttrList();
    final Slice scopeName = new Slice();
    final Slice scopeVersion = new Slice();
    final Slice scopeSchemaUrl = new Slice();
    int scopeDropped;

    /** Reads the scope from its bytes (the ScopeSpans fields other than spans), as copied in the key. */
    private ScopeState read(StateCache.Key key) throws MalformedRequestException {
      byte[] b = key.bytes;
      scopeAttributes.clear(b);
      scopeName.set(b, 0, 0);
      scopeVersion.set(b, 0, 0);
      scopeSchemaUrl.set(b, 0, 0);
      scopeDropped = 0;
      for (int i = 0; i < key.offsets.length; i++) {
        WireReader r = new WireReader(b, key.offsets[i], key.lengths[i]);
        int tag = r.readTag();
        if (tag == (1 << 3 | WireReader.LEN)) {
          int len = r.readLength();
          WireReader rr = new WireReader(b, r.pos, len);
          while (!rr.atEnd()) {
            int ftag = rr.readTag();
            switch (ftag) {
              case 1 << 3 | WireReader.LEN -> scopeName.readFrom(rr);
              case 2 << 3 | WireReader.LEN -> scopeVersion.readFrom(rr);
              case 3 << 3 | WireReader.LEN -> scopeAttributes.add(rr);
              case 4 << 3 | WireReader.VARINT -> scopeDropped = (int) rr.readVarint();
              default -> rr.skip(ftag & 7);
            }
          }
        } else if (tag == (3 << 3 | WireReader.LEN)) {
          scopeSchemaUrl.readFrom(r);
        }
      }
      return this;
    }
  }

  private void readSpan(int off, int len) throws MalformedRequestException {
    rawTraceId.set(b, 0, 0);
    rawSpanId.set(b, 0, 0);
    rawParentSpanId.set(b, 0, 0);
    traceState.set(b, 0, 0);
    name.set(b, 0, 0);
    statusMessage.set(b, 0, 0);
    int kindValue = 0;
    startNanos = 0;
    endNanos = 0;
    statusCode = 0;
    flags = 0;
    droppedAttributes = 0;
    droppedEvents = 0;
    droppedLinks = 0;
    attributes.clear(b);
    events.count = 0;
    links.count = 0;
    WireReader r = new WireReader(b, off, len);
    while (!r.atEnd()) {
      int tag = r.readTag();
      switch (tag) {
        case 1 << 3 | WireReader.LEN -> rawTraceId.readFrom(r);
        case 2 << 3 | WireReader.LEN -> rawSpanId.readFrom(r);
        case 3 << 3 | WireReader.LEN -> traceState.readFrom(r);
        case 4 << 3 | WireReader.LEN -> rawParentSpanId.readFrom(r);
        case 5 << 3 | WireReader.LEN -> name.readFrom(r);
        case 6 << 3 | WireReader.VARINT -> kindValue = (int) r.readVarint();
        case 7 << 3 | WireReader.I64 -> startNanos = r.readFixed64();
        case 8 << 3 | WireReader.I64 -> endNanos = r.readFixed64();
        case 9 << 3 | WireReader.LEN -> attributes.add(r);
        case 10 << 3 | WireReader.VARINT -> droppedAttributes = (int) r.readVarint();
        case 11 << 3 | WireReader.LEN -> events.add(r);
        case 12 << 3 | WireReader.VARINT -> droppedEvents = (int) r.readVarint();
        case 13 << 3 | WireReader.LEN -> links.add(r);
        case 14 << 3 | WireReader.VARINT -> droppedLinks = (int) r.readVarint();
        case 15 << 3 | WireReader.LEN -> status(r);
        case 16 << 3 | WireReader.I32 -> flags = Integer.toUnsignedLong(r.readFixed32());
        default -> r.skip(tag & 7);
      }
    }
    traceId.hexOf(rawTraceId);
    spanId.hexOf(rawSpanId);
    parentSpanId.hexOf(rawParentSpanId);
    kind.set(kindValue >= 0 && kindValue < KINDS.length ? KINDS[kindValue] : ascii(Integer.toString(kindValue)));
  }

  private void status(WireReader outer) throws MalformedRequestException {
    int len = outer.readLength();
    WireReader r = new WireReader(b, outer.pos, len);
    outer.pos += len;
    while (!r.atEnd()) {
      int tag = r.readTag();
      if (tag == (2 << 3 | WireReader.LEN)) {
        statusMessage.readFrom(r);
      } else if (tag == (3 << 3 | WireReader.VARINT)) {
        statusCode = (int) r.readVarint();
      } else {
        r.skip(tag & 7);
      }
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Reads one element's bytes into a view. */
  interface ElementReader<V> {
    void read(V view, byte[] bytes, int off, int len);
  }

  /** A repeated message field of the span (events, links): where each lies, read into one reused view on demand. */
  public final class Repeated<V> {
    int count;
    private int[] off = new int[8];
    private int[] len = new int[8];
    private final V view;
    private final ElementReader<V> reader;

    Repeated(V view, ElementReader<V> reader) {
      this.view = view;
      this.reader = reader;
    }

    void add(WireReader r) throws MalformedRequestException {
      int l = r.readLength();
      if (count == off.length) {
        off = Arrays.copyOf(off, count * 2);
        len = Arrays.copyOf(len, count * 2);
      }
      off[count] = r.pos;
      len[count++] = l;
      r.pos += l;
    }

    public int count() {
      return count;
    }

    public V view(int i) {
      reader.read(view, b, off[i], len[i]);
      return view;
    }
  }

  /** One event of the current span. */
  public static final class EventView {
    long timeNanos;
    final Slice name = new Slice();
    final AttrList attributes = new AttrList();
    int dropped;

    public long timeMicros() {
      return Math.floorDiv(timeNanos, 1000);
    }

    public Slice name() {
      return name;
    }

    public AttrList attributes() {
      return attributes;
    }

    public int dropped() {
      return dropped;
    }

    void read(byte[] b, int off, int len) {
      timeNanos = 0;
      name.set(b, 0, 0);
      attributes.clear(b);
      dropped = 0;
      try {
        WireReader r = new WireReader(b, off, len);
        while (!r.atEnd()) {
          int tag = r.readTag();
          switch (tag) {
            case 1 << 3 | WireReader.I64 -> timeNanos = r.readFixed64();
            case 2 << 3 | WireReader.LEN -> name.readFrom(r);
            case 3 << 3 | WireReader.LEN -> attributes.add(r);
            case 4 << 3 | WireReader.VARINT -> dropped = (int) r.readVarint();
            default -> r.skip(tag & 7);
          }
        }
      } catch (MalformedRequestException e) {
        throw new IllegalStateException("event bytes changed after validation", e);
      }
    }
  }

  /** One link of the current span. */
  public static final class LinkView {
    private final Slice rawTraceId = new Slice();
    private final Slice rawSpanId = new Slice();
    final Slice traceId = new Slice();
    final Slice spanId = new Slice();
    final Slice traceState = new Slice();
    final AttrList attributes = new AttrList();
    int dropped;
    long flags;

    public Slice traceId() {
      return traceId;
    }

    public Slice spanId() {
      return spanId;
    }

    public Slice traceState() {
      return orNull(traceState);
    }

    public long flags() {
      return flags;
    }

    public AttrList attributes() {
      return attributes;
    }

    public int dropped() {
      return dropped;
    }

    void read(byte[] b, int off, int len) {
      rawTraceId.set(b, 0, 0);
      rawSpanId.set(b, 0, 0);
      traceState.set(b, 0, 0);
      attributes.clear(b);
      dropped = 0;
      flags = 0;
      try {
        WireReader r = new WireReader(b, off, len);
        while (!r.atEnd()) {
          int tag = r.readTag();
          switch (tag) {
            case 1 << 3 | WireReader.LEN -> rawTraceId.readFrom(r);
            case 2 << 3 | WireReader.LEN -> rawSpanId.readFrom(r);
            case 3 << 3 | WireReader.LEN -> traceState.readFrom(r);
            case 4 << 3 | WireReader.LEN -> attributes.add(r);
            case 5 << 3 | WireReader.VARINT -> dropped = (int) r.readVarint();
            case 6 << 3 | WireReader.I32 -> flags = Integer.toUnsignedLong(r.readFixed32());
            default -> r.skip(tag & 7);
          }
        }
      } catch (MalformedRequestException e) {
        throw new IllegalStateException("link bytes changed after validation", e);
      }
      traceId.hexOf(rawTraceId);
      spanId.hexOf(rawSpanId);
    }
  }
}
