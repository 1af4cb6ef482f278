package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.otlake.gateway.config.GatewayConfig;
import io.otlake.writer.config.WriterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every config file we ship loads without unknown keys or invalid values. */
class DeployConfigsTest {
  private static final Path CONFIG = Path.of("..", "config");

  @Test
  void gatewayConfigLoads() {
    GatewayConfig c = GatewayConfig.load(CONFIG.resolve("gateway.yaml"), Map.of(), Map.of());
    assertThat(c.grpcPort()).isEqualTo(4317);
    assertThat(c.httpPort()).isEqualTo(4318);
    assertThat(c.maxRequestBytes()).isEqualTo(4 << 20);
    assertThat(c.httpMaxPipelinedRequests()).isEqualTo(8);
    assertThat(c.httpMaxQueuedRequests()).isEqualTo(256);
    assertThat(c.admissionMaxInFlightBytes()).isBetween(16L << 20, 1L << 30);
    assertThat(c.producerProperties()).containsEntry("client.id", "otlake-gateway");
  }

  @Test
  void everyWriterConfigLoads() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(CONFIG)) {
      files = s.filter(p -> p.getFileName().toString().startsWith("writer")).toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(3);
    for (Path f : files) {
      WriterConfig c = WriterConfig.load(f, Map.of(), Map.of());
      assertThat(c.catalogProperties()).as(f.toString()).containsKey("type");
    }
    WriterConfig main = WriterConfig.load(CONFIG.resolve("writer.yaml"), Map.of(), Map.of());
    assertThat(main.catalogProperties()).containsEntry("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    assertThat(main.consumerProperties()).containsEntry("max.poll.records", "2000");
  }
}
