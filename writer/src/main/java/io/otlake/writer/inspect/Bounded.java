package io.otlake.writer.inspect;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a call that may hang on an unreachable service (a catalog's JDBC connect, an S3 read with the SDK's retries) on
 * a daemon thread of its own and waits at most a timeout for it, so a command fails with one line instead of
 * hanging. A call that times out is interrupted and left to end by itself (the command exits soon after).
 */
public final class Bounded {
  private Bounded() {}

  /** The call's result; {@link Unreachable} naming {@code what} if it failed or took longer than {@code timeout}. */
  public static <T> T call(String what, Duration timeout, Callable<T> call) {
    FutureTask<T> task = new FutureTask<>(call);
    Thread t = new Thread(task, "otlake-command-call");
    t.setDaemon(true);
    t.start();
    try {
      return task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      task.cancel(true);
      throw new Unreachable(what + ": no answer within " + timeout.toSeconds() + " s", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof Unreachable u) {
        throw u;
      }
      throw new Unreachable(what + ": " + oneLine(c), c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable(what + ": interrupted", e);
    }
  }

  /** A throwable's message and its root cause's, on one line. */
  public static String oneLine(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    if (root != t && root.getMessage() != null && !m.contains(root.getMessage())) {
      m = m + " (" + root.getMessage() + ")";
    }
    return m.replace('\n', ' ').replace('\r', ' ');
  }
}
