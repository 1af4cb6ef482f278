package io.otlake.proto.wire;

/** The bytes are not a well-formed OTLP message; the message says where and what. */
public final class MalformedRequestException extends Exception {
  public MalformedRequestException(String message) {
    super(message);
  }
}
