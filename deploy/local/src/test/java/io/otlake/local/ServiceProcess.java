package io.otlake.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of our services ({@code io.otlake.gateway.Main}, {@code io.otlake.writer.Main}) run as its own JVM, as an
 * operator runs it: {@code --config} a YAML file, output to a log file, its probes and metrics read over HTTP on the
 * metrics port the config names. The classpath is the test JVM's own (which holds both services and their
 * dependencies). Stopped with SIGTERM (the service's clean shutdown), then killed.
 */
final class ServiceProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Process process;
  private final Path log;
  private final int metricsPort;

  private ServiceProcess(String name, Process process, Path log, int metricsPort) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.metricsPort = metricsPort;
  }

  /** Starts {@code mainClass --config <dir>/<name>.yaml} with {@code settings}, which must name its metrics port. */
  static ServiceProcess start(String name, String mainClass, Path dir, Map<String, String> settings, String heap) {
    Path config = dir.resolve(name + ".yaml");
    TestLake.writeConfig(config, settings);
    Path log = dir.resolve(name + ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.add("--config");
    cmd.add(config.toString());
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      return new ServiceProcess(name, p, log, Integer.parseInt(settings.get("metrics.port")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** {@code GET path} on the metrics port: status and body, or status -1 when nothing answers. */
  HttpAnswer get(String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return new HttpAnswer(r.statusCode(), r.body());
    } catch (IOException e) {
      return new HttpAnswer(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  record HttpAnswer(int status, String body) {}

  /** Waits until {@code /readyz} answers 200 (true) or {@code timeout} passed (false). */
  boolean awaitReady(Duration timeout) {
    return awaitReadyz(timeout, 200) != null;
  }

  /**
   * Waits until {@code /readyz} answers {@code status}; returns that answer, or null after {@code timeout}. Fails at
   * once if the process exited.
   */
  HttpAnswer awaitReadyz(Duration timeout, int status) {
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; see " + log);
      }
      HttpAnswer a = get("/readyz");
      if (a.status() == status) {
        return a;
      }
      ChildJvm.sleep(250);
    } while (System.nanoTime() < deadline);
    return null;
  }

  /** The sum of a Prometheus counter's samples whose labels contain {@code labels} (e.g. {@code signal="traces"}). */
  double counter(String metric, String labels) {
    HttpAnswer a = get("/metrics");
    if (a.status() != 200) {
      throw new IllegalStateException(name + " /metrics answered " + a.status() + ": " + a.body());
    }
    Pattern line = Pattern.compile("^" + Pattern.quote(metric) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);
    Matcher m = line.matcher(a.body());
    double sum = 0;
    while (m.find()) {
      if (labels.isEmpty() || m.group(1) != null && m.group(1).contains(labels)) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  /** Lines of the log that contain {@code text}. */
  long logLines(String text) {
    try (var lines = Files.lines(log)) {
      return lines.filter(l -> l.contains(text)).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      ChildJvm.stop(process.toHandle(), 60); // a writer commits its batch on SIGTERM: give it time
    }
  }
}
