package io.otlake.writer.signals.metrics;

import io.otlake.proto.signals.MetricContract;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedRequest;
import io.otlake.proto.wire.WireReader;
import io.otlake.writer.decode.AttrList;
import io.otlake.writer.decode.Envelopes;
import io.otlake.writer.decode.Slice;
import io.otlake.writer.parquet.XxHash64;
import io.otlake.writer.signals.ItemView;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * One data point of a scanned OTLP metrics request, read straight from the wire bytes, with its metric, scope and
 * resource: what the five metric tables' mappers consume. One instance is reused for every point ({@link #moveTo});
 * resources and scopes are parsed once per distinct bytes ({@link Envelopes}), a metric's name, description, unit,
 * metadata and its kind's temporality and monotonicity once per metric; strings stay byte ranges of the request.
 *
 * <p>Where protobuf would merge (a metric's kind or an exponential histogram's buckets sent twice), this reads the
 * fields in order with the last value winning and repeated values appended, as protobuf's parser does.
 */
public final class MetricView implements ItemView {
  /** The point kinds, as indexes of {@link MetricsSignal#tables()}. */
  static final int GAUGE = 0;
  static final int SUM = 1;
  static final int HISTOGRAM = 2;
  static final int EXPONENTIAL_HISTOGRAM = 3;
  static final int SUMMARY = 4;

  /** Per kind: the kind's field in Metric, and its points' attributes, flags and exemplars fields. */
  private static final int[] KIND_FIELD = {5, 7, 9, 10, 11};
  private static final int[] ATTRIBUTES_FIELD = {7, 7, 9, 1, 7};
  private static final int[] FLAGS_FIELD = {8, 8, 10, 10, 8};
  private static final int[] EXEMPLARS_FIELD = {5, 5, 8, 11, -1};

  /**
   * The identity hash's seeds, random per process: identities only need to agree within the process (the dedup
   * window is rebuilt from Kafka by the process that uses it), and a seed nobody knows keeps crafted collisions out.
   */
  private static final long[] SEEDS = seeds();

  private ScannedRequest r;
  private byte[] b;
  /** Counts requests, so a cached resource or scope knows whether it was read for the current one. */
  private final Envelopes envelopes = new Envelopes();
  private Envelopes.Resource resource;
  private Envelopes.Scope scope;
  private int scopeNode = -1;
  private int metricNode = -1;
  private int kindNode = -1;
  private int pointIndex;
  /** Identity hashes (one per seed) of the resource and scope, and of those plus the metric's header. */
  private final long[] scopeHash = new long[3];
  private final long[] metricHash = new long[3];

  // the metric
  private int kind;
  private final Slice name = new Slice();
  private final Slice description = new Slice();
  private final Slice unit = new Slice();
  private final AttrList metadata = new AttrList();
  private int temporality;
  private boolean monotonic;

  // the point
  private long startNanos;
  private long timeNanos;
  private long flags;
  private final AttrList attributes = new AttrList();
  private final Exemplars exemplars = new Exemplars();
  private final Number number = new Number();
  private long count;
  private boolean hasSum;
  private double sum;
  private boolean hasMin;
  private double min;
  private boolean hasMax;
  private double max;
  private final Longs bucketCounts = new Longs();
  private final Doubles explicitBounds = new Doubles();
  private int scale;
  private long zeroCount;
  private double zeroThreshold;
  private int positiveOffset;
  private final Longs positiveCounts = new Longs();
  private int negativeOffset;
  private final Longs negativeCounts = new Longs();
  private final Doubles quantiles = new Doubles();
  private final Doubles quantileValues = new Doubles();

  @Override
  public void reset(byte[] request) throws MalformedRequestException {
    r = ScannedRequest.scan(request, MetricContract.TREE);
    b = request;
    envelopes.reset();
    scopeNode = -1;
    metricNode = -1;
    kindNode = -1;
  }

  @Override
  public int itemCount() {
    return r.itemCount();
  }

