package io.otlake.proto.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Whether the service's dependencies answer, for {@code /readyz}. Each dependency is checked on its own daemon
 * thread every interval; the probe only reads the last results, so it never waits on a dependency. A dependency is
 * not ready when its last check failed, when none has finished yet, or when the current check has run longer than
 * the timeout (a hung connection counts as unreachable without waiting for it).
 */
public final class Readiness implements AutoCloseable {
  /** One dependency's check: returns when it answered, throws when it did not (within {@code timeout}). */
  @FunctionalInterface
  public interface Check {
    void run(Duration timeout) throws Exception;
  }

  private final List<Dependency> dependencies = new ArrayList<>();
  private final Duration timeout;
  private final LongSupplier nanoClock;

  private static final class Dependency {
    final String name;
    final Check check;
    Thread thread;
    volatile long runningSince; // 0 when idle
    volatile String problem = "not checked yet";

    Dependency(String name, Check check) {
      this.name = name;
      this.check = check;
    }
  }

  private Readiness(Duration timeout, LongSupplier nanoClock) {
    this.timeout = timeout;
    this.nanoClock = nanoClock;
  }

  /** Starts checking each dependency (by name, in order) every {@code interval}. */
  public static Readiness start(Map<String, Check> checks, Duration interval, Duration timeout) {
    Readiness r = new Readiness(timeout, System::nanoTime);
    for (Map.Entry<String, Check> e : new LinkedHashMap<>(checks).entrySet()) {
      Dependency d = new Dependency(e.getKey(), e.getValue());
      d.thread = new Thread(() -> r.loop(d, interval), "otlake-ready-" + d.name);
      d.thread.setDaemon(true);
      r.dependencies.add(d);
    }
    r.dependencies.forEach(d -> d.thread.start());
    return r;
  }

  private void loop(Dependency d, Duration interval) {
    while (!Thread.currentThread().isInterrupted()) {
      d.runningSince = Math.max(1, nanoClock.getAsLong());
      String problem;
      try {
        d.check.run(timeout);
        problem = null;
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        problem = describe(e);
      }
      d.problem = problem;
      d.runningSince = 0;
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static String describe(Throwable e) {
    Throwable cause = e;
    while ((cause instanceof java.util.concurrent.ExecutionException
        || cause instanceof java.util.concurrent.CompletionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    String text = cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    text = text.replace('\n', ' ');
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }

  /** Why the service is not ready, one line per dependency that is not, or null when all answer. */
  public String problems() {
    StringBuilder out = new StringBuilder();
    long now = nanoClock.getAsLong();
    for (Dependency d : dependencies) {
      long since = d.runningSince;
      String problem = d.problem;
      if (since != 0 && now - since > timeout.toNanos()) {
        problem = "no answer for " + Duration.ofNanos(now - since).toSeconds() + " s";
      }
      if (problem != null) {
        out.append(d.name).append(" not reachable: ").append(problem).append('\n');
      }
    }
    return out.length() == 0 ? null : out.toString();
  }

  @Override
  public void close() {
    dependencies.forEach(d -> d.thread.interrupt());
  }
}
