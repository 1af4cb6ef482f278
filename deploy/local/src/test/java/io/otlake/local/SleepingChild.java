package io.otlake.local;

/** A stand-in for a child server in tests of the launcher's cleanup: a JVM that only waits to be stopped. */
final class SleepingChild {
  private SleepingChild() {}

  public static void main(String[] args) throws InterruptedException {
    Thread.sleep(600_000);
  }
}
