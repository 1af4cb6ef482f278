package io.otlake.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A server run as its own JVM from a folder of jars (the Kafka broker, S3Proxy): same binaries as production, no
 * classpath clashes with ours. Its output goes to a log file; it is stopped with SIGTERM, then killed. While it runs
 * its pid, start time and main class are recorded in {@code <name>.pid} beside the log ({@link #pidFile}), so that a
 * launcher that died without stopping it ({@code kill -9}) can be cleaned up after ({@link DataFolder#stopLeftovers}).
 */
final class ChildJvm implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final Path pidFile;

  private ChildJvm(String name, Process process, Path log, Path pidFile) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.pidFile = pidFile;
  }

  /** Where a child named {@code name} whose log is in {@code dir} records its process. */
  static Path pidFile(Path dir, String name) {
    return dir.resolve(name + ".pid");
  }

  /** What a pid file says: the child's name, pid, start time (epoch ms, -1 unknown) and main class. */
  record Recorded(String name, long pid, long startMillis, String mainClass) {
    static Optional<Recorded> read(Path file) {
      try {
        if (!Files.exists(file)) {
          return Optional.empty();
        }
        String[] f = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
        return f.length == 4 ? Optional.of(new Recorded(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), f[3]))
            : Optional.empty();
      } catch (IOException | NumberFormatException e) {
        return Optional.empty();
      }
    }

    static Recorded of(String name, ProcessHandle p, String mainClass) {
      return new Recorded(name, p.pid(), p.info().startInstant().map(Instant::toEpochMilli).orElse(-1L), mainClass);
    }

    void write(Path file) throws IOException {
      Files.writeString(file, name + " " + pid + " " + startMillis + " " + mainClass + "\n", StandardCharsets.UTF_8);
    }

    /**
     * The recorded process if it is still running and is the one recorded: same start time when both are known,
     * else a command line naming the main class. A pid reused by another process since is not it.
     */
    Optional<ProcessHandle> process() {
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> {
        Optional<Instant> start = p.info().startInstant();
        if (startMillis >= 0 && start.isPresent()) {
          return Math.abs(start.get().toEpochMilli() - startMillis) < 1000;
        }
        return p.info().commandLine().map(c -> c.contains(mainClass)).orElse(false);
      });
    }
  }

  /** Stops a process as {@link #close} stops a child: SIGTERM, up to 30 s, then SIGKILL; true once it is gone. */
  static boolean stop(ProcessHandle p) {
    return stop(p, 30);
  }

  /** SIGTERM, up to {@code graceSeconds} for a clean shutdown, then SIGKILL; true once the process is gone. */
  static boolean stop(ProcessHandle p, long graceSeconds) {
    p.destroy();
    try {
      p.onExit().get(graceSeconds, TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      p.destroyForcibly();
      try {
        p.onExit().get(10, TimeUnit.SECONDS);
        return true;
      } catch (Exception again) {
        return !p.isAlive();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    } catch (java.util.concurrent.ExecutionException e) {
      return !p.isAlive();
    }
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
      Path pidFile = pidFile(log.getParent(), name);
      try {
        Recorded.of(name, p.toHandle(), mainClass).write(pidFile);
      } catch (IOException e) {
        p.destroyForcibly();
        throw e;
      }
      return new ChildJvm(name, p, log, pidFile);
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
    child.close();
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
    if (process.isAlive()) {
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
    if (!process.isAlive()) {
      try {
        Files.deleteIfExists(pidFile);
      } catch (IOException e) {
        // the next start finds the process gone and removes it then
      }
    }
  }
}
