package io.otlake.gateway.receiver;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A gRPC marshaller that hands over the message bytes as they came: the receiver scans them itself. Both ways the
 * bytes are copied once: into an array of the known size when parsing, in one write when sending.
 */
public enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {
  INSTANCE;

  @Override
  public InputStream stream(byte[] value) {
    return new Stream(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try {
      if (stream instanceof KnownLength) {
        int size = stream.available();
        byte[] bytes = stream.readNBytes(size);
        int next = stream.read();
        if (next < 0) {
          return bytes;
        }
        // more than announced: append the rest
        byte[] rest = stream.readAllBytes();
        byte[] all = java.util.Arrays.copyOf(bytes, size + 1 + rest.length);
        all[size] = (byte) next;
        System.arraycopy(rest, 0, all, size + 1, rest.length);
        return all;
      }
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The message bytes, with their length known and drained to gRPC's framer in one write. */
  private static final class Stream extends ByteArrayInputStream implements KnownLength, Drainable {
    Stream(byte[] bytes) {
      super(bytes);
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int n = count - pos;
      target.write(buf, pos, n);
      pos = count;
      return n;
    }
  }
}
