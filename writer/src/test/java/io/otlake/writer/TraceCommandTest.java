package io.otlake.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The command lines of {@code ./otlake trace}, {@code status} and {@code maintain} (read by the one
 * {@code CommandConfig.Args}): mistakes are one line, status 2, no I/O.
 */
class TraceCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int trace(String... args) {
    return TraceCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private int status(String... args) {
    return StatusCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private int maintain(String... args) {
    return MaintainCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String errors() {
    String e = err.toString(StandardCharsets.UTF_8);
    err.reset();
    return e;
  }

  @Test
  void aTraceIdIsThirtyTwoHexDigits() {
    assertThat(trace("abc")).isEqualTo(2);
    assertThat(errors()).isEqualTo("otlake trace: 'abc' is not a trace id (32 hex digits)\n");
    assertThat(trace("4bf92f3577b34da6a3ce929d0e0e473g")).isEqualTo(2);
    assertThat(errors()).contains("is not a trace id");
    assertThat(trace("4bf92f3577b34da6a3ce929d0e0e47361")).isEqualTo(2);
    assertThat(errors()).contains("is not a trace id");
  }

  @Test
  void traceMistakes() {
    assertThat(trace()).isEqualTo(2);
    assertThat(errors()).contains("usage: otlake trace");
    assertThat(trace("--config")).isEqualTo(2);
    assertThat(errors()).isEqualTo("otlake trace: --config needs a value (see --help)\n");
    assertThat(trace("4bf92f3577b34da6a3ce929d0e0e4736", "4bf92f3577b34da6a3ce929d0e0e4736")).isEqualTo(2);
    assertThat(errors()).contains("unexpected argument");
    assertThat(trace("--data", "/nonexistent", "4bf92f3577b34da6a3ce929d0e0e4736")).isEqualTo(2);
    assertThat(errors()).isEqualTo("otlake trace: no /nonexistent/catalog.properties: start ./otlake local (it"
        + " writes that file) or give the writer's configuration with --config\n");
    assertThat(trace("--config", "a.yaml", "--data", "d", "4bf92f3577b34da6a3ce929d0e0e4736")).isEqualTo(2);
    assertThat(errors()).isEqualTo("otlake trace: give --config or --data, not both\n");
    assertThat(trace("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--data DIR");
  }

  @Test
  void statusMistakes() {
    assertThat(status("--jason")).isEqualTo(2);
    assertThat(errors()).isEqualTo("otlake status: unexpected argument '--jason' (see --help)\n");
    assertThat(status("--data")).isEqualTo(2);
    assertThat(errors()).isEqualTo("otlake status: --data needs a value (see --help)\n");
    assertThat(status("--config", "/nonexistent/writer.yaml")).isEqualTo(2);
    assertThat(errors()).startsWith("configuration error: ").contains("writer.yaml");
    assertThat(status("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: otlake status").contains("--json");
  }

  @Test
  void maintainMistakes() {
    assertThat(maintain("--tables", "otel.traces")).isEqualTo(2);
    assertThat(errors()).isEqualTo("otlake maintain: unexpected argument '--tables' (see --help)\n");
    assertThat(maintain("--table", "traces")).isEqualTo(2);
    assertThat(errors()).isEqualTo("otlake maintain: --table takes NAMESPACE.NAME, not 'traces'\n");
    assertThat(maintain("--set", "=1")).isEqualTo(2);
    assertThat(errors()).isEqualTo("otlake maintain: --set takes KEY=VALUE, not '=1'\n");
    assertThat(maintain("--steps")).isEqualTo(2);
    assertThat(errors()).isEqualTo("otlake maintain: --steps needs a value (see --help)\n");
    assertThat(maintain("--config", "a.yaml", "--data", "d")).isEqualTo(2);
    assertThat(errors()).isEqualTo("otlake maintain: give --config or --data, not both\n");
    assertThat(maintain("--config", "/nonexistent/writer.yaml")).isEqualTo(2);
    assertThat(errors()).startsWith("configuration error: ").contains("writer.yaml");
  }
}