  @Override
  public void moveTo(int point) {
    try {
      int kn = r.ancestor(point, MetricContract.KIND_LEVEL);
      if (kn != kindNode) {
        int mn = r.parentOf(MetricContract.KIND_LEVEL, kn);
        int sc = r.parentOf(MetricContract.METRIC_LEVEL, mn);
        if (sc != scopeNode) {
          int res = r.parentOf(1, sc);
          resource = envelopes.resource(r, res);
          scope = envelopes.scope(r, sc);
          scopeHash(res, sc);
          scopeNode = sc;
        }
        if (mn != metricNode) {
          readMetric(mn, kn);
          metricNode = mn;
        }
        kindNode = kn;
      }
      pointIndex = point;
      readPoint(r.itemOffset(point), r.itemLength(point));
    } catch (MalformedRequestException e) {
      throw new IllegalStateException("data point bytes changed after validation", e);
    }
  }

  @Override
  public int table() {
    return kind;
  }

  @Override
  public long timestampMicros() {
    return Math.floorDiv(timeNanos, 1000);
  }

  @Override
  public String serviceName() {
    return resource.serviceName();
  }

  /**
   * Three 64-bit hashes, seeded per process, of the point's bytes, its metric's envelope (name, description, unit,
   * metadata), its kind and the kind's envelope (temporality, monotonic), its scope's and its resource's envelopes.
   */
  @Override
  public void identity(byte[] out) {
    int off = r.itemOffset(pointIndex);
    int len = r.itemLength(pointIndex);
    for (int j = 0; j < 3; j++) {
      long h = XxHash64.hash(b, off, len, metricHash[j]);
      for (int k = 0; k < 8; k++) {
        out[j * 8 + k] = (byte) (h >>> (56 - 8 * k));
      }
    }
  }

  // ---- the row's values ----

  /** The point's kind: {@link #GAUGE}, {@link #SUM}, ... */
  int kind() {
    return kind;
  }

  long timeNanos() {
    return timeNanos;
  }

  /** The start time in microseconds, or null when the point has none (0). */
  long startMicros() {
    return Math.floorDiv(startNanos, 1000);
  }

  boolean hasStart() {
    return startNanos != 0;
  }

  Slice name() {
    return name;
  }

  Slice description() {
    return orNull(description);
  }

  Slice unit() {
    return orNull(unit);
  }

  AttrList metadata() {
    return metadata;
  }

  /** The kind's aggregation temporality (sum, histogram, exponential histogram): the OTLP enum's number. */
  int temporality() {
    return temporality;
  }

  boolean monotonic() {
    return monotonic;
  }

  long flags() {
    return flags;
  }

  AttrList attributes() {
    return attributes;
  }

  Exemplars exemplars() {
    return exemplars;
  }

  /** A gauge's or sum's value. */
  Number number() {
    return number;
  }

  long count() {
    return count;
  }

  /** Whether the point has a sum: always for a summary, when set for the histograms (optional in proto3). */
  boolean hasSum() {
    return hasSum;
  }

  double sum() {
    return sum;
  }

  boolean hasMin() {
    return hasMin;
  }

  double min() {
    return min;
  }

  boolean hasMax() {
    return hasMax;
  }

  double max() {
    return max;
  }

  Longs bucketCounts() {
    return bucketCounts;
  }

  Doubles explicitBounds() {
    return explicitBounds;
  }

  int scale() {
    return scale;
  }

  long zeroCount() {
    return zeroCount;
  }

  double zeroThreshold() {
    return zeroThreshold;
  }

  int positiveOffset() {
    return positiveOffset;
  }

  Longs positiveCounts() {
    return positiveCounts;
  }

  int negativeOffset() {
    return negativeOffset;
  }

  Longs negativeCounts() {
    return negativeCounts;
  }

  Doubles quantiles() {
    return quantiles;
  }

  Doubles quantileValues() {
    return quantileValues;
  }

  /** The metric's name and the point's time, for messages. */
  @Override
  public String toString() {
    return name + "@" + timeNanos;
  }

  static Slice orNull(Slice s) {
    return s.len == 0 ? null : s;
  }

  // ---- reading ----

  private void scopeHash(int res, int sc) {
    for (int j = 0; j < 3; j++) {
      long h = SEEDS[j];
      h = hashRanges(0, res, h) ^ 0x1L;
      scopeHash[j] = hashRanges(1, sc, h) ^ 0x2L;
    }
  }

  private long hashRanges(int level, int node, long h) {
    for (int i = 0, n = r.rangeCount(level, node); i < n; i++) {
      h = XxHash64.hash(b, r.rangeOffset(level, node, i), r.rangeLength(level, node, i), h);
    }
    return h;
  }

