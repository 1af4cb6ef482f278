package io.otlake.writer.write;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bound on Parquet files open at once in the whole writer (every signal's poll loop and every table): each open
 * file holds page buffers for all its columns (about 0.3 MiB on demo spans). A batch that needs a new file when the
 * bound is reached finishes its own largest open file first; one that has none open opens anyway, so the bound is
 * exceeded by at most one file per table.
 */
public final class OpenFileBudget {
  private final int max;
  private final AtomicInteger open = new AtomicInteger();

  public OpenFileBudget(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("at least one open file is needed, not " + max);
    }
    this.max = max;
  }

  public int max() {
    return max;
  }

  /** Takes a file if the bound allows one. */
  boolean tryOpen() {
    while (true) {
      int n = open.get();
      if (n >= max) {
        return false;
      }
      if (open.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Takes a file whatever the bound (after finishing one of one's own, or when one has none open). */
  void open() {
    open.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }

  /** Files open now. */
  public int openFiles() {
    return open.get();
  }
}
