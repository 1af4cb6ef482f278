package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otlake.gateway.config.GatewayConfig;
import io.otlake.writer.config.WriterConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalOptionsTest {
  private static final Map<String, String> INFRA = Map.of("kafka.bootstrap.servers", "127.0.0.1:9092",
      "iceberg.catalog.type", "jdbc", "iceberg.catalog.warehouse", "s3://otlake/warehouse");

  @Test
  void otlpAndMetricsPortsListenOnTheLoopbackByDefault() {
    LocalOptions o = LocalOptions.parse();
    GatewayConfig gateway = GatewayConfig.load(null, Map.of(), o.gatewayOverrides("127.0.0.1:9092"));
    assertThat(gateway.grpcHost()).isEqualTo("127.0.0.1");
    assertThat(gateway.httpHost()).isEqualTo("127.0.0.1");
    assertThat(gateway.metricsHost()).isEqualTo("127.0.0.1");
    assertThat(gateway.grpcPort()).isEqualTo(4317);
    assertThat(gateway.httpPort()).isEqualTo(4318);
    WriterConfig writer = WriterConfig.load(null, Map.of(), o.writerOverrides(INFRA));
    assertThat(writer.metricsHost()).isEqualTo("127.0.0.1");
    assertThat(o.data()).isEqualTo(Path.of("otlake-data"));
  }

  @Test
  void listenAllAndHostOpenThem() {
    LocalOptions all = LocalOptions.parse("--listen-all", "--grpc-port", "14317");
    GatewayConfig gateway = GatewayConfig.load(null, Map.of(), all.gatewayOverrides("127.0.0.1:9092"));
    assertThat(gateway.grpcHost()).isEqualTo("0.0.0.0");
    assertThat(gateway.httpHost()).isEqualTo("0.0.0.0");
    assertThat(gateway.metricsHost()).isEqualTo("0.0.0.0");
    assertThat(gateway.grpcPort()).isEqualTo(14317);
    assertThat(WriterConfig.load(null, Map.of(), all.writerOverrides(INFRA)).metricsHost()).isEqualTo("0.0.0.0");

    LocalOptions one = LocalOptions.parse("--host", "10.1.2.3", "--data", "/tmp/lake");
    assertThat(one.gatewayOverrides("b:1")).containsEntry("grpc.host", "10.1.2.3")
        .containsEntry("http.host", "10.1.2.3").containsEntry("metrics.host", "10.1.2.3");
    assertThat(one.shownHost()).isEqualTo("10.1.2.3");
    assertThat(one.data()).isEqualTo(Path.of("/tmp/lake"));
  }

  @Test
  void theFlagWinsOverTheEnvironmentSoTheDefaultIsReallyTheLoopback() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("OTLAKE_GATEWAY_GRPC_HOST", "0.0.0.0");
    GatewayConfig gateway = GatewayConfig.load(null, env, LocalOptions.parse().gatewayOverrides("b:1"));
    assertThat(gateway.grpcHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> LocalOptions.parse("--grpc-port", "70000")).hasMessageContaining("--grpc-port");
    assertThatThrownBy(() -> LocalOptions.parse("--host")).hasMessage("--host needs a value");
    assertThatThrownBy(() -> LocalOptions.parse("--open")).hasMessage("unknown argument: --open");
    assertThat(LocalOptions.parse("--help").help()).isTrue();
  }
}
