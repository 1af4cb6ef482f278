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
public final class SpanView {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SERVICE_NAME = "service.name".getBytes(StandardCharsets.UTF_8);
  private static final byte[][] KINDS = {
      ascii("UNSPECIFIED"), ascii("INTERNAL"), ascii("SERVER"), ascii("CLIENT"), ascii("PRODUCER"), ascii("CONSUMER")};

  private ScannedTraces t;
  private byte[] b;

  // resources and scopes of the current request, each read once (spans of a trace switch between them often)
  private final java.util.ArrayList<ResourceState> resources = new java.util.ArrayList<>();
  private final java.util.ArrayList<ScopeState> scopes = new java.util.ArrayList<>();
  private int resourcesRead;
  private int scopesRead;
  private long[] resourceReadIn = new long[8];
  private long[] scopeReadIn = new long[8];
  private long requestNo;
  ResourceState resource;
  ScopeState scope;

  // span
  private byte[] hex = new byte[32 + 16 + 16];
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

  /** The current span's id in hex. */
  @Override
  public String toString() {
    return spanId.toString();
  }

  public String serviceName() {
    return resource.serviceName;
  }

  private ResourceState resourceState(int res) throws MalformedRequestException {
    while (resources.size() <= res) {
      resources.add(new ResourceState());
    }
    if (resourceReadIn.length <= res) {
      resourceReadIn = Arrays.copyOf(resourceReadIn, 2 * (res + 1));
    }
    ResourceState state = resources.get(res);
    if (resourceReadIn[res] != requestNo) {
      state.read(res);
      resourceReadIn[res] = requestNo;
    }
    return state;
  }

  private ScopeState scopeState(int sc) throws MalformedRequestException {
    while (scopes.size() <= sc) {
      scopes.add(new ScopeState());
    }
    if (scopeReadIn.length <= sc) {
      scopeReadIn = Arrays.copyOf(scopeReadIn, 2 * (sc + 1));
    }
    ScopeState state = scopes.get(sc);
    if (scopeReadIn[sc] != requestNo) {
      state.read(sc);
      scopeReadIn[sc] = requestNo;
    }
    return state;
  }

  /** A resource's fields, read once per request. */
  final class ResourceState {
    final AttrList resourceAttributes = new AttrList();
    int resourceDropped;
    final Slice resourceSchemaUrl = new Slice();
    boolean hasResourceSchemaUrl;
    String serviceName;
    final Slice serviceNameSlice = new Slice();

