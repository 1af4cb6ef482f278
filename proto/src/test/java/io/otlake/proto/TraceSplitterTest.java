package io.otlake.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.otlake.proto.signals.TraceContract;
import io.otlake.proto.wire.ScannedRequest;
import io.otlake.proto.wire.ScannedTraces;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TraceSplitterTest {
  private static final Random RANDOM = new Random(42);

  @Test
  void everySpanLandsExactlyOnceUnderItsTraceIdWithItsResourceAndScope() throws Exception {
    ExportTraceServiceRequest request = randomRequest(3, 2, 40, 7);
    List<OtlpRecord> records = new RecordSplitter(1 << 20).split(ScannedRequest.scan(request.toByteArray(), ScannedTraces.TREE), TraceContract.INSTANCE);

    Map<ByteString, Span> seen = new HashMap<>();
    for (OtlpRecord r : records) {
      ExportTraceServiceRequest part = ExportTraceServiceRequest.parseFrom(r.value());
      int items = 0;
      for (ResourceSpans rs : part.getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span s : ss.getSpansList()) {
            assertThat(new String(r.key(), StandardCharsets.US_ASCII)).isEqualTo(Hex.encode(s.getTraceId()));
            assertThat(seen.put(s.getSpanId(), s)).as("span seen twice").isNull();
            assertThat(origin(request, s)).isEqualTo(rs.getResource().getAttributes(0).getValue().getStringValue()
                + "/" + ss.getScope().getName());
            items++;
          }
        }
      }
      assertThat(r.items()).isEqualTo(items);
    }
    assertThat(seen).hasSize(3 * 2 * 40);
    // one record per trace when nothing is near the limit
    assertThat(records).hasSize(7);
  }

  @Test
  void recordsStayUnderTheLimitAndBigTracesAreCutUnderOneKey() throws Exception {
    ExportTraceServiceRequest request = randomRequest(2, 3, 200, 2);
    int limit = 4096;
    List<OtlpRecord> records = new RecordSplitter(limit).split(ScannedRequest.scan(request.toByteArray(), ScannedTraces.TREE), TraceContract.INSTANCE);
    int spans = 0;
    for (OtlpRecord r : records) {
      assertThat(r.value().length).isLessThanOrEqualTo(limit);
      spans += r.items();
    }
    assertThat(spans).isEqualTo(2 * 3 * 200);
    assertThat(records.size()).isGreaterThan(2);
    assertThat(records.stream().map(r -> new String(r.key(), StandardCharsets.US_ASCII)).distinct()).hasSize(2);
  }

  @Test
  void perPartitionRecordsKeepEveryTraceInItsPartitionInOrderAndShareEnvelopes() throws Exception {
    ExportTraceServiceRequest request = randomRequest(3, 2, 60, 50);
    ScannedRequest scanned = ScannedRequest.scan(request.toByteArray(), ScannedTraces.TREE);
    java.util.function.ToIntFunction<byte[]> partitionOf = key -> Math.floorMod(java.util.Arrays.hashCode(key), 4);
    for (int limit : new int[] {1 << 20, 4096}) {
      List<OtlpRecord> records = new RecordSplitter(limit).split(scanned, null, TraceContract.INSTANCE, partitionOf);
      Map<String, List<ByteString>> orderByTrace = new HashMap<>();
      Map<ByteString, Span> seen = new HashMap<>();
      for (OtlpRecord r : records) {
        assertThat(r.value().length).isLessThanOrEqualTo(limit);
        ExportTraceServiceRequest part = ExportTraceServiceRequest.parseFrom(r.value());
        java.util.Set<String> traces = new java.util.HashSet<>();
        for (ResourceSpans rs : part.getResourceSpansList()) {
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            for (Span s : ss.getSpansList()) {
              String trace = Hex.encode(s.getTraceId());
              traces.add(trace);
              assertThat(r.partition()).as("partition of trace %s", trace)
                  .isEqualTo(partitionOf.applyAsInt(trace.getBytes(StandardCharsets.US_ASCII)));
              assertThat(seen.put(s.getSpanId(), s)).as("span seen twice").isNull();
              assertThat(origin(request, s)).isEqualTo(rs.getResource().getAttributes(0).getValue()
                  .getStringValue() + "/" + ss.getScope().getName());
              orderByTrace.computeIfAbsent(trace, t -> new ArrayList<>()).add(s.getSpanId());
            }
          }
        }
        if (traces.size() == 1) {
          assertThat(new String(r.key(), StandardCharsets.US_ASCII)).isEqualTo(traces.iterator().next());
        } else {
          assertThat(r.key()).as("a record of several traces has no key").isNull();
        }
      }
      assertThat(seen).hasSize(3 * 2 * 60);
      // each trace's spans come in the order the request had them (a partition's records are sent in order)
      Map<String, List<ByteString>> sent = new HashMap<>();
      for (ResourceSpans rs : request.getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span s : ss.getSpansList()) {
            sent.computeIfAbsent(Hex.encode(s.getTraceId()), t -> new ArrayList<>()).add(s.getSpanId());
          }
        }
      }
      assertThat(orderByTrace).isEqualTo(sent);
      if (limit == 1 << 20) {
        // one record per partition, and fewer bytes than one per trace: resources and scopes are written once
        assertThat(records).hasSize(4);
        long perKey = new RecordSplitter(limit).split(scanned, TraceContract.INSTANCE).stream()
            .mapToLong(r -> r.value().length).sum();
        assertThat(records.stream().mapToLong(r -> r.value().length).sum()).isLessThan(perKey);
      } else {
        assertThat(records.size()).isGreaterThan(4);
      }
    }
  }

  @Test
  void aSpanTooLargeForAnyRecordIsRefusedWithItsIds() {
    Span huge = span(ByteString.copyFrom(new byte[16]).concat(ByteString.EMPTY), 1).toBuilder()
        .setTraceId(id(16, 9)).setName("x".repeat(10_000)).build();
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder().addResourceSpans(
        ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(huge))).build();
    assertThatThrownBy(() -> new RecordSplitter(4096).split(ScannedRequest.scan(request.toByteArray(), ScannedTraces.TREE), TraceContract.INSTANCE))
        .isInstanceOf(RecordTooLargeException.class)
        .hasMessageContaining(Hex.encode(huge.getSpanId()))
        .hasMessageContaining("4096");
  }

  @Test
  void aRequestWhoseRecordsWouldRepeatALargeResourceTooOftenIsRefusedBeforeWriting() throws Exception {
    // one 20 kB resource over 300 single-span traces: ~6 MB of records from a ~40 kB request
    ResourceSpans.Builder rs = ResourceSpans.newBuilder().setResource(Resource.newBuilder().addAttributes(
        KeyValue.newBuilder().setKey("k8s.pod.labels").setValue(AnyValue.newBuilder().setStringValue(
            "x".repeat(20_000)))));
    ScopeSpans.Builder ss = rs.addScopeSpansBuilder();
    for (int i = 0; i < 300; i++) {
      ss.addSpans(span(id(16, 5000 + i), i + 1));
    }
    byte[] request = ExportTraceServiceRequest.newBuilder().addResourceSpans(rs).build().toByteArray();
    assertThat(request.length).isLessThan(50_000);
    assertThatThrownBy(() -> new RecordSplitter(1 << 20, 1 << 20).split(ScannedRequest.scan(request, ScannedTraces.TREE), TraceContract.INSTANCE))
        .isInstanceOfSatisfying(SplitTooLargeException.class, e -> {
          assertThat(e.limit()).isEqualTo(1 << 20);
          assertThat(e.bytes()).isGreaterThan(1 << 20);
        });
    List<OtlpRecord> records = new RecordSplitter(1 << 20, 8 << 20).split(ScannedRequest.scan(request, ScannedTraces.TREE), TraceContract.INSTANCE);
    assertThat(records).hasSize(300);
    long total = records.stream().mapToLong(r -> r.value().length).sum();
    assertThat(total).isBetween(6_000_000L, 8L << 20);
  }

  @Test
  void anEmptyRequestMakesNoRecords() throws Exception {
    assertThat(new RecordSplitter(4096).split(ScannedRequest.scan(new byte[0], ScannedTraces.TREE), TraceContract.INSTANCE)).isEmpty();
  }

  private static String origin(ExportTraceServiceRequest request, Span span) {
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        if (ss.getSpansList().contains(span)) {
          return rs.getResource().getAttributes(0).getValue().getStringValue() + "/" + ss.getScope().getName();
        }
      }
    }
    return null;
  }

  @Test
  void traceIdsChosenToShareAHashCodeDoNotMakeSplittingQuadratic() throws Exception {
    // ids whose halves are x << 32 | x: all alike under the hash a record of two longs gets by default
    int n = 80_000;
    ScopeSpans.Builder ss = ScopeSpans.newBuilder();
    for (int k = 1; k <= n; k++) {
      long x = ((long) k << 32) | k;
      byte[] t = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(x).putLong(x).array();
      ss.addSpans(span(ByteString.copyFrom(t), k));
    }
    byte[] request = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .addScopeSpans(ss)).build().toByteArray();
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long t0 = threads.getCurrentThreadCpuTime();
    List<OtlpRecord> records = new RecordSplitter(1 << 20).split(ScannedRequest.scan(request, ScannedTraces.TREE),
        TraceContract.INSTANCE);
    long cpuMillis = (threads.getCurrentThreadCpuTime() - t0) / 1_000_000;
    assertThat(records).hasSize(n);
    // a guard against the pathological case (it took minutes), not a speed test: about a second is expected
    assertThat(cpuMillis).as("CPU ms to split %d spans of colliding trace ids", n).isLessThan(10_000);
    // whatever ids collide under whatever hash, a HashMap of Comparable keys stays O(log n) a lookup
    assertThat(Comparable.class).isAssignableFrom(RecordKey.class);
  }

  /** Spans of {@code traces} traces spread over resources and scopes in random order. */
  static ExportTraceServiceRequest randomRequest(int resources, int scopes, int spansPerScope, int traces) {
    List<ByteString> traceIds = new ArrayList<>();
    for (int t = 0; t < traces; t++) {
      traceIds.add(id(16, 1000 + t));
    }
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    long spanNo = 1;
    for (int r = 0; r < resources; r++) {
      ResourceSpans.Builder rs = b.addResourceSpansBuilder().setResource(Resource.newBuilder().addAttributes(
          KeyValue.newBuilder().setKey("service.name").setValue(AnyValue.newBuilder().setStringValue("svc" + r))));
      for (int s = 0; s < scopes; s++) {
        ScopeSpans.Builder ss = rs.addScopeSpansBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("scope" + s));
        for (int i = 0; i < spansPerScope; i++) {
          ss.addSpans(span(traceIds.get(RANDOM.nextInt(traces)), spanNo++));
        }
      }
    }
    return b.build();
  }

  static Span span(ByteString traceId, long n) {
    return Span.newBuilder().setTraceId(traceId).setSpanId(id(8, n)).setName("op" + (n % 3))
        .setStartTimeUnixNano(1_700_000_000_000_000_000L + n).setEndTimeUnixNano(1_700_000_000_000_000_000L + 2 * n)
        .build();
  }

  static ByteString id(int length, long value) {
    byte[] b = new byte[length];
    for (int i = 0; i < 8; i++) {
      b[length - 1 - i] = (byte) (value >>> (8 * i));
    }
    return ByteString.copyFrom(b);
  }
}
