package io.otlake.gateway.receiver;

import io.otlake.gateway.signals.SignalUnit;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedRequest;
import io.otlake.proto.wire.WireReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Bounds what one request of any signal may fan out to downstream: resources (each copied into the record of every
 * key it holds), distinct {@code service.name} values, and table partitions (distinct service name and day of the
 * item's time, the writer's {@code day(time), service_name} partitioning: each one becomes a Parquet file). Checked
 * on the scan after validation, over the items that passed it, in one pass over the resources and one over the items;
 * a request past a limit is refused with a message naming its key.
 */
public final class FanOutLimits {
  public static final String MAX_RESOURCES = "request.max-resources";
  public static final String MAX_SERVICES = "request.max-services";
  public static final String MAX_PARTITIONS = "request.max-partitions";

  /** No limits. */
  public static final FanOutLimits NONE = new FanOutLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);

  private static final byte[] SERVICE_NAME = "service.name".getBytes(StandardCharsets.UTF_8);
  private static final long NANOS_PER_DAY = 86_400_000_000_000L;

  private final int maxResources;
  private final int maxServices;
  private final int maxPartitions;

  public FanOutLimits(int maxResources, int maxServices, int maxPartitions) {
    this.maxResources = maxResources;
    this.maxServices = maxServices;
    this.maxPartitions = maxPartitions;
  }

  /** A limit a request passed: its config key, and the answer's message naming it. */
  record Exceeded(String limit, String message) {}

  /** The first limit the request passes, or null. {@code rejected} items (may be null) do not count. */
  Exceeded check(ScannedRequest r, boolean[] rejected, SignalUnit unit) {
    int resources = r.nodeCount(0);
    if (resources > maxResources) {
      return new Exceeded(MAX_RESOURCES, "request has " + resources + " " + r.levelOf(0, 0).name() + ", over "
          + MAX_RESOURCES + "=" + maxResources + "; send fewer resources per request");
    }
    if (maxServices == Integer.MAX_VALUE && maxPartitions == Integer.MAX_VALUE) {
      return null;
    }
    int[] serviceOf = new int[resources];
    Map<String, Integer> services = new HashMap<>();
    for (int res = 0; res < resources; res++) {
      Integer id = services.putIfAbsent(serviceName(r, res), services.size());
      serviceOf[res] = id == null ? services.size() - 1 : id;
      if (services.size() > maxServices) {
        return new Exceeded(MAX_SERVICES, "request has more than " + maxServices + " distinct service.name values,"
            + " over " + MAX_SERVICES + "=" + maxServices + "; send the " + unit.contract().signal().items()
            + " of fewer services per request");
      }
    }
    Set<Long> partitions = new HashSet<>();
    long last = -1;
    for (int s = 0; s < r.itemCount(); s++) {
      if (rejected != null && rejected[s]) {
        continue;
      }
      long day = Long.divideUnsigned(unit.partitionTimeNanos(r, s), NANOS_PER_DAY);
      long partition = (long) serviceOf[r.resourceOf(s)] << 32 | day;
      if (partition != last && partitions.add(partition) && partitions.size() > maxPartitions) {
        return new Exceeded(MAX_PARTITIONS, "request's " + unit.contract().signal().items() + " fall into more than "
            + maxPartitions + " table partitions (service.name and day), over " + MAX_PARTITIONS + "="
            + maxPartitions + "; send fewer services or days per request");
      }
      last = partition;
    }
    return null;
  }

  /** The resource's {@code service.name} string attribute, or "" without one (the writer's files group those too). */
  static String serviceName(ScannedRequest r, int resource) {
    byte[] b = r.bytes();
    try {
      for (int i = 0; i < r.rangeCount(0, resource); i++) {
        WireReader field = new WireReader(b, r.rangeOffset(0, resource, i), r.rangeLength(0, resource, i));
        if (field.readTag() != (1 << 3 | WireReader.LEN)) {
          continue; // schema_url or an unknown field
        }
        int len = field.readLength();
        WireReader res = new WireReader(b, field.pos, len);
        while (!res.atEnd()) {
          int tag = res.readTag();
          if (tag != (1 << 3 | WireReader.LEN)) {
            res.skip(tag & 7);
            continue;
          }
          int kvLen = res.readLength();
          String value = serviceNameValue(b, res.pos, kvLen);
          if (value != null) {
            return value;
          }
          res.pos += kvLen;
        }
      }
    } catch (MalformedRequestException e) {
      // the scan checked these bytes already; treat the unreadable as unnamed
    }
    return "";
  }

  /** The string value of a KeyValue when its key is service.name, else null. */
  private static String serviceNameValue(byte[] b, int off, int len) throws MalformedRequestException {
    WireReader kv = new WireReader(b, off, len);
    boolean isServiceName = false;
    String value = null;
    while (!kv.atEnd()) {
      int tag = kv.readTag();
      if (tag == (1 << 3 | WireReader.LEN)) {
        int l = kv.readLength();
        isServiceName = Arrays.equals(b, kv.pos, kv.pos + l, SERVICE_NAME, 0, SERVICE_NAME.length);
        if (!isServiceName) {
          return null;
        }
        kv.pos += l;
      } else if (tag == (2 << 3 | WireReader.LEN)) {
        int l = kv.readLength();
        WireReader any = new WireReader(b, kv.pos, l);
        while (!any.atEnd()) {
          int t = any.readTag();
          if (t == (1 << 3 | WireReader.LEN)) {
            int sl = any.readLength();
            value = new String(b, any.pos, sl, StandardCharsets.UTF_8);
            any.pos += sl;
          } else {
            any.skip(t & 7);
          }
        }
        kv.pos += l;
      } else {
        kv.skip(tag & 7);
      }
    }
    return isServiceName ? (value == null ? "" : value) : null;
  }
}
