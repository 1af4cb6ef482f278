package io.otlake.writer.decode;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttributeTextTest {
  private static KeyValue kv(String k, AnyValue v) {
    return KeyValue.newBuilder().setKey(k).setValue(v).build();
  }

  @Test
  void everyOtlpTypeRoundTripsThroughTextAndType() {
    List<KeyValue> attributes = List.of(
        kv("s", AnyValue.newBuilder().setStringValue("GET").build()),
        kv("numeric.string", AnyValue.newBuilder().setStringValue("200").build()),
        kv("i", AnyValue.newBuilder().setIntValue(-9_007_199_254_740_993L).build()),
        kv("d", AnyValue.newBuilder().setDoubleValue(0.1 + 0.2).build()),
        kv("nan", AnyValue.newBuilder().setDoubleValue(Double.NaN).build()),
        kv("b", AnyValue.newBuilder().setBoolValue(true).build()),
        kv("bytes", AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(new byte[] {0, -1, 42})).build()),
        kv("array", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
            .addValues(AnyValue.newBuilder().setIntValue(1))
            .addValues(AnyValue.newBuilder().setStringValue("x"))).build()),
        kv("kvlist", AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
            .addValues(kv("inner", AnyValue.newBuilder().setDoubleValue(2.5).build()))).build()),
        kv("empty", AnyValue.getDefaultInstance()));
    Map<String, String> values = new HashMap<>();
    Map<String, String> types = new HashMap<>();
    AttributeText.put(attributes, values, types);

    assertThat(values).containsEntry("s", "GET").containsEntry("i", "-9007199254740993").containsEntry("b", "true")
        .containsEntry("bytes", "AP8q").containsEntry("array", "[1,\"x\"]")
        .containsEntry("kvlist", "{\"inner\":2.5}").containsEntry("nan", "NaN").containsEntry("empty", "");
    assertThat(types).doesNotContainKeys("s", "numeric.string")
        .containsEntry("i", "int").containsEntry("d", "double").containsEntry("kvlist", "kvlist")
        .containsEntry("empty", "empty");
    for (KeyValue kv : attributes) {
      assertThat(AttributeText.parse(values.get(kv.getKey()), types.get(kv.getKey())))
          .as(kv.getKey()).isEqualTo(kv.getValue());
    }
  }
}
