package io.otlake.local;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command line of {@code ./otlake local}. The OTLP and metrics ports listen on 127.0.0.1 unless {@code --host}
 * or {@code --listen-all} opens them (as the OpenTelemetry Collector binds to localhost by default); Kafka and the S3
 * server always listen on 127.0.0.1.
 */
record LocalOptions(Path data, String host, int grpcPort, int httpPort, int kafkaPort, int s3Port, boolean help) {
  static final String LOOPBACK = "127.0.0.1";
  static final String ALL = "0.0.0.0";

  static final String USAGE = String.join("\n",
      "usage: otlake local [--data DIR] [--host ADDR | --listen-all] [--grpc-port N] [--http-port N]",
      "                    [--kafka-port N] [--s3-port N]",
      "",
      "Runs otlake and everything it needs on this machine: a Kafka broker (KRaft), an S3 API server",
      "(S3Proxy) storing under DIR, a JDBC catalog on SQLite, one writer and the gateway.",
      "DIR defaults to ./otlake-data; data survives a restart. Ports default to 4317 (OTLP/gRPC),",
      "4318 (OTLP/HTTP), 9092 (Kafka), 9000 (S3), 9464 and 9465 (gateway and writer metrics).",
      "The OTLP and metrics ports listen on 127.0.0.1 only; --host ADDR listens on ADDR instead,",
      "--listen-all on every interface (0.0.0.0). Kafka and S3 always listen on 127.0.0.1.",
      "The gateway and writer also take their usual OTLAKE_GATEWAY_* and OTLAKE_WRITER_* environment variables.",
      "");

  /** Parses the arguments; throws IllegalArgumentException naming an unknown or incomplete one. */
  static LocalOptions parse(String... args) {
    Path data = Path.of("otlake-data");
    String host = LOOPBACK;
    int grpcPort = 4317;
    int httpPort = 4318;
    int kafkaPort = 9092;
    int s3Port = 9000;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      boolean hasValue = i + 1 < args.length;
      switch (a) {
        case "--help", "-h" -> {
          return new LocalOptions(data, host, grpcPort, httpPort, kafkaPort, s3Port, true);
        }
        case "--listen-all" -> host = ALL;
        case "--data", "--host", "--grpc-port", "--http-port", "--kafka-port", "--s3-port" -> {
          if (!hasValue) {
            throw new IllegalArgumentException(a + " needs a value");
          }
          String v = args[++i];
          switch (a) {
            case "--data" -> data = Path.of(v);
            case "--host" -> host = v;
            case "--grpc-port" -> grpcPort = port(a, v);
            case "--http-port" -> httpPort = port(a, v);
            case "--kafka-port" -> kafkaPort = port(a, v);
            default -> s3Port = port(a, v);
          }
        }
        default -> throw new IllegalArgumentException("unknown argument: " + a);
      }
    }
    return new LocalOptions(data, host, grpcPort, httpPort, kafkaPort, s3Port, false);
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

  /** The gateway's settings: Kafka of this machine, the OTLP and metrics ports on {@link #host}. */
  Map<String, String> gatewayOverrides(String bootstrapServers) {
    Map<String, String> g = new LinkedHashMap<>();
    g.put("kafka.bootstrap.servers", bootstrapServers);
    g.put("grpc.host", host);
    g.put("grpc.port", Integer.toString(grpcPort));
    g.put("http.host", host);
    g.put("http.port", Integer.toString(httpPort));
    g.put("metrics.host", host);
    return g;
  }

  /** The writer's settings beyond the infrastructure's: its metrics port on {@link #host}. */
  Map<String, String> writerOverrides(Map<String, String> infrastructure) {
    Map<String, String> w = new LinkedHashMap<>(infrastructure);
    w.put("metrics.host", host);
    return w;
  }

  /** The host name to print in endpoints: localhost for the loopback or every interface, else the address. */
  String shownHost() {
    return host.equals(LOOPBACK) || host.equals(ALL) ? "localhost" : host;
  }
}
