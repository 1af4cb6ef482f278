package io.otlake.local;

import static io.opentelemetry.api.common.AttributeKey.booleanArrayKey;
import static io.opentelemetry.api.common.AttributeKey.doubleArrayKey;
import static io.opentelemetry.api.common.AttributeKey.longArrayKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringArrayKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.otlake.gateway.GatewayServer;
import io.otlake.writer.WriterService;
import io.otlake.writer.decode.AttributeText;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The walking skeleton end to end on real parts: the official OpenTelemetry Java SDK exports over OTLP/gRPC to the
 * gateway, the gateway produces to a real Kafka broker, the writer commits Parquet on S3Proxy to an Iceberg table in
 * a JDBC catalog, and every field of every span is read back through Iceberg.
 */
class TracesEndToEndIT {
  private static final String RESOURCE_SCHEMA = "https://opentelemetry.io/schemas/1.26.0";
  private static final String SCOPE_SCHEMA = "https://opentelemetry.io/schemas/1.24.0";

  /**
   * The same spans over each OTLP transport the gateway serves: OTLP/gRPC and OTLP/HTTP with protobuf (gzip) through
   * the SDK's own exporters, and OTLP/HTTP with JSON bodies written by the SDK's own OTLP/JSON marshaler.
   */
  @ParameterizedTest
  @ValueSource(strings = {"grpc", "http-protobuf", "http-json"})
  void sdkSpansArriveInTheTracesTableWithEveryField(String transport) throws Exception {
    String topic = "e2e_spans_" + transport.replace('-', '_');
    String tableName = "traces_e2e_" + transport.replace('-', '_');
    InMemorySpanExporter sent = InMemorySpanExporter.create();
    try (GatewayServer gateway = TestLake.gateway(topic, Map.of());
        WriterService writer = TestLake.writer(topic, tableName, Map.of())) {
      SpanExporter otlp = switch (transport) {
        case "grpc" -> OtlpGrpcSpanExporter.builder()
            .setEndpoint("http://127.0.0.1:" + gateway.grpcPort())
            .setTimeout(Duration.ofSeconds(30))
            .build();
        case "http-protobuf" -> OtlpHttpSpanExporter.builder()
            .setEndpoint("http://127.0.0.1:" + gateway.httpPort() + "/v1/traces")
            .setCompression("gzip")
            .setTimeout(Duration.ofSeconds(30))
            .build();
        default -> new JsonOverHttp("http://127.0.0.1:" + gateway.httpPort() + "/v1/traces");
      };
      List<SpanData> expected = emitSpans("checkout", sent, otlp, "frontend");
      assertThat(expected).hasSize(4);
      // the data exercises what the assertions below compare
      assertThat(expected).anySatisfy(s -> assertThat(s.getTotalAttributeCount()).isGreaterThan(s.getAttributes().size()));
      assertThat(expected).anySatisfy(s -> assertThat(s.getTotalRecordedEvents()).isGreaterThan(s.getEvents().size()));
      assertThat(expected).anySatisfy(s -> assertThat(s.getLinks()).isNotEmpty());
      assertThat(expected).anySatisfy(s -> assertThat(s.getParentSpanContext().isRemote()).isTrue());
      assertThat(expected).anySatisfy(s -> assertThat(s.getParentSpanContext().isValid()).isFalse());

      Catalog catalog = TestLake.catalog();
      List<Record> rows = TestLake.awaitRows(catalog, tableName, Duration.ofSeconds(90),
          r -> r.size() >= expected.size());
      assertThat(rows).hasSize(expected.size());
      Map<String, Record> bySpanId = rows.stream()
          .collect(Collectors.toMap(r -> (String) r.getField("span_id"), r -> r));
      for (SpanData span : expected) {
        Record row = bySpanId.get(span.getSpanId());
        assertThat(row).as("row of span %s (%s)", span.getSpanId(), span.getName()).isNotNull();
        assertRow(row, span);
      }

      Table table = catalog.loadTable(TableIdentifier.of("otel", tableName));
      assertThat(table.spec().fields()).extracting(f -> f.transform().toString() + ":" + f.name())
          .containsExactly("day:timestamp_day", "identity:service_name");
      assertThat(table.properties()).containsEntry("write.parquet.compression-codec", "zstd");
      assertThat(table.currentSnapshot().summary()).containsKey("otlake.kafka.offsets." + topic + ".group-" + topic);
      table.newScan().planFiles().forEach(f -> {
        assertThat(f.file().location()).startsWith("s3://otlake/warehouse/otel/" + tableName + "/data/");
        assertThat(f.file().format().name()).isEqualTo("PARQUET");
      });
    }
  }

