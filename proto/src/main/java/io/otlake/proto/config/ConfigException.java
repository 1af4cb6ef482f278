package io.otlake.proto.config;

/** A configuration that cannot be used; the message names the offending key. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
