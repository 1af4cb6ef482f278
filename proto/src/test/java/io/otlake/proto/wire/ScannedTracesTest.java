package io.otlake.proto.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.otlake.proto.Hex;
import io.otlake.proto.OtlpRecord;
import io.otlake.proto.RecordTooLargeException;
import io.otlake.proto.RecordSplitter;
import io.otlake.proto.signals.TraceContract;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScannedTracesTest {
  private static ExportTraceServiceRequest request(Span span) {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(span))).build();
  }

  private static Span span() {
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
        .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
        .setName("GET /")
        .setStartTimeUnixNano(1_700_000_000_000_000_000L)
        .setEndTimeUnixNano(1_700_000_000_100_000_000L)
        .addAttributes(KeyValue.newBuilder().setKey("k").setValue(AnyValue.newBuilder().setArrayValue(
            ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setStringValue("v")))))
        .addLinks(Span.Link.newBuilder().setTraceId(ByteString.copyFrom(new byte[16])).setSpanId(ByteString.EMPTY))
        .build();
  }

  @Test
  void readsTheFieldsValidationNeeds() throws Exception {
    ScannedTraces t = ScannedTraces.scan(request(span()).toByteArray());
    assertThat(t.spanCount()).isEqualTo(1);
    assertThat(Hex.encode(t.bytes(), t.traceIdOffset(0), t.traceIdLength(0)))
        .isEqualTo("0102030405060708090a0b0c0d0e0f10");
    assertThat(t.spanIdLength(0)).isEqualTo(8);
    assertThat(t.parentSpanIdLength(0)).isZero();
    assertThat(t.startTimeUnixNano(0)).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(t.endTimeUnixNano(0)).isEqualTo(1_700_000_000_100_000_000L);
  }

  @Test
  void refusesWhatProtobufWouldRefuse() {
    byte[] good = request(span()).toByteArray();
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
    assertThatThrownBy(() -> ScannedTraces.scan(truncated)).isInstanceOf(MalformedRequestException.class);

    byte[] badUtf8 = request(span().toBuilder().setAttributes(0, KeyValue.newBuilder().setKey("kXY")).build())
        .toByteArray();
    int at = indexOf(badUtf8, new byte[] {'k', 'X', 'Y'});
    badUtf8[at + 1] = (byte) 0xc3;
    badUtf8[at + 2] = 0x28;
    assertThatThrownBy(() -> ScannedTraces.scan(badUtf8)).hasMessageContaining("KeyValue.key is not valid UTF-8");
    assertThatThrownBy(() -> ExportTraceServiceRequest.parseFrom(badUtf8))
        .isInstanceOf(InvalidProtocolBufferException.class);

    // field 7 (start_time_unix_nano) sent as a varint instead of fixed64
    byte[] wrongType = {0x0a, 0x06, 0x12, 0x04, 0x12, 0x02, 0x38, 0x01};
    assertThatThrownBy(() -> ScannedTraces.scan(wrongType))
        .hasMessageContaining("Span.start_time_unix_nano has wire type 0, expected 1");
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  @Test
  void mutatedBytesEitherFailCleanlyOrAreParseableByProtobuf() throws Exception {
    mutate(request(span()).toByteArray(), 1);
    ExportTraceServiceRequest rich = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(io.opentelemetry.proto.resource.v1.Resource.newBuilder().addAttributes(KeyValue.newBuilder()
            .setKey("service.name").setValue(AnyValue.newBuilder().setStringValue("cart"))))
        .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0")
        .addScopeSpans(ScopeSpans.newBuilder()
            .setScope(io.opentelemetry.proto.common.v1.InstrumentationScope.newBuilder().setName("s").setVersion("1"))
            .addSpans(span())
            .addSpans(span().toBuilder().setSpanId(ByteString.copyFrom(new byte[] {9, 9, 9, 9, 9, 9, 9, 9}))
                .addEvents(Span.Event.newBuilder().setName("e").setTimeUnixNano(5)))))
        .build();
    mutate(rich.toByteArray(), 2);
  }

  private static void mutate(byte[] good, long seed) throws Exception {
    Random random = new Random(seed);
    RecordSplitter splitter = new RecordSplitter(1 << 20);
    int accepted = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] b = good.clone();
      int flips = 1 + random.nextInt(3);
      for (int f = 0; f < flips; f++) {
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      }
      ScannedTraces t;
      try {
        t = ScannedTraces.scan(b);
      } catch (MalformedRequestException expected) {
        continue;
      }
      accepted++;
      ExportTraceServiceRequest parsed;
      try {
        parsed = ExportTraceServiceRequest.parseFrom(b);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError("scan accepted what protobuf refuses (" + e.getMessage() + "): "
            + Hex.encode(b, 0, b.length), e);
      }
      int spans = 0;
      try {
        for (OtlpRecord r : splitter.split(t.request(), TraceContract.INSTANCE)) {
          spans += ExportTraceServiceRequest.parseFrom(r.value()).getResourceSpansList().stream()
              .flatMap(rs -> rs.getScopeSpansList().stream()).mapToInt(ScopeSpans::getSpansCount).sum();
        }
      } catch (RecordTooLargeException e) {
        throw new AssertionError(e);
      }
      assertThat(spans).isEqualTo(parsed.getResourceSpansList().stream()
          .flatMap(rs -> rs.getScopeSpansList().stream()).mapToInt(ScopeSpans::getSpansCount).sum());
    }
    assertThat(accepted).as("some mutations stay valid").isGreaterThan(100);
  }


  @Test
  void nestingIsRefusedExactlyWhereProtobufRefusesIt() throws Exception {
    // a span attribute nested in kvlists (three messages a level), then 0..3 array values (one or two messages more):
    // message depths from 95 to 107, across protobuf's recursion limit of 100
    int read = 0;
    int refused = 0;
    for (int kvlists = 30; kvlists <= 33; kvlists++) {
      for (int arrays = 0; arrays <= 3; arrays++) {
        AnyValue v = AnyValue.newBuilder().setStringValue("x").build();
        if (arrays > 0) {
          v = AnyValue.newBuilder().setArrayValue(ArrayValue.getDefaultInstance()).build();
          for (int i = 1; i < arrays; i++) {
            v = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(v)).build();
          }
        }
        for (int i = 0; i < kvlists; i++) {
          v = AnyValue.newBuilder().setKvlistValue(io.opentelemetry.proto.common.v1.KeyValueList.newBuilder()
              .addValues(KeyValue.newBuilder().setKey("k").setValue(v))).build();
        }
        byte[] b = request(span().toBuilder().addAttributes(KeyValue.newBuilder().setKey("deep").setValue(v)).build())
            .toByteArray();
        boolean protobufReads;
        try {
          ExportTraceServiceRequest.parseFrom(b);
          protobufReads = true;
        } catch (InvalidProtocolBufferException e) {
          protobufReads = false;
        }
        boolean scanReads;
        try {
          ScannedTraces.scan(b);
          scanReads = true;
        } catch (MalformedRequestException e) {
          assertThat(e).hasMessage("messages nested deeper than 100 levels");
          scanReads = false;
        }
        assertThat(scanReads).as("%d kvlists, %d arrays", kvlists, arrays).isEqualTo(protobufReads);
        if (scanReads) {
          read++;
        } else {
          refused++;
        }
      }
    }
    assertThat(read).as("depths read").isGreaterThan(3); // both sides of the limit were tried
    assertThat(refused).as("depths refused").isGreaterThan(3);
  }

  @Test
  void utf8CheckFollowsRfc3629() {
    assertThat(WireReader.validUtf8("héllo €𝄞".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, 14)).isTrue();
    assertThat(WireReader.validUtf8(new byte[] {(byte) 0xc0, (byte) 0x80}, 0, 2)).as("overlong").isFalse();
    assertThat(WireReader.validUtf8(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, 0, 3)).as("surrogate")
        .isFalse();
    assertThat(WireReader.validUtf8(new byte[] {(byte) 0xe2, (byte) 0x82}, 0, 2)).as("truncated").isFalse();
  }
}