    private void read(int res) throws MalformedRequestException {
      resourceAttributes.clear(b);
      resourceDropped = 0;
      hasResourceSchemaUrl = false;
      for (int i = 0; i < t.resourceRangeCount(res); i++) {
        WireReader r = new WireReader(b, t.resourceRangeOffset(res, i), t.resourceRangeLength(res, i));
        int tag = r.readTag();
        if (tag == (1 << 3 | WireReader.LEN)) {
          int len = r.readLength();
          WireReader rr = new WireReader(b, r.pos, len);
          while (!rr.atEnd()) {
            int ftag = rr.readTag();
            if (ftag == (1 << 3 | WireReader.LEN)) {
              int l = rr.readLength();
              resourceAttributes.add(rr.pos, l);
              rr.pos += l;
            } else if (ftag == (2 << 3 | WireReader.VARINT)) {
              resourceDropped = (int) rr.readVarint();
            } else {
              rr.skip(ftag & 7);
            }
          }
        } else if (tag == (3 << 3 | WireReader.LEN)) {
          int len = r.readLength();
          resourceSchemaUrl.set(b, r.pos, len);
          hasResourceSchemaUrl = len > 0;
        }
      }
      serviceName = resourceAttributes.stringValue(SERVICE_NAME);
      if (serviceName != null) {
        serviceNameSlice.set(serviceName.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /** A scope's fields, read once per request. */
  final class ScopeState {
    final AttrList scopeAttributes = new AttrList();
    final Slice scopeName = new Slice();
    final Slice scopeVersion = new Slice();
    final Slice scopeSchemaUrl = new Slice();
    int scopeDropped;

    private void read(int sc) throws MalformedRequestException {
      scopeAttributes.clear(b);
      scopeName.set(b, 0, 0);
      scopeVersion.set(b, 0, 0);
      scopeSchemaUrl.set(b, 0, 0);
      scopeDropped = 0;
      for (int i = 0; i < t.scopeRangeCount(sc); i++) {
        WireReader r = new WireReader(b, t.scopeRangeOffset(sc, i), t.scopeRangeLength(sc, i));
        int tag = r.readTag();
        if (tag == (1 << 3 | WireReader.LEN)) {
          int len = r.readLength();
          WireReader rr = new WireReader(b, r.pos, len);
          while (!rr.atEnd()) {
            int ftag = rr.readTag();
            switch (ftag) {
              case 1 << 3 | WireReader.LEN -> slice(rr, scopeName);
              case 2 << 3 | WireReader.LEN -> slice(rr, scopeVersion);
              case 3 << 3 | WireReader.LEN -> {
                int l = rr.readLength();
                scopeAttributes.add(rr.pos, l);
                rr.pos += l;
              }
              case 4 << 3 | WireReader.VARINT -> scopeDropped = (int) rr.readVarint();
              default -> rr.skip(ftag & 7);
            }
          }
        } else if (tag == (3 << 3 | WireReader.LEN)) {
          slice(r, scopeSchemaUrl);
        }
      }
    }
  }

  private void readSpan(int off, int len) throws MalformedRequestException {
    int traceOff = off;
    int traceLen = 0;
    int spanOff = off;
    int spanLen = 0;
    int parentOff = off;
    int parentLen = 0;
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
        case 1 << 3 | WireReader.LEN -> {
          traceLen = r.readLength();
          traceOff = r.pos;
          r.pos += traceLen;
        }
        case 2 << 3 | WireReader.LEN -> {
          spanLen = r.readLength();
          spanOff = r.pos;
          r.pos += spanLen;
        }
        case 3 << 3 | WireReader.LEN -> slice(r, traceState);
        case 4 << 3 | WireReader.LEN -> {
          parentLen = r.readLength();
          parentOff = r.pos;
          r.pos += parentLen;
        }
        case 5 << 3 | WireReader.LEN -> slice(r, name);
        case 6 << 3 | WireReader.VARINT -> kindValue = (int) r.readVarint();
        case 7 << 3 | WireReader.I64 -> startNanos = r.readFixed64();
        case 8 << 3 | WireReader.I64 -> endNanos = r.readFixed64();
        case 9 << 3 | WireReader.LEN -> {
          int l = r.readLength();
          attributes.add(r.pos, l);
          r.pos += l;
        }
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
    int h = 0;
    traceId.set(hex, h, hex(traceOff, traceLen, h));
    h += traceId.len;
    spanId.set(hex, h, hex(spanOff, spanLen, h));
    h += spanId.len;
    parentSpanId.set(hex, h, hex(parentOff, parentLen, h));
    kind.set(kindValue >= 0 && kindValue < KINDS.length ? KINDS[kindValue] : ascii(Integer.toString(kindValue)));
  }

  private void status(WireReader outer) throws MalformedRequestException {
    int len = outer.readLength();
    WireReader r = new WireReader(b, outer.pos, len);
    outer.pos += len;
    while (!r.atEnd()) {
      int tag = r.readTag();
      if (tag == (2 << 3 | WireReader.LEN)) {
        slice(r, statusMessage);
      } else if (tag == (3 << 3 | WireReader.VARINT)) {
        statusCode = (int) r.readVarint();
      } else {
        r.skip(tag & 7);
      }
    }
  }

  /** Writes {@code len} id bytes as lower-case hex into the scratch buffer at {@code at}; returns the hex length. */
  private int hex(int off, int len, int at) {
    if (hex.length < at + 2 * len) {
      // ids of unusual length (not from our gateway): a new buffer; slices already set keep the old one
      hex = Arrays.copyOf(hex, 2 * (at + 2 * len));
    }
    for (int i = 0; i < len; i++) {
      int v = b[off + i] & 0xff;
      hex[at + 2 * i] = HEX[v >>> 4];
      hex[at + 2 * i + 1] = HEX[v & 0xf];
    }
    return 2 * len;
  }

  static void slice(WireReader r, Slice out) throws MalformedRequestException {
    int len = r.readLength();
    out.set(r.buf(), r.pos, len);
    r.pos += len;
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
            case 2 << 3 | WireReader.LEN -> slice(r, name);
            case 3 << 3 | WireReader.LEN -> {
              int l = r.readLength();
              attributes.add(r.pos, l);
              r.pos += l;
            }
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
    private byte[] hex = new byte[48];
    final Slice traceId = new Slice();
    final Slice spanId = new Slice();
    final Slice traceState = new Slice();
    final AttrList attributes = new AttrList();
    int dropped;
    long flags;

    void read(byte[] b, int off, int len) {
      traceState.set(b, 0, 0);
      attributes.clear(b);
      dropped = 0;
      flags = 0;
      int traceOff = off;
      int traceLen = 0;
      int spanOff = off;
      int spanLen = 0;
      try {
        WireReader r = new WireReader(b, off, len);
        while (!r.atEnd()) {
          int tag = r.readTag();
          switch (tag) {
            case 1 << 3 | WireReader.LEN -> {
              traceLen = r.readLength();
              traceOff = r.pos;
              r.pos += traceLen;
            }
            case 2 << 3 | WireReader.LEN -> {
              spanLen = r.readLength();
              spanOff = r.pos;
              r.pos += spanLen;
            }
            case 3 << 3 | WireReader.LEN -> slice(r, traceState);
            case 4 << 3 | WireReader.LEN -> {
              int l = r.readLength();
              attributes.add(r.pos, l);
              r.pos += l;
            }
            case 5 << 3 | WireReader.VARINT -> dropped = (int) r.readVarint();
            case 6 << 3 | WireReader.I32 -> flags = Integer.toUnsignedLong(r.readFixed32());
            default -> r.skip(tag & 7);
          }
        }
      } catch (MalformedRequestException e) {
        throw new IllegalStateException("link bytes changed after validation", e);
      }
      if (hex.length < 2 * (traceLen + spanLen)) {
        hex = new byte[2 * (traceLen + spanLen)];
      }
      for (int i = 0; i < traceLen; i++) {
        hex[2 * i] = HEX[(b[traceOff + i] & 0xff) >>> 4];
        hex[2 * i + 1] = HEX[b[traceOff + i] & 0xf];
      }
      traceId.set(hex, 0, 2 * traceLen);
      int at = 2 * traceLen;
      for (int i = 0; i < spanLen; i++) {
        hex[at + 2 * i] = HEX[(b[spanOff + i] & 0xff) >>> 4];
        hex[at + 2 * i + 1] = HEX[b[spanOff + i] & 0xf];
      }
      spanId.set(hex, at, 2 * spanLen);
    }
  }
}
