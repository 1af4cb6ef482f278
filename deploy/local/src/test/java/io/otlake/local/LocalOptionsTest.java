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
  void everyPortHasAFlagAndIsChecked() {
    LocalOptions o = LocalOptions.parse("--grpc-port", "1", "--http-port", "2", "--rest-port", "3",
        "--metrics-port", "4", "--writer-metrics-port", "5", "--kafka-port", "6", "--kafka-controller-port", "7",
        "--s3-port", "8");
    assertThat(o.ports()).isEqualTo(new LocalOptions.Ports(1, 2, 3, 4, 5, 6, 7, 8));
    assertThat(o.wantedPorts()).extracting(PortCheck.Wanted::port).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(o.wantedPorts()).filteredOn(w -> w.flag().startsWith("--kafka") || w.flag().equals("--s3-port"))
        .extracting(PortCheck.Wanted::host).containsOnly("127.0.0.1");
    assertThat(LocalOptions.parse("--listen-all").wantedPorts()).filteredOn(w -> w.flag().equals("--rest-port"))
        .extracting(PortCheck.Wanted::host).containsExactly("0.0.0.0");
    assertThat(GatewayConfig.load(null, Map.of(), o.gatewayOverrides("b:1")).metricsPort()).isEqualTo(4);
    assertThat(WriterConfig.load(null, Map.of(), o.writerOverrides(INFRA)).metricsPort()).isEqualTo(5);
    assertThat(LocalOptions.parse().ports()).isEqualTo(LocalOptions.Ports.DEFAULTS);
    assertThat(LocalOptions.Ports.DEFAULTS.rest()).isEqualTo(8181);
  }

  @Test
  void aTakenPortIsRefusedNamingItsFlag() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> PortCheck.check(java.util.List.of(
          new PortCheck.Wanted("--rest-port", "Iceberg REST catalog", "127.0.0.1", port))))
          .isInstanceOf(PortCheck.BusyException.class)
          .hasMessageStartingWith("port " + port + " (Iceberg REST catalog, --rest-port) is already in use");
    }
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> LocalOptions.parse("--grpc-port", "abc")).hasMessage(
        "--grpc-port takes a port 0..65535, got 'abc'");
    assertThatThrownBy(() -> LocalOptions.parse("--data", "--listen-all")).hasMessage("--data needs a value");
    assertThatThrownBy(() -> LocalOptions.parse("--rest-port")).hasMessage("--rest-port needs a value");
    assertThatThrownBy(() -> LocalOptions.parse("--grpc-port", "70000")).hasMessageContaining("--grpc-port");
    assertThatThrownBy(() -> LocalOptions.parse("--host")).hasMessage("--host needs a value");
    assertThatThrownBy(() -> LocalOptions.parse("--open")).hasMessage("unknown argument: --open");
    assertThat(LocalOptions.parse("--help").help()).isTrue();
  }
}
