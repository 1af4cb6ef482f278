package io.otlake.proto.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otlake.proto.config.ConfigDef.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  private static final ConfigDef DEF = new ConfigDef()
      .define("server.port", Type.INT, 4317, "port", ConfigDef.between(0, 65535), "0..65535")
      .define("commit.interval", Type.DURATION, Duration.ofSeconds(10), "interval")
      .define("max-bytes", Type.SIZE, 1024L, "size")
      .define("name", Type.STRING, null, "required name")
      .passThrough("kafka.producer.", "the producer");

  @TempDir Path dir;

  @Test
  void yamlNestedAndDottedKeysThenEnvironmentThenOverrides() throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "server:\n  port: 1234\ncommit.interval: 250ms\nname: a\n"
        + "kafka:\n  producer:\n    linger.ms: 7\n");
    Config c = Config.load(DEF, file, Map.of("X_MAX_BYTES", "64MiB", "X_KAFKA_PRODUCER_MAX_IN_FLIGHT__REQUESTS", "3"),
        "X_", Map.of("name", "b"));
    assertThat(c.getInt("server.port")).isEqualTo(1234);
    assertThat(c.getDuration("commit.interval")).isEqualTo(Duration.ofMillis(250));
    assertThat(c.getLong("max-bytes")).isEqualTo(64L << 20);
    assertThat(c.getString("name")).isEqualTo("b");
    assertThat(c.withPrefix("kafka.producer."))
        .containsOnly(Map.entry("linger.ms", "7"), Map.entry("max.in.flight-requests", "3"));
  }

  @Test
  void errorsNameTheKey() throws Exception {
    assertThatThrownBy(() -> Config.load(DEF, null, Map.of(), "X_", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'name'");
    assertThatThrownBy(() -> Config.load(DEF, null, Map.of("X_SERVER_PORT", "70000"), "X_", Map.of("name", "a")))
        .hasMessageContaining("'server.port'").hasMessageContaining("0..65535");
    assertThatThrownBy(() -> Config.load(DEF, null, Map.of(), "X_", Map.of("name", "a", "commit.interval", "soon")))
        .hasMessageContaining("'commit.interval'").hasMessageContaining("duration");
    Path file = dir.resolve("typo.yaml");
    Files.writeString(file, "name: a\nserver:\n  prot: 1\n");
    assertThatThrownBy(() -> Config.load(DEF, file, Map.of(), "X_", Map.of()))
        .hasMessageContaining("unknown key 'server.prot'");
  }

  @Test
  void describeListsEveryKeyWithDefaultAndEnvironmentName() {
    String help = DEF.describe("X_");
    assertThat(help).contains("server.port", "4317", "X_SERVER_PORT", "commit.interval", "10s", "(required)",
        "kafka.producer.*", "X_KAFKA_PRODUCER_");
  }
}
