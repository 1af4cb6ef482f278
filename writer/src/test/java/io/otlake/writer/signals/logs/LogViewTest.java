package io.otlake.writer.signals.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.writer.decode.AttrList;
import io.otlake.writer.decode.Slice;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LogView} reads every field of hand-built log records from their bytes. */
class LogViewTest {
  private static final byte[] TRACE = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, (byte) 0xAB};
  private static final byte[] SPAN = {0, 0, 0, 0, 0, 0, 0, 7};
  private static final long T = 1_800_000_000_123_456_789L;

  private static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  private static KeyValue kv(String k, AnyValue v) {
    return KeyValue.newBuilder().setKey(k).setValue(v).build();
  }

  private static ExportLogsServiceRequest request(String service, List<LogRecord> records) {
    return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(kv("service.name", str(service)))
            .addAttributes(kv("host.cpus", AnyValue.newBuilder().setIntValue(8).build()))
            .setDroppedAttributesCount(2))
        .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0")
        .addScopeLogs(ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName("app.logger")
                .setVersion("2.1").addAttributes(kv("lib", str("logback"))).setDroppedAttributesCount(1))
            .setSchemaUrl("https://scope.example/1")
            .addAllLogRecords(records)))
        .build();
  }

  private static String text(Slice s) {
    return s == null ? null : s.toString();
  }

  private static List<String> pairs(AttrList.Pairs p) {
    List<String> out = new ArrayList<>();
    p.start();
    while (p.hasNext()) {
      p.next();
      out.add(p.key() + "=" + p.value());
    }
    return out;
  }

  @Test
  void everyBodyKindAsTextAndType() throws Exception {
    AnyValue[] bodies = {
        str("GET /cart 200"),
        AnyValue.newBuilder().setIntValue(-42).build(),
        AnyValue.newBuilder().setDoubleValue(2.5).build(),
        AnyValue.newBuilder().setBoolValue(true).build(),
        AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(new byte[] {0, -1, 42})).build(),
        AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(str("a"))
            .addValues(AnyValue.newBuilder().setIntValue(1)).addValues(AnyValue.getDefaultInstance())).build(),
        AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addValues(kv("user", AnyValue.newBuilder()
            .setKvlistValue(KeyValueList.newBuilder().addValues(kv("id", AnyValue.newBuilder().setIntValue(7)
                .build()))).build())).addValues(kv("ok", AnyValue.newBuilder().setBoolValue(false).build()))).build(),
        AnyValue.getDefaultInstance()};
    String[][] expected = {{"GET /cart 200", null}, {"-42", "int"}, {"2.5", "double"}, {"true", "bool"},
        {"AP8q", "bytes"}, {"[\"a\",1,null]", "array"}, {"{\"user\":{\"id\":7},\"ok\":false}", "kvlist"},
        {null, null}}; // an empty AnyValue is no body: the row is the same as a record without the field
    List<LogRecord> records = new ArrayList<>();
    for (AnyValue body : bodies) {
      records.add(LogRecord.newBuilder().setTimeUnixNano(T).setBody(body).build());
    }
    records.add(LogRecord.newBuilder().setTimeUnixNano(T).build()); // no body
    LogView v = new LogView();
    v.reset(request("cart", records).toByteArray());
    assertThat(v.itemCount()).isEqualTo(bodies.length + 1);
    for (int i = 0; i < bodies.length; i++) {
      v.moveTo(i);
      assertThat(new String[] {text(v.body()), text(v.bodyType())}).as("body %d", i).containsExactly(expected[i]);
    }
    v.moveTo(bodies.length);
    assertThat(v.body()).isNull();
    assertThat(v.bodyType()).isNull();
  }

  @Test
  void everyFieldWithAndWithoutTraceContext() throws Exception {
    LogRecord traced = LogRecord.newBuilder().setTimeUnixNano(T).setObservedTimeUnixNano(T + 5_000)
        .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_ERROR).setSeverityText("ERROR").setBody(str("boom"))
        .addAttributes(kv("exception.type", str("java.io.IOException")))
        .addAttributes(kv("retry", AnyValue.newBuilder().setIntValue(3).build()))
        .setDroppedAttributesCount(4).setFlags(0x101).setTraceId(ByteString.copyFrom(TRACE))
        .setSpanId(ByteString.copyFrom(SPAN)).setEventName("app.failure").build();
    LogRecord untraced = LogRecord.newBuilder().setObservedTimeUnixNano(T + 999).setBody(str("started")).build();
    LogView v = new LogView();
    v.reset(request("cart", List.of(traced, untraced)).toByteArray());

    v.moveTo(0);
    assertThat(v.timestampMicros()).isEqualTo(T / 1000);
    assertThat(v.timeUnixNano()).isEqualTo(T);
    assertThat(v.observedTimeUnixNano()).isEqualTo(T + 5_000);
    assertThat(v.severityNumber()).isEqualTo(17);
    assertThat(text(v.severityText())).isEqualTo("ERROR");
    assertThat(text(v.traceId())).isEqualTo("0102030405060708090a0b0c0d0e0fab");
    assertThat(text(v.spanId())).isEqualTo("0000000000000007");
    assertThat(v.flags()).isEqualTo(0x101);
    assertThat(text(v.eventName())).isEqualTo("app.failure");
    assertThat(pairs(v.attributes().values())).containsExactly("exception.type=java.io.IOException", "retry=3");
    assertThat(pairs(v.attributes().types())).containsExactly("retry=int");
    assertThat(v.droppedAttributes()).isEqualTo(4);
    assertThat(v.serviceName()).isEqualTo("cart");
    assertThat(text(v.resource().serviceNameText())).isEqualTo("cart");
    assertThat(pairs(v.resource().attributes().values())).containsExactly("service.name=cart", "host.cpus=8");
    assertThat(pairs(v.resource().attributes().types())).containsExactly("host.cpus=int");
    assertThat(v.resource().droppedAttributes()).isEqualTo(2);
    assertThat(text(v.resource().schemaUrl())).isEqualTo("https://opentelemetry.io/schemas/1.24.0");
    assertThat(text(v.scope().name())).isEqualTo("app.logger");
    assertThat(text(v.scope().version())).isEqualTo("2.1");
    assertThat(pairs(v.scope().attributes().values())).containsExactly("lib=logback");
    assertThat(v.scope().droppedAttributes()).isEqualTo(1);
    assertThat(text(v.scope().schemaUrl())).isEqualTo("https://scope.example/1");

    v.moveTo(1);
    // no time: the observed time is the row's timestamp, and time_unix_nano says it was unset
    assertThat(v.timestampMicros()).isEqualTo((T + 999) / 1000);
    assertThat(v.timeUnixNano()).isZero();
    assertThat(v.traceId()).isNull();
    assertThat(v.spanId()).isNull();
    assertThat(v.severityText()).isNull();
    assertThat(v.eventName()).isNull();
    assertThat(v.severityNumber()).isZero();
    assertThat(v.flags()).isZero();
    assertThat(pairs(v.attributes().values())).isEmpty();
    assertThat(text(v.body())).isEqualTo("started");
  }

  @Test
  void identityIsTheRecordWithItsResourceAndScope() throws Exception {
    LogRecord a = LogRecord.newBuilder().setTimeUnixNano(T).setBody(str("a")).build();
    LogRecord b = LogRecord.newBuilder().setTimeUnixNano(T).setBody(str("b")).build();
    LogView v = new LogView();
    v.reset(request("cart", List.of(a, b, a)).toByteArray());
    byte[] first = identity(v, 0);
    assertThat(identity(v, 2)).as("the same record sent twice").isEqualTo(first);
    assertThat(identity(v, 1)).isNotEqualTo(first);
    LogView other = new LogView();
    other.reset(request("cart", List.of(a)).toByteArray());
    assertThat(identity(other, 0)).as("a retry read by another view of the process").isEqualTo(first);
    other.reset(request("checkout", List.of(a)).toByteArray());
    assertThat(identity(other, 0)).as("the same record from another resource").isNotEqualTo(first);
    ExportLogsServiceRequest.Builder otherScope = request("cart", List.of(a)).toBuilder();
    otherScope.getResourceLogsBuilder(0).getScopeLogsBuilder(0).getScopeBuilder().setVersion("2.2");
    other.reset(otherScope.build().toByteArray());
    assertThat(identity(other, 0)).as("the same record from another scope").isNotEqualTo(first);
  }

  private static byte[] identity(LogView v, int item) {
    v.moveTo(item);
    byte[] out = new byte[24];
    v.identity(out);
    return out;
  }

  @Test
  void malformedBytesAreRefused() {
    LogView v = new LogView();
    assertThatThrownBy(() -> v.reset(new byte[] {0x0a, 0x05, 0x12})).isInstanceOf(MalformedRequestException.class);
  }
}
