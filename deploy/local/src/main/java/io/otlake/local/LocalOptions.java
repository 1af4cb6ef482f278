package io.otlake.local;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of {@code ./otlake local}. The OTLP, REST catalog and metrics ports listen on 127.0.0.1 unless
 * {@code --host} or {@code --listen-all} opens them (as the OpenTelemetry Collector binds to localhost by default);
 * Kafka and the S3 server always listen on 127.0.0.1. Every port it opens has a flag.
 */
record LocalOptions(Path data, String host, Ports ports, boolean help) {
  static final String LOOPBACK = "127.0.0.1";
  static final String ALL = "0.0.0.0";

  /** The ports of local mode (0: picked free). */
  record Ports(int grpc, int http, int rest, int gatewayMetrics, int writerMetrics, int kafka, int kafkaController,
      int s3) {
    static final Ports DEFAULTS = new Ports(4317, 4318, 8181, 9464, 9465, 9092, 9093, 9000);
  }

  static final String USAGE = String.join("\n",
      "usage: otlake local [--data DIR] [--host ADDR | --listen-all] [--grpc-port N] [--http-port N]",
      "                    [--rest-port N] [--metrics-port N] [--writer-metrics-port N]",
      "                    [--kafka-port N] [--kafka-controller-port N] [--s3-port N]",
      "",
      "Runs otlake and everything it needs on this machine: a Kafka broker (KRaft), an S3 API server",
      "(S3Proxy) storing under DIR, a JDBC catalog on SQLite served as an Iceberg REST catalog, one writer",
      "and the gateway. DIR defaults to ./otlake-data; data survives a restart. One ./otlake local at a",
      "time per DIR. Ports default to 4317 (OTLP/gRPC), 4318 (OTLP/HTTP), 8181 (Iceberg REST catalog),",
      "9464 and 9465 (gateway and writer metrics), 9092 and 9093 (Kafka and its controller), 9000 (S3);",
      "0 picks a free one. The OTLP, REST catalog and metrics ports listen on 127.0.0.1 only; --host ADDR",
      "listens on ADDR instead, --listen-all on every interface (0.0.0.0). Kafka and S3 always listen on",
      "127.0.0.1. The gateway and writer also take their usual OTLAKE_GATEWAY_* and OTLAKE_WRITER_*",
      "environment variables.",
      "");

  private static final List<String> VALUED = List.of("--data", "--host", "--grpc-port", "--http-port", "--rest-port",
      "--metrics-port", "--writer-metrics-port", "--kafka-port", "--kafka-controller-port", "--s3-port");

  /** Parses the arguments; throws IllegalArgumentException, in one line, naming an unknown or incomplete one. */
  static LocalOptions parse(String... args) {
    Path data = Path.of("otlake-data");
    String host = LOOPBACK;
    Ports d = Ports.DEFAULTS;
    int grpc = d.grpc();
    int http = d.http();
    int rest = d.rest();
    int gatewayMetrics = d.gatewayMetrics();
    int writerMetrics = d.writerMetrics();
    int kafka = d.kafka();
    int controller = d.kafkaController();
    int s3 = d.s3();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        return new LocalOptions(data, host, d, true);
      }
      if (a.equals("--listen-all")) {
        host = ALL;
        continue;
      }
      if (!VALUED.contains(a)) {
        throw new IllegalArgumentException("unknown argument: " + a);
      }
      if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--data" -> data = Path.of(v);
        case "--host" -> host = v;
        case "--grpc-port" -> grpc = port(a, v);
        case "--http-port" -> http = port(a, v);
        case "--rest-port" -> rest = port(a, v);
        case "--metrics-port" -> gatewayMetrics = port(a, v);
        case "--writer-metrics-port" -> writerMetrics = port(a, v);
        case "--kafka-port" -> kafka = port(a, v);
        case "--kafka-controller-port" -> controller = port(a, v);
        default -> s3 = port(a, v);
      }
    }
    return new LocalOptions(data, host,
        new Ports(grpc, http, rest, gatewayMetrics, writerMetrics, kafka, controller, s3), false);
  }

  private static int port(String option, String value) {
    try {
      int p = Integer.parseInt(value);
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException(option + " takes a port 0..65535, got '" + value + "'");
  }

  /** Every port local mode opens, with its flag and address, for {@link PortCheck}. */
  List<PortCheck.Wanted> wantedPorts() {
    return List.of(
        new PortCheck.Wanted("--grpc-port", "OTLP/gRPC", host, ports.grpc()),
        new PortCheck.Wanted("--http-port", "OTLP/HTTP", host, ports.http()),
        new PortCheck.Wanted("--rest-port", "Iceberg REST catalog", host, ports.rest()),
        new PortCheck.Wanted("--metrics-port", "gateway metrics", host, ports.gatewayMetrics()),
        new PortCheck.Wanted("--writer-metrics-port", "writer metrics", host, ports.writerMetrics()),
        new PortCheck.Wanted("--kafka-port", "Kafka", LOOPBACK, ports.kafka()),
        new PortCheck.Wanted("--kafka-controller-port", "Kafka controller", LOOPBACK, ports.kafkaController()),
        new PortCheck.Wanted("--s3-port", "S3 API", LOOPBACK, ports.s3()));
  }

  /** The gateway's settings: Kafka of this machine, the OTLP and metrics ports on {@link #host}. */
  Map<String, String> gatewayOverrides(String bootstrapServers) {
    Map<String, String> g = new LinkedHashMap<>();
    g.put("kafka.bootstrap.servers", bootstrapServers);
    g.put("grpc.host", host);
    g.put("grpc.port", Integer.toString(ports.grpc()));
    g.put("http.host", host);
    g.put("http.port", Integer.toString(ports.http()));
    g.put("metrics.host", host);
    g.put("metrics.port", Integer.toString(ports.gatewayMetrics()));
    return g;
  }

  /** The writer's settings beyond the infrastructure's: its metrics port on {@link #host}. */
  Map<String, String> writerOverrides(Map<String, String> infrastructure) {
    Map<String, String> w = new LinkedHashMap<>(infrastructure);
    w.put("metrics.host", host);
    w.put("metrics.port", Integer.toString(ports.writerMetrics()));
    return w;
  }

  /** The host name to print in endpoints: localhost for the loopback or every interface, else the address. */
  String shownHost() {
    return host.equals(LOOPBACK) || host.equals(ALL) ? "localhost" : host;
  }
}
