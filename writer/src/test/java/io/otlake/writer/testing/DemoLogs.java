package io.otlake.writer.testing;

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
import java.util.SplittableRandom;

/**
 * Deterministic demo-shaped logs: the demo shop's services, each with a logger scope, records at realistic severities
 * (mostly INFO), about 60% inside a trace (trace and span id set), mostly string bodies (formatted lines) with some
 * structured ones (kvlist bodies with nested values) and a few of every other body type, semantic-convention
 * attributes, and some records with only an observed time. The same seed gives the same bytes.
 */
public final class DemoLogs {
  private static final String[] SERVICES = {"frontend", "cartservice", "checkoutservice", "productcatalogservice",
      "recommendationservice", "adservice", "paymentservice", "shippingservice", "emailservice", "currencyservice"};
  private static final String[] PRODUCTS = {"OLJCESPC7Z", "66VCHSJNUP", "1YMWWN1N4O", "L9ECAV7KIM", "2ZYFJ3GM2N"};
  private static final SeverityNumber[] SEVERITIES = {SeverityNumber.SEVERITY_NUMBER_DEBUG,
      SeverityNumber.SEVERITY_NUMBER_INFO, SeverityNumber.SEVERITY_NUMBER_INFO, SeverityNumber.SEVERITY_NUMBER_INFO,
      SeverityNumber.SEVERITY_NUMBER_INFO, SeverityNumber.SEVERITY_NUMBER_WARN, SeverityNumber.SEVERITY_NUMBER_ERROR};

  private final SplittableRandom random;
  private long nanos;

  public DemoLogs(long seed, long startNanos) {
    this.random = new SplittableRandom(seed);
    this.nanos = startNanos;
  }

  /** One export request of {@code records} log records over a few services. */
  public ExportLogsServiceRequest request(int records) {
    ExportLogsServiceRequest.Builder b = ExportLogsServiceRequest.newBuilder();
    int left = records;
    while (left > 0) {
      String service = SERVICES[random.nextInt(SERVICES.length)];
      ResourceLogs.Builder rl = b.addResourceLogsBuilder().setResource(Resource.newBuilder()
          .addAttributes(kv("service.name", str(service)))
          .addAttributes(kv("service.namespace", str("opentelemetry-demo")))
          .addAttributes(kv("k8s.pod.name", str(service + "-7d9f8b-" + random.nextInt(3))))
          .addAttributes(kv("telemetry.sdk.language", str("java"))))
          .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0");
      ScopeLogs.Builder sl = rl.addScopeLogsBuilder().setScope(InstrumentationScope.newBuilder()
          .setName("oteldemo." + service).setVersion("1.0." + random.nextInt(2)));
      for (int n = Math.min(left, 1 + random.nextInt(60)); n > 0; n--, left--) {
        sl.addLogRecords(record(service));
      }
    }
    return b.build();
  }

  private LogRecord record(String service) {
    nanos += random.nextLong(2_000_000);
    SeverityNumber severity = SEVERITIES[random.nextInt(SEVERITIES.length)];
    LogRecord.Builder r = LogRecord.newBuilder().setObservedTimeUnixNano(nanos + random.nextInt(5_000_000))
        .setSeverityNumber(severity).setSeverityText(severity.name().substring("SEVERITY_NUMBER_".length()));
    if (random.nextInt(10) != 0) {
      r.setTimeUnixNano(nanos);
    }
    if (random.nextInt(10) < 6) {
      r.setTraceId(ByteString.copyFrom(bytes(16))).setSpanId(ByteString.copyFrom(bytes(8))).setFlags(1);
    }
    String product = PRODUCTS[random.nextInt(PRODUCTS.length)];
    int kind = random.nextInt(100);
    if (kind < 70) {
      r.setBody(str(service + ": handled request for product " + product + " in " + random.nextInt(200) + " ms"));
    } else if (kind < 90) {
      r.setBody(AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
          .addValues(kv("message", str("order placed")))
          .addValues(kv("order", AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
              .addValues(kv("id", str(Long.toHexString(random.nextLong()))))
              .addValues(kv("items", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                  .addValues(str(product)).addValues(AnyValue.newBuilder().setIntValue(random.nextInt(5)))).build()))
              .addValues(kv("total", AnyValue.newBuilder().setDoubleValue(random.nextInt(10_000) / 100.0).build())))
              .build()))));
    } else if (kind < 92) {
      r.setBody(AnyValue.newBuilder().setIntValue(random.nextLong()));
    } else if (kind < 94) {
      r.setBody(AnyValue.newBuilder().setDoubleValue(random.nextBoolean() ? Double.NaN : random.nextDouble()));
    } else if (kind < 96) {
      r.setBody(AnyValue.newBuilder().setBoolValue(random.nextBoolean()));
    } else if (kind < 97) {
      r.setBody(AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(bytes(random.nextInt(12)))));
    } else if (kind < 98) {
      r.setBody(AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(str("a"))
          .addValues(AnyValue.getDefaultInstance())));
    } else if (kind < 99) {
      r.setBody(AnyValue.getDefaultInstance());
    } // else: no body
    r.addAttributes(kv("app.product.id", str(product)));
    if (random.nextInt(4) == 0) {
      r.addAttributes(kv("http.response.status_code", AnyValue.newBuilder().setIntValue(200).build()));
      r.addAttributes(kv("app.tags", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
          .addValues(str("x")).addValues(str("y\"z"))).build()));
    }
    if (random.nextInt(20) == 0) {
      r.setEventName("app.checkout").setDroppedAttributesCount(random.nextInt(3));
    }
    return r.build();
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  private static KeyValue kv(String k, AnyValue v) {
    return KeyValue.newBuilder().setKey(k).setValue(v).build();
  }
}
