package io.otlake.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
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
   * CPU time of this JVM's JIT compiler threads so far (their {@code /proc/self/task} entries, in 10 ms ticks), or
   * -1 where /proc cannot be read. Subtracted from {@link #processCpuNanos} over a window, what is left is the work's
   * own CPU with its garbage collection but without compiling code, which a short run pays and a writer running for
   * days does not (bench/run keeps compiler threads alive, so none exits and takes its CPU with it).
   */
  static long jitCpuNanos() {
    Path tasks = Path.of("/proc/self/task");
    long ticks = 0;
    try (Stream<Path> all = Files.list(tasks)) {
      for (Path task : (Iterable<Path>) all::iterator) {
        try {
          if (!Files.readString(task.resolve("comm")).contains("CompilerThre")) {
            continue;
          }
          String stat = Files.readString(task.resolve("stat"));
          // fields after the command's closing parenthesis: state is the 3rd field, utime the 14th, stime the 15th
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException gone) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return ticks * TICK_NANOS;
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
