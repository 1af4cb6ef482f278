package io.otlake.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

  /** A thread's user and system CPU time from its {@code /proc/self/task/<id>/stat} line, in nanoseconds. */
  private static long cpuNanos(String statLine) {
    // fields after the command's closing parenthesis: state is the 3rd field, utime the 14th, stime the 15th
    String[] f = statLine.substring(statLine.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
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
    long nanos = 0;
    for (Path stat : COMPILER_TASKS) {
      try {
        nanos += cpuNanos(Files.readString(stat));
      } catch (IOException | RuntimeException e) {
        return -1; // a compiler thread ended after all: its CPU would be missing
      }
    }
    return nanos;
  }

  /**
   * CPU time (nanoseconds, in 10 ms ticks) of every live thread of this JVM so far, summed by thread name with its
   * numbers left out ("GC Thread#0" and "GC Thread#1" count as "GC Thread#"), or an empty map where /proc cannot be
   * read. Reads every thread's stat file: for the start and end of a window, not for sampling often.
   */
  static Map<String, Long> byThreadName() {
    Map<String, Long> out = new TreeMap<>();
    try (Stream<Path> all = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) all::iterator) {
        try {
          String line = Files.readString(task.resolve("stat"));
          String name = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')')).replaceAll("[0-9]+", "");
          out.merge(name, cpuNanos(line), Long::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended while the directory was read
        }
      }
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    return out;
  }

  /**
   * The CPU each thread name spent between two {@link #byThreadName} snapshots, in microseconds per item, largest
   * first, names under 0.05 µs left out; threads that ended in between count from zero, so the figures are a
   * breakdown for finding where the time goes, not exact.
   */
  static String perItem(Map<String, Long> before, Map<String, Long> after, long items) {
    List<Map.Entry<String, Long>> d = new ArrayList<>();
    for (Map.Entry<String, Long> e : after.entrySet()) {
      long v = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      if (v > 0) {
        d.add(Map.entry(e.getKey(), v));
      }
    }
    d.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
    StringBuilder s = new StringBuilder();
    for (Map.Entry<String, Long> e : d) {
      double us = e.getValue() / 1e3 / items;
      if (us >= 0.05) {
        s.append(s.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
            .append(Math.round(us * 100) / 100.0);
      }
    }
    return s.toString();
  }

  /**
   * A full collection, then a wait (at most 20 s) until the JIT compiler threads and G1's background threads (its
   * service thread, concurrent markers and refinement threads) have used no CPU for 300 ms. After a phase that
   * filled gigabytes of heap, the collection shrinks the heap and G1's service thread gives the memory back to the
   * OS for seconds afterwards (1.5-2 µs per span of a 120,000-span writer run that followed at once): that is the
   * previous phase's cost, not the next one's.
   */
  static void settle() {
    System.gc();
    awaitIdle(() -> {
      long jit = jitCpuNanos();
      long g1 = threadCpuNanos("G1 ");
      return jit < 0 || g1 < 0 ? -1 : jit + g1;
    });
  }

  /** CPU time (in 10 ms ticks) of this JVM's live threads whose name starts with {@code prefix}, or -1. */
  private static long threadCpuNanos(String prefix) {
    long sum = 0;
    try (Stream<Path> all = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) all::iterator) {
        try {
          String line = Files.readString(task.resolve("stat"));
          if (line.startsWith(prefix, line.indexOf('(') + 1)) {
            sum += cpuNanos(line);
          }
        } catch (IOException | RuntimeException e) {
          // the thread ended while the directory was read
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return sum;
  }

  private static void awaitIdle(java.util.function.LongSupplier cpu) {
    long last = cpu.getAsLong();
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
      long now = cpu.getAsLong();
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
