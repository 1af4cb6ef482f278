package io.otlake.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server run as its own JVM from a folder of jars (the Kafka broker, S3Proxy): same binaries as production, no
 * classpath clashes with ours. Its output goes to a log file; it is stopped with SIGTERM, then killed.
 */
final class ChildJvm implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** The child's process id (for fault-injection tests that pause it). */
  long pid() {
    return process.pid();
  }

  static ChildJvm start(String name, Path libDir, List<String> jvmArgs, String mainClass, List<String> args, Path log) {
    if (!Files.isDirectory(libDir)) {
      throw new IllegalStateException(name + " jars not found in " + libDir
          + ": build first (mvn -DskipTests package) or set -Dotlake." + name + ".lib");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(libDir.toAbsolutePath() + "/*");
    cmd.add(mainClass);
    cmd.addAll(args);
    try {
      Files.createDirectories(log.getParent());
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      return new ChildJvm(name, p, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** Runs a JVM to completion (e.g. a format tool) and fails if it exits non-zero. */
  static void runToEnd(String name, Path libDir, List<String> jvmArgs, String mainClass, List<String> args, Path log,
      long timeoutSeconds) {
    ChildJvm child = start(name, libDir, jvmArgs, mainClass, args, log);
    Thread stop = new Thread(child::close, "stop-" + name);
    Runtime.getRuntime().addShutdownHook(stop);
    try {
      if (!child.process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        child.close();
        throw new IllegalStateException(name + " did not finish in " + timeoutSeconds + "s; see " + log);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    Runtime.getRuntime().removeShutdownHook(stop);
    if (child.process.exitValue() != 0) {
      throw new IllegalStateException(name + " failed with exit code " + child.process.exitValue() + "; see " + log);
    }
  }

  /** Waits until the process accepts TCP connections on {@code port}. */
  void awaitPort(int port, long timeoutSeconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; see " + log);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        sleep(200);
      }
    }
    throw new IllegalStateException(name + " did not listen on port " + port + " within " + timeoutSeconds
        + "s; see " + log);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