  /** Two services, a remote parent with trace state, a local child, a link, events, typed attributes, limits. */
  private static List<SpanData> emitSpans(String service, InMemorySpanExporter sent, SpanExporter otlp,
      String otherService) {
    SpanLimits limits = SpanLimits.builder().setMaxNumberOfAttributes(12).setMaxNumberOfEvents(2).build();
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.builder()
        .put("service.name", service)
        .put("host.cpu.count", 8L)
        .put("deployment.canary", true)
        .put(stringArrayKey("process.command_args"), List.of("java", "-jar", "app.jar"))
        .build(), RESOURCE_SCHEMA));
    Resource otherResource = Resource.getDefault().merge(Resource.create(Attributes.of(
        stringKey("service.name"), otherService)));
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(resource)
        .setSpanLimits(limits)
        .addSpanProcessor(SimpleSpanProcessor.create(sent))
        .addSpanProcessor(BatchSpanProcessor.builder(otlp).build())
        .build();
    SdkTracerProvider otherProvider = SdkTracerProvider.builder()
        .setResource(otherResource)
        .addSpanProcessor(SimpleSpanProcessor.create(sent))
        .addSpanProcessor(BatchSpanProcessor.builder(otlp).build())
        .build();
    Instant t0 = Instant.now().minus(2, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS).plusNanos(123_456);

    Tracer front = otherProvider.tracerBuilder("frontend-scope").build();
    Span frontRoot = front.spanBuilder("GET /").setSpanKind(SpanKind.SERVER).setNoParent()
        .setStartTimestamp(t0).startSpan();
    frontRoot.setStatus(StatusCode.OK);
    frontRoot.end(t0.plusMillis(50));

    Tracer tracer = provider.tracerBuilder("io.otlake.test").setInstrumentationVersion("1.2.3")
        .setSchemaUrl(SCOPE_SCHEMA).build();
    SpanContext remoteParent = SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c",
        "b7ad6b7169203331", TraceFlags.getSampled(), TraceState.builder().put("vendor", "opaque-value").build());
    Span server = tracer.spanBuilder("POST /cart/items")
        .setParent(Context.root().with(Span.wrap(remoteParent)))
        .setSpanKind(SpanKind.SERVER)
        .setStartTimestamp(t0.plusMillis(1))
        .setAttribute("http.request.method", "POST")
        .setAttribute("http.response.status_code", 500L)
        .setAttribute("sampling.ratio", 0.25)
        .setAttribute("cache.hit", false)
        .setAttribute("empty.string", "")
        .setAttribute(stringArrayKey("tags"), List.of("a", "b,c", "\"quoted\""))
        .setAttribute(longArrayKey("ports"), List.of(80L, 443L))
        .setAttribute(doubleArrayKey("weights"), List.of(0.5, 1.0E10))
        .setAttribute(booleanArrayKey("bits"), List.of(true, false))
        .setAttribute("looks.like.number", "42")
        .startSpan();
    for (int i = 0; i < 4; i++) {
      server.setAttribute("extra." + i, i); // beyond the limit of 12: two are dropped
    }
    server.addEvent("exception", Attributes.of(stringKey("exception.type"), "java.lang.IllegalStateException",
        longKey("retry.count"), 3L), t0.plusMillis(5));
    server.addEvent("cache.miss", t0.plusMillis(6));
    server.addEvent("dropped.by.limit", t0.plusMillis(7));
    server.setStatus(StatusCode.ERROR, "cart service failed");

    Span db = tracer.spanBuilder("SELECT cart")
        .setParent(Context.root().with(server))
        .setSpanKind(SpanKind.CLIENT)
        .setStartTimestamp(t0.plusMillis(2))
        .addLink(frontRoot.getSpanContext(), Attributes.of(stringKey("link.reason"), "follows-from",
            AttributeKey.doubleKey("link.weight"), 0.5))
        .setAttribute("db.system", "postgresql")
        .startSpan();
    db.end(t0.plusMillis(4).plusNanos(999));

    Span internal = tracer.spanBuilder("render").setParent(Context.root().with(server))
        .setStartTimestamp(t0.plusMillis(8)).startSpan();
    internal.end(t0.plusMillis(9));
    server.end(t0.plusMillis(10));

    CompletableResultCode flushed = CompletableResultCode.ofAll(List.of(provider.forceFlush(),
        otherProvider.forceFlush())).join(30, TimeUnit.SECONDS);
    assertThat(flushed.isSuccess()).as("the gateway acknowledged every export").isTrue();
    List<SpanData> finished = List.copyOf(sent.getFinishedSpanItems());
    provider.shutdown().join(10, TimeUnit.SECONDS);
    otherProvider.shutdown().join(10, TimeUnit.SECONDS);
    return finished;
  }

  private static void assertRow(Record row, SpanData span) {
    assertThat(row.getField("timestamp")).isEqualTo(micros(span.getStartEpochNanos()));
    assertThat(row.getField("end_timestamp")).isEqualTo(micros(span.getEndEpochNanos()));
    assertThat(row.getField("trace_id")).isEqualTo(span.getTraceId());
    assertThat(row.getField("parent_span_id"))
        .isEqualTo(span.getParentSpanContext().isValid() ? span.getParentSpanId() : null);
    assertThat(row.getField("service_name"))
        .isEqualTo(span.getResource().getAttribute(stringKey("service.name")));
    assertThat(row.getField("operation_name")).isEqualTo(span.getName());
    assertThat(row.getField("span_kind")).isEqualTo(span.getKind().name());
    assertThat((Double) row.getField("duration_ms"))
        .isEqualTo((span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6);
    int otlpStatus = switch (span.getStatus().getStatusCode()) {
      case UNSET -> 0;
      case OK -> 1;
      case ERROR -> 2;
    };
    assertThat(row.getField("status_code")).isEqualTo(otlpStatus);
    assertThat(row.getField("status_message"))
        .isEqualTo(span.getStatus().getDescription().isEmpty() ? null : span.getStatus().getDescription());
    String traceState = span.getSpanContext().getTraceState().isEmpty() ? null
        : span.getSpanContext().getTraceState().asMap().entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    assertThat(row.getField("trace_state")).isEqualTo(traceState);
    long flags = (Long) row.getField("flags");
    assertThat(flags & 0xff).isEqualTo(span.getSpanContext().getTraceFlags().asByte() & 0xff);
    assertThat(flags & 0x100).as("flags say whether the parent is remote").isEqualTo(0x100L);
    assertThat((flags & 0x200) != 0).isEqualTo(span.getParentSpanContext().isRemote());

    assertThat(typed(row, "attributes", "attribute_types")).isEqualTo(anyValues(span.getAttributes()));
    assertThat(row.getField("dropped_attributes_count"))
        .isEqualTo(span.getTotalAttributeCount() - span.getAttributes().size());
    assertThat(typed(row, "resource_attributes", "resource_attribute_types"))
        .isEqualTo(anyValues(span.getResource().getAttributes()));
    assertThat(row.getField("resource_dropped_attributes_count")).isEqualTo(0);
    assertThat(row.getField("resource_schema_url")).isEqualTo(span.getResource().getSchemaUrl());
    assertThat(row.getField("scope_name")).isEqualTo(span.getInstrumentationScopeInfo().getName());
    assertThat(row.getField("scope_version")).isEqualTo(span.getInstrumentationScopeInfo().getVersion());
    assertThat(row.getField("scope_schema_url")).isEqualTo(span.getInstrumentationScopeInfo().getSchemaUrl());
    assertThat(typed(row, "scope_attributes", "scope_attribute_types"))
        .isEqualTo(anyValues(span.getInstrumentationScopeInfo().getAttributes()));

    @SuppressWarnings("unchecked")
    List<Record> events = (List<Record>) row.getField("events");
    assertThat(events).hasSize(span.getEvents().size());
    for (int i = 0; i < events.size(); i++) {
      EventData e = span.getEvents().get(i);
      Record r = events.get(i);
      assertThat(r.getField("timestamp")).isEqualTo(micros(e.getEpochNanos()));
      assertThat(r.getField("name")).isEqualTo(e.getName());
      assertThat(typed(r, "attributes", "attribute_types")).isEqualTo(anyValues(e.getAttributes()));
      assertThat(r.getField("dropped_attributes_count"))
          .isEqualTo(e.getTotalAttributeCount() - e.getAttributes().size());
    }
    assertThat(row.getField("dropped_events_count")).isEqualTo(span.getTotalRecordedEvents() - span.getEvents().size());

    @SuppressWarnings("unchecked")
    List<Record> links = (List<Record>) row.getField("links");
    assertThat(links).hasSize(span.getLinks().size());
    for (int i = 0; i < links.size(); i++) {
      LinkData l = span.getLinks().get(i);
      Record r = links.get(i);
      assertThat(r.getField("trace_id")).isEqualTo(l.getSpanContext().getTraceId());
      assertThat(r.getField("span_id")).isEqualTo(l.getSpanContext().getSpanId());
      assertThat(r.getField("trace_state")).isNull();
      assertThat((Long) r.getField("flags") & 0xff).isEqualTo(l.getSpanContext().getTraceFlags().asByte() & 0xffL);
      assertThat(typed(r, "attributes", "attribute_types")).isEqualTo(anyValues(l.getAttributes()));
      assertThat(r.getField("dropped_attributes_count"))
          .isEqualTo(l.getTotalAttributeCount() - l.getAttributes().size());
    }
    assertThat(row.getField("dropped_links_count")).isEqualTo(span.getTotalRecordedLinks() - span.getLinks().size());
  }

  private static OffsetDateTime micros(long epochNanos) {
    return OffsetDateTime.ofInstant(Instant.ofEpochSecond(0, epochNanos), ZoneOffset.UTC)
        .truncatedTo(ChronoUnit.MICROS);
  }

  /** A row's text map and type map, decoded back into OTLP values as the table docs say a reader does. */
  @SuppressWarnings("unchecked")
  private static Map<String, AnyValue> typed(Record r, String valuesColumn, String typesColumn) {
    Map<String, String> values = (Map<String, String>) r.getField(valuesColumn);
    Map<String, String> types = (Map<String, String>) r.getField(typesColumn);
    Map<String, AnyValue> out = new HashMap<>();
    values.forEach((k, v) -> out.put(k, AttributeText.parse(v, types.get(k))));
    assertThat(values.keySet()).containsAll(types.keySet());
    return out;
  }

  /** The SDK's attributes as the OTLP values they must come back as, built independently of the writer's code. */
  private static Map<String, AnyValue> anyValues(Attributes attributes) {
    Map<String, AnyValue> out = new HashMap<>();
    attributes.forEach((key, value) -> out.put(key.getKey(), anyValue(value)));
    return out;
  }

  private static AnyValue anyValue(Object value) {
    AnyValue.Builder b = AnyValue.newBuilder();
    if (value instanceof String s) {
      b.setStringValue(s);
    } else if (value instanceof Long l) {
      b.setIntValue(l);
    } else if (value instanceof Double d) {
      b.setDoubleValue(d);
    } else if (value instanceof Boolean z) {
      b.setBoolValue(z);
    } else if (value instanceof List<?> list) {
      ArrayValue.Builder a = ArrayValue.newBuilder();
      list.forEach(v -> a.addValues(anyValue(v)));
      b.setArrayValue(a);
    } else {
      throw new IllegalArgumentException("unexpected attribute value " + value);
    }
    return b.build();
  }

  /** An exporter posting OTLP/JSON, as written by the SDK's own OTLP/JSON marshaler, like a browser SDK would. */
  private static final class JsonOverHttp implements SpanExporter {
    private final java.net.URI endpoint;
    private final java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();

    JsonOverHttp(String endpoint) {
      this.endpoint = java.net.URI.create(endpoint);
    }

    @Override
    public CompletableResultCode export(java.util.Collection<SpanData> spans) {
      try {
        java.io.ByteArrayOutputStream json = new java.io.ByteArrayOutputStream();
        TraceRequestMarshaler.create(spans).writeJsonTo(json);
        java.net.http.HttpResponse<String> response = client.send(java.net.http.HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(json.toByteArray()))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{}");
        return CompletableResultCode.ofSuccess();
      } catch (Exception | AssertionError e) {
        return CompletableResultCode.ofExceptionalFailure(e);
      }
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