  /** Reads the metric's envelope and its kind nodes' envelopes (several when the kind field came more than once). */
  private void readMetric(int mn, int kn) throws MalformedRequestException {
    name.set(b, 0, 0);
    description.set(b, 0, 0);
    unit.set(b, 0, 0);
    metadata.clear(b);
    for (int i = 0, n = r.rangeCount(MetricContract.METRIC_LEVEL, mn); i < n; i++) {
      WireReader w = new WireReader(b, r.rangeOffset(MetricContract.METRIC_LEVEL, mn, i),
          r.rangeLength(MetricContract.METRIC_LEVEL, mn, i));
      int tag = w.readTag();
      switch (tag) {
        case 1 << 3 | WireReader.LEN -> name.readFrom(w);
        case 2 << 3 | WireReader.LEN -> description.readFrom(w);
        case 3 << 3 | WireReader.LEN -> unit.readFrom(w);
        case 12 << 3 | WireReader.LEN -> metadata.add(w);
        default -> { } // unknown fields: kept in the identity, not in a column
      }
    }
    int field = r.levelOf(MetricContract.KIND_LEVEL, kn).tag() >>> 3;
    kind = Arrays.binarySearch(KIND_FIELD, field);
    temporality = 0;
    monotonic = false;
    int first = kn;
    while (first > 0 && r.parentOf(MetricContract.KIND_LEVEL, first - 1) == mn) {
      first--;
    }
    for (int j = 0; j < 3; j++) {
      metricHash[j] = hashRanges(MetricContract.METRIC_LEVEL, mn, scopeHash[j]) ^ (0x10L + kind);
    }
    for (int k = first; k < r.nodeCount(MetricContract.KIND_LEVEL)
        && r.parentOf(MetricContract.KIND_LEVEL, k) == mn; k++) {
      for (int i = 0, n = r.rangeCount(MetricContract.KIND_LEVEL, k); i < n; i++) {
        WireReader w = new WireReader(b, r.rangeOffset(MetricContract.KIND_LEVEL, k, i),
            r.rangeLength(MetricContract.KIND_LEVEL, k, i));
        int tag = w.readTag();
        if (kind != GAUGE && kind != SUMMARY && tag == (2 << 3 | WireReader.VARINT)) {
          temporality = (int) w.readVarint();
        } else if (kind == SUM && tag == (3 << 3 | WireReader.VARINT)) {
          monotonic = w.readVarint() != 0;
        }
      }
      for (int j = 0; j < 3; j++) {
        metricHash[j] = hashRanges(MetricContract.KIND_LEVEL, k, metricHash[j]) ^ 0x100L;
      }
    }
  }

  private void clearPoint() {
    startNanos = 0;
    timeNanos = 0;
    flags = 0;
    attributes.clear(b);
    exemplars.count = 0;
    number.clear();
    count = 0;
    hasSum = kind == SUMMARY;
    sum = 0;
    hasMin = false;
    min = 0;
    hasMax = false;
    max = 0;
    bucketCounts.size = 0;
    explicitBounds.size = 0;
    scale = 0;
    zeroCount = 0;
    zeroThreshold = 0;
    positiveOffset = 0;
    positiveCounts.size = 0;
    negativeOffset = 0;
    negativeCounts.size = 0;
    quantiles.size = 0;
    quantileValues.size = 0;
  }

  private void readPoint(int off, int len) throws MalformedRequestException {
    clearPoint();
    int attributesField = ATTRIBUTES_FIELD[kind];
    int flagsField = FLAGS_FIELD[kind];
    int exemplarsField = EXEMPLARS_FIELD[kind];
    WireReader w = new WireReader(b, off, len);
    while (!w.atEnd()) {
      int tag = w.readTag();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (field == 2 && wire == WireReader.I64) {
        startNanos = w.readFixed64();
      } else if (field == 3 && wire == WireReader.I64) {
        timeNanos = w.readFixed64();
      } else if (field == attributesField && wire == WireReader.LEN) {
        attributes.add(w);
      } else if (field == flagsField && wire == WireReader.VARINT) {
        flags = Integer.toUnsignedLong((int) w.readVarint());
      } else if (field == exemplarsField && wire == WireReader.LEN) {
        exemplars.add(w);
      } else if (!kindField(field, wire, w)) {
        w.skip(wire);
      }
    }
  }

