package io.otlake.proto.signals;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.otlake.proto.ByteHash;
import io.otlake.proto.RecordKey;
import io.otlake.proto.Signal;
import io.otlake.proto.SignalContract;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedRequest;
import io.otlake.proto.wire.WireReader;
import io.otlake.proto.wire.WireTree;
import java.nio.charset.StandardCharsets;

/**
 * Metrics: resource_metrics (1) -> scope_metrics (2) -> metrics (2) -> one of gauge (5), sum (7), histogram (9),
 * exponential_histogram (10), summary (11) -> data_points (1), noting each point's start_time_unix_nano (2) and
 * time_unix_nano (3), which every point kind has under the same numbers. The items are data points; a metric's name,
 * description, unit and its kind's fields (temporality, monotonic) are the envelopes above them.
 *
 * <p>The record key is a hash of the point's resource and its metric's name (16 hex digits): every point of a series
 * (resource, metric, attributes) goes to one partition in the order sent, and a metric's points travel together
 * under one copy of its envelope.
 */
public final class MetricContract implements SignalContract {
  public static final MetricContract INSTANCE = new MetricContract();
  /** Slots of the noted fields. */
  public static final int START_TIME = 0;
  public static final int TIME = 1;
  /** The level of metrics (0 resources, 1 scopes, 2 metrics, 3 the metric's kind). */
  public static final int METRIC_LEVEL = 2;
  public static final int KIND_LEVEL = 3;

  private static final int[] NO_LEN = {};
  private static final int[] TIMES = {2, 3};

  public static final WireTree TREE = WireTree.of(ExportMetricsServiceRequest.getDescriptor(),
      WireTree.nest(1, WireTree.nest(2, WireTree.nest(2,
          WireTree.nest(5, WireTree.items(1, NO_LEN, TIMES)),
          WireTree.nest(7, WireTree.items(1, NO_LEN, TIMES)),
          WireTree.nest(9, WireTree.items(1, NO_LEN, TIMES)),
          WireTree.nest(10, WireTree.items(1, NO_LEN, TIMES)),
          WireTree.nest(11, WireTree.items(1, NO_LEN, TIMES))))));

  private MetricContract() {}

  @Override
  public Signal signal() {
    return Signal.METRICS;
  }

  @Override
  public WireTree tree() {
    return TREE;
  }

  @Override
  public RecordKey key(ScannedRequest r, int point) {
    long h = Resources.hash(r, r.resourceOf(point));
    int metric = r.ancestor(point, METRIC_LEVEL);
    int[] name = nameRange(r, metric);
    h = ByteHash.hash64(r.bytes(), name[0], name[1], h);
    return RecordKey.text(Resources.hex(h));
  }

  /** The metric's kind: gauge, sum, histogram, exponential_histogram or summary. */
  public static String kind(ScannedRequest r, int point) {
    return r.levelOf(KIND_LEVEL, r.ancestor(point, KIND_LEVEL)).name();
  }

  /** The name of the metric a point belongs to. */
  public static String name(ScannedRequest r, int point) {
    int[] name = nameRange(r, r.ancestor(point, METRIC_LEVEL));
    return new String(r.bytes(), name[0], name[1], StandardCharsets.UTF_8);
  }

  /** Offset and length of a metric's name (field 1) in its envelope; length 0 without one (the last one counts). */
  private static int[] nameRange(ScannedRequest r, int metric) {
    int[] found = {0, 0};
    byte[] b = r.bytes();
    try {
      for (int i = 0; i < r.rangeCount(METRIC_LEVEL, metric); i++) {
        WireReader field = new WireReader(b, r.rangeOffset(METRIC_LEVEL, metric, i),
            r.rangeLength(METRIC_LEVEL, metric, i));
        if (field.readTag() == (1 << 3 | WireReader.LEN)) {
          found[1] = field.readLength();
          found[0] = field.pos;
        }
      }
    } catch (MalformedRequestException e) {
      throw new IllegalStateException("bytes the scan checked did not read again", e);
    }
    return found;
  }

  @Override
  public String describe(ScannedRequest r, int point) {
    return kind(r, point) + " point of metric '" + name(r, point) + "'";
  }
}
