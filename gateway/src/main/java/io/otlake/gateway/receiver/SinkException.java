package io.otlake.gateway.receiver;

/** Why a sink did not store records; {@link #overloaded} tells a full buffer from an unreachable store. */
public final class SinkException extends RuntimeException {
  private final boolean overloaded;

  public SinkException(String message, boolean overloaded, Throwable cause) {
    super(message, cause);
    this.overloaded = overloaded;
  }

  public boolean overloaded() {
    return overloaded;
  }
}