  /** Reads a field of the kind's own; false when the field is not one. */
  private boolean kindField(int field, int wire, WireReader w) throws MalformedRequestException {
    switch (kind) {
      case GAUGE, SUM -> {
        if ((field == 4 || field == 6) && wire == WireReader.I64) {
          number.set(field == 6, w.readFixed64());
          return true;
        }
        return false;
      }
      case HISTOGRAM -> {
        if (wire == WireReader.I64 && field >= 4 && field <= 12) {
          long v = w.readFixed64();
          switch (field) {
            case 4 -> count = v;
            case 5 -> { hasSum = true; sum = Double.longBitsToDouble(v); }
            case 6 -> bucketCounts.add(v);
            case 7 -> explicitBounds.add(Double.longBitsToDouble(v));
            case 11 -> { hasMin = true; min = Double.longBitsToDouble(v); }
            case 12 -> { hasMax = true; max = Double.longBitsToDouble(v); }
            default -> { } // an unknown fixed64 field
          }
          return true;
        }
        if (wire == WireReader.LEN && (field == 6 || field == 7)) {
          int l = w.readLength();
          for (int end = w.pos + l; w.pos < end; ) {
            long v = w.readFixed64();
            if (field == 6) {
              bucketCounts.add(v);
            } else {
              explicitBounds.add(Double.longBitsToDouble(v));
            }
          }
          return true;
        }
        return false;
      }
      case EXPONENTIAL_HISTOGRAM -> {
        if (wire == WireReader.I64 && (field == 4 || field == 5 || field == 7 || field >= 12 && field <= 14)) {
          long v = w.readFixed64();
          switch (field) {
            case 4 -> count = v;
            case 5 -> { hasSum = true; sum = Double.longBitsToDouble(v); }
            case 7 -> zeroCount = v;
            case 12 -> { hasMin = true; min = Double.longBitsToDouble(v); }
            case 13 -> { hasMax = true; max = Double.longBitsToDouble(v); }
            default -> zeroThreshold = Double.longBitsToDouble(v);
          }
          return true;
        }
        if (wire == WireReader.VARINT && field == 6) {
          scale = zigZag((int) w.readVarint());
          return true;
        }
        if (wire == WireReader.LEN && (field == 8 || field == 9)) {
          int l = w.readLength();
          int end = w.pos + l;
          int offset = buckets(new WireReader(b, w.pos, l), field == 8 ? positiveCounts : negativeCounts,
              field == 8 ? positiveOffset : negativeOffset);
          if (field == 8) {
            positiveOffset = offset;
          } else {
            negativeOffset = offset;
          }
          w.pos = end;
          return true;
        }
        return false;
      }
      default -> {
        if (wire == WireReader.I64 && (field == 4 || field == 5)) {
          long v = w.readFixed64();
          if (field == 4) {
            count = v;
          } else {
            sum = Double.longBitsToDouble(v);
          }
          return true;
        }
        if (wire == WireReader.LEN && field == 6) {
          int l = w.readLength();
          quantile(new WireReader(b, w.pos, l));
          w.pos += l;
          return true;
        }
        return false;
      }
    }
  }

  /** Reads an exponential histogram's Buckets into {@code counts} (appending); returns the offset after it. */
  private static int buckets(WireReader w, Longs counts, int offset) throws MalformedRequestException {
    while (!w.atEnd()) {
      int tag = w.readTag();
      if (tag == (1 << 3 | WireReader.VARINT)) {
        offset = zigZag((int) w.readVarint());
      } else if (tag == (2 << 3 | WireReader.VARINT)) {
        counts.add(w.readVarint());
      } else if (tag == (2 << 3 | WireReader.LEN)) {
        int l = w.readLength();
        for (int end = w.pos + l; w.pos < end; ) {
          counts.add(w.readVarint());
        }
      } else {
        w.skip(tag & 7);
      }
    }
    return offset;
  }

  private void quantile(WireReader w) throws MalformedRequestException {
    double q = 0;
    double v = 0;
    while (!w.atEnd()) {
      int tag = w.readTag();
      if (tag == (1 << 3 | WireReader.I64)) {
        q = Double.longBitsToDouble(w.readFixed64());
      } else if (tag == (2 << 3 | WireReader.I64)) {
        v = Double.longBitsToDouble(w.readFixed64());
      } else {
        w.skip(tag & 7);
      }
    }
    quantiles.add(q);
    quantileValues.add(v);
  }

