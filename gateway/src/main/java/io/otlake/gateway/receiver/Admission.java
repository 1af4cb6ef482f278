package io.otlake.gateway.receiver;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's bound on request bytes in flight, shared by both transports: a request takes a {@link Permit} for its
 * size when it arrives (gRPC: the message; OTLP/HTTP: Content-Length or the body as it arrives, then its size once
 * decompressed), before any scan, decompression or JSON parsing, and gives it back when its answer is sent. Past the
 * bound a request is refused at once as overloaded, so refusing costs next to nothing and the work in flight keeps
 * the gateway at its capacity instead of drowning it.
 *
 * <p>A request is admitted while the bytes in flight stay under the bound, and always when nothing is in flight (so a
 * bound smaller than the largest request only serializes large requests, it never refuses them forever).
 */
public final class Admission {
  private final long maxBytes;
  private final AtomicLong inFlight = new AtomicLong();

  public Admission(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  /** The bound in bytes. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Request bytes holding a permit now. */
  public long inFlightBytes() {
    return inFlight.get();
  }

  /** True while the bytes in flight are at or past the bound: not even a byte more would be admitted. */
  public boolean full() {
    return inFlight.get() >= maxBytes;
  }

  /** A permit for {@code bytes}, or null when taking them would pass the bound. */
  public Permit tryAcquire(long bytes) {
    if (!reserve(Math.max(0, bytes))) {
      return null;
    }
    return new Permit(Math.max(0, bytes));
  }

  private boolean reserve(long bytes) {
    while (true) {
      long now = inFlight.get();
      if (now > 0 && now + bytes > maxBytes) {
        return false;
      }
      if (inFlight.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  /** One request's share of the bound; released once, when its answer is sent (further releases do nothing). */
  public final class Permit implements AutoCloseable {
    private final AtomicLong held;
    private final AtomicBoolean released = new AtomicBoolean();

    private Permit(long bytes) {
      this.held = new AtomicLong(bytes);
    }

    /** Bytes this permit holds. */
    public long bytes() {
      return held.get();
    }

    /**
     * Takes {@code more} bytes for the same request (a body arriving in chunks, or its decompressed size); false when
     * that would pass the bound, and the permit then holds what it held before.
     */
    public boolean grow(long more) {
      if (more <= 0) {
        return true;
      }
      if (released.get()) {
        return false;
      }
      while (true) {
        long now = inFlight.get();
        // the request's own bytes do not count as "something else in flight"
        if (now - held.get() > 0 && now + more > maxBytes) {
          return false;
        }
        if (inFlight.compareAndSet(now, now + more)) {
          held.addAndGet(more);
          return true;
        }
      }
    }

    /** Gives the bytes back. */
    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        inFlight.addAndGet(-held.get());
      }
    }
  }
}
