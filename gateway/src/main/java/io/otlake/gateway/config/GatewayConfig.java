package io.otlake.gateway.config;

import io.otlake.gateway.receiver.FanOutLimits;
import io.otlake.gateway.receiver.SignalReceiver;
import io.otlake.proto.Signal;
import io.otlake.proto.config.Config;
import io.otlake.proto.config.ConfigDef;
import io.otlake.proto.config.ConfigDef.Type;
import io.otlake.proto.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The gateway's typed configuration. {@code ./otlake gateway --help} prints {@link #DEF}. */
public record GatewayConfig(
    String grpcHost,
    int grpcPort,
    int maxRequestBytes,
    int grpcMaxConcurrentCallsPerConnection,
    String httpHost,
    int httpPort,
    int httpMaxRequestBytes,
    int httpMaxPipelinedRequests,
    int httpMaxQueuedRequests,
    Duration httpBodyTimeout,
    java.util.List<String> httpCorsAllowedOrigins,
    long admissionMaxInFlightBytes,
    String bootstrapServers,
    Map<Signal, String> topics,
    int maxRecordBytes,
    boolean recordPerKey,
    int maxResourcesPerRequest,
    int maxServicesPerRequest,
    int maxPartitionsPerRequest,
    long maxSplitBytes,
    Duration linger,
    int batchSize,
    Duration deliveryTimeout,
    long maxInFlightBytes,
    int senderThreads,
    Duration shutdownGrace,
    String metricsHost,
    int metricsPort,
    Duration readinessInterval,
    Duration readinessTimeout,
    Map<String, String> producerProperties) {

  public static final String ENV_PREFIX = "OTLAKE_GATEWAY_";
  /** The key of the OTLP/gRPC message size limit, named in the answer to a larger message. */
  public static final String GRPC_MAX_REQUEST_BYTES = "grpc.max-request-bytes";
  /** The key of the bound on concurrent OTLP/gRPC calls per connection. */
  public static final String GRPC_MAX_CONCURRENT_CALLS = "grpc.max-concurrent-calls-per-connection";

  /**
   * The default of {@code admission.max-in-flight-bytes}: an eighth of the maximum heap (a request's bytes are held
   * about three times over while in work: as received, decompressed or decoded, and as split records), at least
   * 16 MiB and at most 1 GiB.
   */
  static final long DEFAULT_ADMISSION_BYTES =
      Math.max(16L << 20, Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 8));

  public static final ConfigDef DEF = topics(new ConfigDef())
      .define("grpc.host", Type.STRING, "0.0.0.0", "address the OTLP/gRPC server binds to", ConfigDef.nonEmpty(),
          "a host name or address")
      .define("grpc.port", Type.INT, 4317, "OTLP/gRPC port (0 picks a free port)", ConfigDef.between(0, 65535),
          "0..65535")
      .define(GRPC_MAX_REQUEST_BYTES, Type.SIZE, 4L << 20,
          "largest OTLP/gRPC message accepted, as sent and once decompressed; larger ones get RESOURCE_EXHAUSTED"
              + " (without RetryInfo: not retried)",
          ConfigDef.between(1024, 1L << 30), "1KiB..1GiB")
      .define(GRPC_MAX_CONCURRENT_CALLS, Type.INT, 100,
          "OTLP/gRPC calls one connection may have open at once (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS): gRPC"
              + " clients queue further calls until one ends; a stream opened past it is reset with REFUSED_STREAM,"
              + " which clients see as UNAVAILABLE and retry. Bounds what a connection's open calls hold before any"
              + " message bytes arrive (those are bounded by admission.max-in-flight-bytes)",
          ConfigDef.between(1, 1 << 20), "1..1048576")
      .define("http.host", Type.STRING, "0.0.0.0", "address the OTLP/HTTP server binds to", ConfigDef.nonEmpty(),
          "a host name or address")
      .define("http.port", Type.INT, 4318,
          "OTLP/HTTP port: POST /v1/traces, protobuf or JSON (0 picks a free port, -1 disables)",
          ConfigDef.between(-1, 65535), "-1..65535")
      .define("http.max-request-bytes", Type.SIZE, 4L << 20,
          "largest OTLP/HTTP body accepted, as sent and once decompressed; larger ones get 413",
          ConfigDef.between(1024, 1L << 30), "1KiB..1GiB")
      .define("http.max-pipelined-requests", Type.INT, 8,
          "requests one OTLP/HTTP connection may have received and not yet answered (HTTP/1.1 pipelining); later ones"
              + " are answered 429 with Retry-After, in order, without their bodies being kept",
          ConfigDef.between(1, 1024), "1..1024")
      .define("http.max-queued-requests", Type.INT, 256,
          "OTLP/HTTP requests waiting for a work thread (one per connection at most); past it 429 with Retry-After",
          ConfigDef.between(1, 1 << 20), "1..1048576")
      .define("http.body-timeout", Type.DURATION, Duration.ofSeconds(30),
          "how long an admitted OTLP/HTTP request's body may take to arrive once its head did; past it 408 and the"
              + " connection closes (a client trickling a body would otherwise hold its admitted bytes)",
          ConfigDef.atLeast(Duration.ofMillis(100)), ">= 100ms")
      .define("http.cors.allowed-origins", Type.STRING, "",
          "browser origins allowed to export over OTLP/HTTP, comma-separated (e.g. https://shop.example.com), * for"
              + " any; empty: no CORS", v -> true, "comma-separated origins, * or empty")
      .define("admission.max-in-flight-bytes", Type.SIZE, DEFAULT_ADMISSION_BYTES,
          "request bytes admitted and not yet answered, both transports together (gRPC messages, charged as they"
              + " arrive; OTLP/HTTP bodies as sent, buffered pipelined ones included; both plus their decompressed"
              + " size); a request arriving past it is refused unread with RESOURCE_EXHAUSTED + RetryInfo / HTTP 429"
              + " + Retry-After (default: an eighth of the maximum heap, 16MiB..1GiB)",
          ConfigDef.between(1 << 20, 1L << 40), "1MiB..1TiB")
      .define("kafka.bootstrap.servers", Type.STRING, "localhost:9092", "Kafka brokers, host:port[,host:port]",
          ConfigDef.nonEmpty(), "non-empty")
      .define("kafka.max-record-bytes", Type.SIZE, 1_000_000L,
          "largest Kafka record value; a request is split into records under this size (see kafka.records)",
          ConfigDef.between(1024, 64L << 20), "1KiB..64MiB")
      .define("kafka.records", Type.STRING, "per-partition",
          "how a request's items become records: per-partition (the items of every record key bound for one"
              + " partition share a record, their resource and scope written once; a record holding one key is keyed"
              + " by it, one holding several has no key) or per-key (one record per key, as the Collector kafka"
              + " exporter's partition_traces_by_id makes them: many small records, each repeating its envelopes);"
              + " either way every item of a key lands in its key's partition, in order",
          v -> v.equals("per-partition") || v.equals("per-key"), "per-partition or per-key")
      .define(FanOutLimits.MAX_RESOURCES, Type.INT, 1000,
          "most resource_spans one request may have (each is copied into the Kafka record of every trace it holds);"
              + " more: INVALID_ARGUMENT / 400", ConfigDef.between(1, 1 << 20), "1..1048576")
      .define(FanOutLimits.MAX_SERVICES, Type.INT, 100,
          "most distinct service.name values one request may have (the writer makes a file per service and day);"
              + " more: INVALID_ARGUMENT / 400", ConfigDef.between(1, 1 << 20), "1..1048576")
      .define(FanOutLimits.MAX_PARTITIONS, Type.INT, 200,
          "most table partitions (service.name and day of span start) one request's spans may fall into; more:"
              + " INVALID_ARGUMENT / 400", ConfigDef.between(1, 1 << 20), "1..1048576")
      .define(SignalReceiver.MAX_SPLIT_BYTES, Type.SIZE, 32L << 20,
          "most Kafka record bytes one request may become once split by trace id (each record repeats its trace's"
              + " resource and scope, so many traces under a large resource multiply the request); more:"
              + " INVALID_ARGUMENT / 400, refused before the records are built",
          ConfigDef.between(1 << 20, 1L << 40), ">= 1MiB")
      .define("kafka.linger", Type.DURATION, Duration.ofMillis(5), "producer linger.ms: how long a batch waits to fill",
          ConfigDef.atLeast(Duration.ZERO), ">= 0")
      .define("kafka.batch-size", Type.SIZE, 256L << 10, "producer batch.size per partition",
          ConfigDef.between(1024, 64L << 20), "1KiB..64MiB")
      .define("kafka.delivery-timeout", Type.DURATION, Duration.ofSeconds(4),
          "producer delivery.timeout.ms (and the bound on waiting for metadata): after this a request not"
              + " acknowledged by Kafka is answered UNAVAILABLE; below the OTel SDKs' default export timeout (10 s) and"
              + " the Collector's OTLP exporter timeout (5 s), so a client hears of the failure before it gives up on"
              + " the attempt (a record Kafka stores after the answer is dropped by the writer's dedup.window)",
          ConfigDef.atLeast(Duration.ofSeconds(1)), ">= 1s")
      .define("kafka.max-in-flight-bytes", Type.SIZE, 64L << 20,
          "record bytes waiting for Kafka's acknowledgement; past it requests get RESOURCE_EXHAUSTED (retryable)",
          ConfigDef.between(1 << 20, 1L << 40), ">= 1MiB")
      .define("kafka.sender-threads", Type.INT, Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
          "threads that hand records to the producer, each owning the partitions of its keys; the producer"
              + " compresses in them (default: half the cores, at least one)",
          ConfigDef.between(1, 64), "1..64")
      .define("shutdown.grace", Type.DURATION, Duration.ofSeconds(10),
          "how long shutdown waits for in-flight requests and Kafka acknowledgements",
          ConfigDef.atLeast(Duration.ZERO), ">= 0")
      .define("metrics.host", Type.STRING, "0.0.0.0", "address the Prometheus endpoint binds to",
          ConfigDef.nonEmpty(), "a host name or address")
      .define("metrics.port", Type.INT, 9464,
          "port of GET /metrics, /healthz (liveness) and /readyz (503 while Kafka does not answer metadata requests);"
              + " 0 picks one, -1 disables", ConfigDef.between(-1, 65535), "-1..65535")
      .define("readiness.interval", Type.DURATION, Duration.ofSeconds(5),
          "how often /readyz's check asks Kafka for metadata, in the background (the probe reads the last answer)",
          ConfigDef.atLeast(Duration.ofMillis(100)), ">= 100ms")
      .define("readiness.timeout", Type.DURATION, Duration.ofSeconds(3),
          "how long Kafka may take to answer the readiness check before /readyz says not ready",
          ConfigDef.atLeast(Duration.ofMillis(100)), ">= 100ms")
      .passThrough("kafka.producer.", "the Kafka producer (e.g. kafka.producer.security.protocol)");

  /** {@code kafka.topic.<signal>} for every signal, defaulting to the Collector kafka exporter's topic names. */
  private static ConfigDef topics(ConfigDef def) {
    for (Signal s : Signal.values()) {
      def.define(topicKey(s), Type.STRING, s.defaultTopic(), "topic " + s.items() + " are produced to",
          ConfigDef.nonEmpty(), "non-empty");
    }
    return def;
  }

  /** The config key of a signal's topic: kafka.topic.traces, kafka.topic.logs, kafka.topic.metrics. */
  public static String topicKey(Signal s) {
    return "kafka.topic." + s.headerValue();
  }

  /** The topic spans are produced to. */
  public String tracesTopic() {
    return topics.get(Signal.TRACES);
  }

  public static GatewayConfig load(Path yamlFile, Map<String, String> env, Map<String, String> overrides) {
    return from(Config.load(DEF, yamlFile, env, ENV_PREFIX, overrides));
  }

  private static Map<Signal, String> topicsOf(Config c) {
    Map<Signal, String> topics = new java.util.EnumMap<>(Signal.class);
    for (Signal s : Signal.values()) {
      topics.put(s, c.getString(topicKey(s)));
    }
    return java.util.Collections.unmodifiableMap(topics);
  }

  static GatewayConfig from(Config c) {
    GatewayConfig g = new GatewayConfig(
        c.getString("grpc.host"),
        c.getInt("grpc.port"),
        (int) c.getLong(GRPC_MAX_REQUEST_BYTES),
        c.getInt(GRPC_MAX_CONCURRENT_CALLS),
        c.getString("http.host"),
        c.getInt("http.port"),
        (int) c.getLong("http.max-request-bytes"),
        c.getInt("http.max-pipelined-requests"),
        c.getInt("http.max-queued-requests"),
        c.getDuration("http.body-timeout"),
        java.util.Arrays.stream(c.getString("http.cors.allowed-origins").split(",")).map(String::trim)
            .filter(o -> !o.isEmpty()).toList(),
        c.getLong("admission.max-in-flight-bytes"),
        c.getString("kafka.bootstrap.servers"),
        topicsOf(c),
        (int) c.getLong("kafka.max-record-bytes"),
        c.getString("kafka.records").equals("per-key"),
        c.getInt(FanOutLimits.MAX_RESOURCES),
        c.getInt(FanOutLimits.MAX_SERVICES),
        c.getInt(FanOutLimits.MAX_PARTITIONS),
        c.getLong(SignalReceiver.MAX_SPLIT_BYTES),
        c.getDuration("kafka.linger"),
        (int) c.getLong("kafka.batch-size"),
        c.getDuration("kafka.delivery-timeout"),
        c.getLong("kafka.max-in-flight-bytes"),
        c.getInt("kafka.sender-threads"),
        c.getDuration("shutdown.grace"),
        c.getString("metrics.host"),
        c.getInt("metrics.port"),
        c.getDuration("readiness.interval"),
        c.getDuration("readiness.timeout"),
        c.withPrefix("kafka.producer."));
    for (String owned : new String[] {"bootstrap.servers", "acks", "enable.idempotence", "compression.type",
        "key.serializer", "value.serializer"}) {
      if (g.producerProperties.containsKey(owned)) {
        throw new ConfigException("key 'kafka.producer." + owned + "' is set by the gateway itself"
            + (owned.equals("bootstrap.servers") ? "; use 'kafka.bootstrap.servers'" : " and cannot be overridden"));
      }
    }
    return g;
  }
}