  private static int zigZag(int n) {
    return (n >>> 1) ^ -(n & 1);
  }

  private static long[] seeds() {
    SecureRandom random = new SecureRandom();
    return new long[] {random.nextLong(), random.nextLong(), random.nextLong()};
  }

  /** A NumberDataPoint's or an Exemplar's value (a oneof: as_double, as_int or none; the last one sent wins). */
  static final class Number {
    /** 0 none, 1 as_double, 2 as_int. */
    private int valueCase;
    private long bits;

    void set(boolean isInt, long bits) {
      this.valueCase = isInt ? 2 : 1;
      this.bits = bits;
    }

    void clear() {
      valueCase = 0;
      bits = 0;
    }

    boolean present() {
      return valueCase != 0;
    }

    boolean isInt() {
      return valueCase == 2;
    }

    /** The value as a double (an as_int converted). */
    double asDouble() {
      return valueCase == 2 ? (double) bits : Double.longBitsToDouble(bits);
    }

    /** The exact as_int value. */
    long asInt() {
      return bits;
    }
  }

  /** A growable list of longs, reused from point to point. */
  static final class Longs {
    private long[] values = new long[16];
    int size;

    void add(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    int size() {
      return size;
    }

    long get(int i) {
      return values[i];
    }
  }

  /** A growable list of doubles, reused from point to point. */
  static final class Doubles {
    private double[] values = new double[16];
    int size;

    void add(double v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    int size() {
      return size;
    }

    double get(int i) {
      return values[i];
    }
  }

  /** The point's exemplars: where each lies, read into one reused view on demand. */
  final class Exemplars {
    int count;
    private int[] off = new int[4];
    private int[] len = new int[4];
    private final Exemplar view = new Exemplar();

    void add(WireReader w) throws MalformedRequestException {
      int l = w.readLength();
      if (count == off.length) {
        off = Arrays.copyOf(off, count * 2);
        len = Arrays.copyOf(len, count * 2);
      }
      off[count] = w.pos;
      len[count++] = l;
      w.pos += l;
    }

    int count() {
      return count;
    }

    Exemplar get(int i) {
      try {
        view.read(b, off[i], len[i]);
      } catch (MalformedRequestException e) {
        throw new IllegalStateException("exemplar bytes changed after validation", e);
      }
      return view;
    }
  }

  /** One exemplar of the current point. */
  static final class Exemplar {
    private final Slice rawTraceId = new Slice();
    private final Slice rawSpanId = new Slice();
    private final Slice traceId = new Slice();
    private final Slice spanId = new Slice();
    private final AttrList filteredAttributes = new AttrList();
    private long timeNanos;
    private final Number value = new Number();

    void read(byte[] b, int off, int len) throws MalformedRequestException {
      rawTraceId.set(b, 0, 0);
      rawSpanId.set(b, 0, 0);
      filteredAttributes.clear(b);
      timeNanos = 0;
      value.clear();
      WireReader w = new WireReader(b, off, len);
      while (!w.atEnd()) {
        int tag = w.readTag();
        switch (tag) {
          case 2 << 3 | WireReader.I64 -> timeNanos = w.readFixed64();
          case 3 << 3 | WireReader.I64 -> value.set(false, w.readFixed64());
          case 6 << 3 | WireReader.I64 -> value.set(true, w.readFixed64());
          case 4 << 3 | WireReader.LEN -> rawSpanId.readFrom(w);
          case 5 << 3 | WireReader.LEN -> rawTraceId.readFrom(w);
          case 7 << 3 | WireReader.LEN -> filteredAttributes.add(w);
          default -> w.skip(tag & 7);
        }
      }
      traceId.hexOf(rawTraceId);
      spanId.hexOf(rawSpanId);
    }

    boolean hasTime() {
      return timeNanos != 0;
    }

    long timeMicros() {
      return Math.floorDiv(timeNanos, 1000);
    }

    Number value() {
      return value;
    }

    /** Lower-case hex, or null when the exemplar has no trace id. */
    Slice traceId() {
      return orNull(traceId);
    }

    Slice spanId() {
      return orNull(spanId);
    }

    AttrList filteredAttributes() {
      return filteredAttributes;
    }
  }

  /** The current item's resource (its fields, read once per distinct bytes). */
  Envelopes.Resource resource() {
    return resource;
  }

  /** The current item's scope. */
  Envelopes.Scope scope() {
    return scope;
  }
}
