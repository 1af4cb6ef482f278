package io.otlake.writer.signals.traces;

import io.otlake.writer.decode.Slice;
import io.otlake.writer.decode.Envelopes;
import io.otlake.writer.decode.AttrList;
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
  private static final byte[][] KINDS = {
      ascii("UNSPECIFIED"), ascii("INTERNAL"), ascii("SERVER"), ascii("CLIENT"), ascii("PRODUCER"), ascii("CONSUMER")};

  private ScannedTraces t;
  private byte[] b;

  /** Resources and scopes, each parsed once per distinct bytes (shared with the other signals' views). */
  private final Envelopes envelopes = new Envelopes();
  Envelopes.Resource resource;
  Envelopes.Scope scope;

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
    envelopes.reset();
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
      resource = envelopes.resource(t.request(), res);
      scope = envelopes.scope(t.request(), sc);
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
    return resource.serviceName();
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

  /** The current item's resource (its fields, read once per distinct bytes). */
  public Envelopes.Resource resource() {
    return resource;
  }

  /** The current item's scope. */
  public Envelopes.Scope scope() {
    return scope;
  }
}
