package io.otlake.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Process CPU time and heap after garbage collection of this JVM. */
final class Cpu {
  private Cpu() {}

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Linux's USER_HZ, the unit of /proc's CPU times (100 on every architecture the JDK runs on). */
  private static final long TICK_NANOS = 10_000_000L;

  /**
   * The {@code /proc/self/task} entries of this JVM's JIT compiler threads, found once (bench/run keeps their number
   * fixed, so none starts or exits later), or null where /proc cannot be read.
   */
  private static final List<Path> COMPILER_TASKS = compilerTasks();

  private static List<Path> compilerTasks() {
    try (Stream<Path> all = Files.list(Path.of("/proc/self/task"))) {
      List<Path> out = new ArrayList<>();
      for (Path task : (Iterable<Path>) all::iterator) {
        if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
          out.add(task.resolve("stat"));
        }
      }
      return out.isEmpty() ? null : List.copyOf(out);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * CPU time of this JVM's JIT compiler threads so far (in 10 ms ticks), or -1 where /proc cannot be read.
   * Subtracted from {@link #processCpuNanos} over a window, what is left is the work's own CPU with its garbage
   * collection but without compiling code, which a short run pays and a writer running for days does not. Reads
   * only the compiler threads' stat files, so sampling it often costs the measured process little.
   */
  static long jitCpuNanos() {
    if (COMPILER_TASKS == null) {
      return -1;
    }
    long ticks = 0;
    for (Path stat : COMPILER_TASKS) {
      try {
        String line = Files.readString(stat);
        // fields after the command's closing parenthesis: state is the 3rd field, utime the 14th, stime the 15th
        String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (IOException | RuntimeException e) {
        return -1; // a compiler thread ended after all: its CPU would be missing
      }
    }
    return ticks * TICK_NANOS;
  }

  /**
   * Waits (at most 20 s) until the JIT compiler threads have used no CPU for 300 ms: code queued for compiling by
   * one measured phase is then compiled before the next starts, instead of counting in the next one's CPU.
   */
  static void awaitJitIdle() {
    long last = jitCpuNanos();
    if (last < 0) {
      return;
    }
    long deadline = System.nanoTime() + 20_000_000_000L;
    int quiet = 0;
    while (quiet < 3 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      long now = jitCpuNanos();
      quiet = now == last ? quiet + 1 : 0;
      last = now;
    }
  }

  /** Heap in use after a few full collections, in bytes. */
  static long heapAfterGc() {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return mem.getHeapMemoryUsage().getUsed();
  }
}
