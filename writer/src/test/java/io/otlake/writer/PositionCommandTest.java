package io.otlake.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command line of {@code ./otlake position}: every mistake is one line and exit status 2, before any I/O. */
class PositionCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return PositionCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpPrintsTheUsage() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("otlake position [--config FILE | --data DIR] [--table TABLE] set");
  }

  @Test
  void anUnknownTableIsOneLine() {
    assertThat(run("--table", "nope", "show")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no table 'nope'").contains("traces");
  }

  @Test
  void mistakesAreOneLineAndStatusTwo() {
    assertThat(run("set")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("set needs --all earliest|latest or PARTITION=OFFSET");
    err.reset();
    assertThat(run("set", "--all", "oldest")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--all takes earliest or latest, not 'oldest'");
    err.reset();
    assertThat(run("set", "0=abc")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unexpected argument '0=abc'");
    err.reset();
    assertThat(run("show", "--config")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--config needs a value");
    err.reset();
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: otlake position");
  }

  @Test
  void aBadConfigurationNamesTheKey() {
    assertThat(run("--config", "/nonexistent/writer.yaml", "show")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("writer.yaml");
  }
}
