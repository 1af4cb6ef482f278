package io.otlake.writer.signals.logs;

import io.otlake.proto.signals.LogContract;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedRequest;
import io.otlake.proto.wire.WireReader;
import io.otlake.writer.decode.AttrList;
import io.otlake.writer.decode.Envelopes;
import io.otlake.writer.decode.Slice;
import io.otlake.writer.decode.ValueText;
import io.otlake.writer.parquet.XxHash64;
import io.otlake.writer.signals.ItemView;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * One log record of a scanned {@code ExportLogsServiceRequest}, with its resource and scope, read straight from the
 * record's bytes ({@link ScannedRequest} with {@link LogContract#TREE}): the row {@link LogColumns} writes. One
 * instance is reused for every record ({@link #moveTo}); resources and scopes are parsed once per distinct bytes
 * ({@link Envelopes}); strings are slices of the bytes, attributes wire KeyValues ({@link AttrList}), the body's text
 * made only for bodies that are not strings ({@link ValueText}). No protobuf message is built.
 */
public final class LogView implements ItemView {
  /** Seeds of the identity's three hashes, random per process (see {@link #identity}). */
  private static final long[] SEEDS = seeds();

  private final Envelopes envelopes = new Envelopes(SEEDS);
  private ScannedRequest scanned;
  private byte[] b;
  Envelopes.Resource resource;
  Envelopes.Scope scope;
  private int itemOff;
  private int itemLen;

  long timeNanos;
  long observedNanos;
  int severityNumber;
  final Slice severityText = new Slice();
  private final Slice rawTraceId = new Slice();
  private final Slice rawSpanId = new Slice();
  final Slice traceId = new Slice();
  final Slice spanId = new Slice();
  long flags;
  final Slice eventName = new Slice();
  final AttrList attributes = new AttrList();
  int droppedAttributes;
  private final ValueText body = new ValueText();
  private boolean hasBody;

  private static long[] seeds() {
    SecureRandom random = new SecureRandom();
    return new long[] {random.nextLong(), random.nextLong(), random.nextLong()};
  }

  @Override
  public void reset(byte[] request) throws MalformedRequestException {
    scanned = ScannedRequest.scan(request, LogContract.TREE);
    b = request;
    envelopes.reset();
  }

  @Override
  public int itemCount() {
    return scanned.itemCount();
  }

  @Override
  public void moveTo(int item) {
    try {
      resource = envelopes.resource(scanned, scanned.resourceOf(item));
      scope = envelopes.scope(scanned, scanned.ancestor(item, 1));
      itemOff = scanned.itemOffset(item);
      itemLen = scanned.itemLength(item);
      readRecord(itemOff, itemLen);
    } catch (MalformedRequestException e) {
      throw new IllegalStateException("log record bytes changed after validation", e);
    }
  }

  @Override
  public int table() {
    return 0;
  }

  /** The record's time, or its observed time when the time is unset (as {@link LogContract#time}), in µs. */
  @Override
  public long timestampMicros() {
    return Math.floorDiv(timeNanos != 0 ? timeNanos : observedNanos, 1000);
  }

  @Override
  public String serviceName() {
    return resource.serviceName();
  }

  /**
   * Three 64-bit hashes, each with its own random seed, of the record's bytes and its resource's and scope's: a log
   * record sent twice (a client's retry, which arrives under the same record key) has the same bytes and envelopes.
   * The seeds are random per process (the dedup window is rebuilt from Kafka by the process that uses it), so a
   * client cannot craft two records that collide; 192 bits make an accidental collision negligible.
   */
  @Override
  public void identity(byte[] out) {
    for (int k = 0; k < 3; k++) {
      long envelope = resource.hash(k) * 0x9E3779B97F4A7C15L + scope.hash(k);
      long h = XxHash64.hash(b, itemOff, itemLen, SEEDS[k] ^ envelope);
      for (int i = 0; i < 8; i++) {
        out[k * 8 + i] = (byte) (h >>> (56 - 8 * i));
      }
    }
  }

  // the row's values, as the table's columns hold them: empty optional strings are null

  /** time_unix_nano as sent; 0 when unset. */
  public long timeUnixNano() {
    return timeNanos;
  }

  /** observed_time_unix_nano as sent; 0 when unset. */
  public long observedTimeUnixNano() {
    return observedNanos;
  }

  public int severityNumber() {
    return severityNumber;
  }

  public Slice severityText() {
    return orNull(severityText);
  }

  /** The trace id in lower-case hex, or null when the record has none. */
  public Slice traceId() {
    return rawTraceId.len == 0 ? null : traceId;
  }

  public Slice spanId() {
    return rawSpanId.len == 0 ? null : spanId;
  }

  public long flags() {
    return flags;
  }

  public Slice eventName() {
    return orNull(eventName);
  }

  /** The body as text (see {@link io.otlake.writer.decode.AttributeText}), or null when the record has none. */
  public Slice body() {
    return hasBody ? body.text() : null;
  }

  /** The body's OTLP type when it is not a string; null for a string body and for none (an empty value is none). */
  public Slice bodyType() {
    return hasBody ? body.type() : null;
  }

  public AttrList attributes() {
    return attributes;
  }

  public int droppedAttributes() {
    return droppedAttributes;
  }

  private static Slice orNull(Slice s) {
    return s.len == 0 ? null : s;
  }

  private void readRecord(int off, int len) throws MalformedRequestException {
    timeNanos = 0;
    observedNanos = 0;
    severityNumber = 0;
    severityText.set(b, 0, 0);
    rawTraceId.set(b, 0, 0);
    rawSpanId.set(b, 0, 0);
    flags = 0;
    eventName.set(b, 0, 0);
    attributes.clear(b);
    droppedAttributes = 0;
    hasBody = false;
    int bodyOff = 0;
    int bodyLen = 0;
    byte[] mergedBody = null;
    WireReader r = new WireReader(b, off, len);
    while (!r.atEnd()) {
      int tag = r.readTag();
      switch (tag) {
        case 1 << 3 | WireReader.I64 -> timeNanos = r.readFixed64();
        case 11 << 3 | WireReader.I64 -> observedNanos = r.readFixed64();
        case 2 << 3 | WireReader.VARINT -> severityNumber = (int) r.readVarint();
        case 3 << 3 | WireReader.LEN -> severityText.readFrom(r);
        case 5 << 3 | WireReader.LEN -> {
          int l = r.readLength();
          if (hasBody) {
            // the body sent in several fields: protobuf merges them, as one message of their bytes in a row
            byte[] before = mergedBody != null ? mergedBody : Arrays.copyOfRange(b, bodyOff, bodyOff + bodyLen);
            mergedBody = Arrays.copyOf(before, before.length + l);
            System.arraycopy(b, r.pos, mergedBody, before.length, l);
          } else {
            bodyOff = r.pos;
            bodyLen = l;
          }
          hasBody = true;
          r.pos += l;
        }
        case 6 << 3 | WireReader.LEN -> attributes.add(r);
        case 7 << 3 | WireReader.VARINT -> droppedAttributes = (int) r.readVarint();
        case 8 << 3 | WireReader.I32 -> flags = Integer.toUnsignedLong(r.readFixed32());
        case 9 << 3 | WireReader.LEN -> rawTraceId.readFrom(r);
        case 10 << 3 | WireReader.LEN -> rawSpanId.readFrom(r);
        case 12 << 3 | WireReader.LEN -> eventName.readFrom(r);
        default -> r.skip(tag & 7);
      }
    }
    if (mergedBody != null) {
      body.read(mergedBody, 0, mergedBody.length);
    } else if (hasBody) {
      body.read(b, bodyOff, bodyLen);
    }
    // An AnyValue with no value is no body: OTLP/JSON encoders write "body":{} for a record without one (the JS SDK
    // does), protobuf ones leave the field out, and the OTLP data model (like the Collector's pdata) has one empty
    // body for both. Either way the row's body and body_type are null.
    hasBody = hasBody && !body.isEmpty();
    traceId.hexOf(rawTraceId);
    spanId.hexOf(rawSpanId);
  }

  /** The current record's position in the request, for messages. */
  @Override
  public String toString() {
    return "log record at " + itemOff;
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
