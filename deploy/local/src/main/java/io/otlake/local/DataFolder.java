package io.otlake.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The data folder of one {@code ./otlake local}, held with an exclusive lock on {@code <data>/otlake.lock} for as
 * long as it runs ({@link FileChannel#tryLock}; the operating system drops it when the process dies, even by
 * {@code kill -9}). A second instance on the same folder is refused before it touches anything. Holding the lock
 * also means that child servers recorded in the folder's pid files ({@link ChildJvm#pidFile}) belong to a launcher
 * that is gone: {@link #stopLeftovers} stops them.
 */
final class DataFolder implements AutoCloseable {
  static final String LOCK_FILE = "otlake.lock";
  /**
   * Folders this JVM holds. Checked before the lock file is opened at all: on POSIX systems closing any descriptor
   * of a file drops every lock the process holds on it, so this process must never open a held lock file again.
   */
  private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final FileChannel channel;
  private final FileLock lock;

  private DataFolder(Path dir, FileChannel channel, FileLock lock) {
    this.dir = dir;
    this.channel = channel;
    this.lock = lock;
  }

  /** Another process (or this one) holds the folder. */
  static final class InUseException extends RuntimeException {
    InUseException(String message) {
      super(message);
    }
  }

  /** Locks {@code dir} (created if missing); throws {@link InUseException} naming the holder when it is taken. */
  static DataFolder lock(Path dir) {
    Path d = dir.toAbsolutePath().normalize();
    Path lockFile = d.resolve(LOCK_FILE);
    if (!HELD.add(d)) {
      throw new InUseException(d + " is in use by another ./otlake local (in this process)"
          + "; stop it first, or give this one another --data folder");
    }
    FileChannel channel = null;
    try {
      Files.createDirectories(d);
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException sameProcess) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        HELD.remove(d);
        throw new InUseException(d + " is in use by another ./otlake local" + holder(lockFile)
            + "; stop it first, or give this one another --data folder");
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
      channel.force(false);
      return new DataFolder(d, channel, lock);
    } catch (IOException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // already failing
        }
      }
      HELD.remove(d);
      throw new UncheckedIOException("cannot lock " + lockFile, e);
    }
  }

  private static String holder(Path lockFile) {
    try {
      String pid = Files.readString(lockFile, StandardCharsets.US_ASCII).trim();
      return pid.isEmpty() ? "" : " (pid " + pid + ")";
    } catch (IOException e) {
      return "";
    }
  }

  Path dir() {
    return dir;
  }

  /** Where local mode's child servers record their process: the Kafka broker's and S3 server's pid files. */
  List<Path> childPidFiles() {
    return List.of(ChildJvm.pidFile(KafkaBroker.dirIn(dir), "kafka"), ChildJvm.pidFile(S3Server.dirIn(dir), "s3proxy"));
  }

  /**
   * Stops the child servers an earlier launcher on this folder left running (it died without stopping them) and
   * removes their pid files; returns one line per child found. A recorded pid that now names another process (not
   * started at the recorded time) is left alone.
   */
  List<String> stopLeftovers() {
    List<String> lines = new ArrayList<>();
    for (Path pidFile : childPidFiles()) {
      Optional<ChildJvm.Recorded> recorded = ChildJvm.Recorded.read(pidFile);
      if (recorded.isEmpty()) {
        continue;
      }
      ChildJvm.Recorded r = recorded.get();
      Optional<ProcessHandle> process = r.process();
      if (process.isPresent()) {
        boolean stopped = ChildJvm.stop(process.get());
        lines.add((stopped ? "stopped " : "could not stop ") + "the " + r.name() + " (pid " + r.pid()
            + ") that an earlier ./otlake local on this folder left running");
      }
      try {
        Files.deleteIfExists(pidFile);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove " + pidFile, e);
      }
    }
    return lines;
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the lock goes with the process anyway
    } finally {
      HELD.remove(dir);
    }
  }
}
