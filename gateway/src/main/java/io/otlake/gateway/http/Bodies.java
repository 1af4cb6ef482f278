package io.otlake.gateway.http;

import io.otlake.proto.wire.MalformedRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/** Request bodies by {@code Content-Encoding}, decompressed under a bound so that a small bomb cannot fill the heap. */
final class Bodies {
  /** The codings OTLP/HTTP clients use: the specification names gzip; the Collector's exporters also offer deflate. */
  enum Coding {
    IDENTITY,
    GZIP,
    DEFLATE
  }

  /** The body is larger than allowed once decompressed. */
  static final class TooLargeException extends Exception {
    TooLargeException(String message) {
      super(message);
    }
  }

  /** Decompressing would pass the bound on request bytes in flight: the request is refused as overload. */
  static final class OverloadedException extends Exception {
    OverloadedException(String message) {
      super(message);
    }
  }

  /** Takes memory for a growing decompressed body from the bound on bytes in flight; false when it is full. */
  interface Reserve {
    boolean take(long bytes);
  }

  private Bodies() {}

  /** The coding named by a {@code Content-Encoding} header, or null when it is not one we take. */
  static Coding coding(String header) {
    if (header == null) {
      return Coding.IDENTITY;
    }
    return switch (header.trim().toLowerCase(Locale.ROOT)) {
      case "", "identity" -> Coding.IDENTITY;
      case "gzip", "x-gzip" -> Coding.GZIP;
      case "deflate" -> Coding.DEFLATE;
      default -> null;
    };
  }

  /**
   * The body decompressed, never larger than {@code maxBytes}; the output buffer is taken from {@code reserve} as it
   * grows, so that decompression stops as soon as the gateway has too much in flight.
   */
  static byte[] decode(byte[] body, Coding coding, int maxBytes, Reserve reserve)
      throws TooLargeException, MalformedRequestException, OverloadedException {
    if (coding == Coding.IDENTITY) {
      return body;
    }
    try (InputStream in = coding == Coding.GZIP
        ? new GZIPInputStream(new java.io.ByteArrayInputStream(body), 8192)
        : new InflaterInputStream(new java.io.ByteArrayInputStream(body))) {
      int initial = (int) Math.min(maxBytes, Math.max(1024, body.length * 8L));
      take(reserve, initial);
      byte[] out = new byte[initial];
      int n = 0;
      while (true) {
        if (n == out.length) {
          if (out.length >= maxBytes) {
            if (in.read() < 0) {
              break;
            }
            throw new TooLargeException("the request is larger than " + maxBytes + " bytes once decompressed");
          }
          int grown = (int) Math.min(maxBytes, out.length * 2L);
          take(reserve, grown - out.length);
          out = Arrays.copyOf(out, grown);
        }
        int r = in.read(out, n, out.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      return n == out.length ? out : Arrays.copyOf(out, n);
    } catch (ZipException e) {
      throw new MalformedRequestException("the body is not valid " + coding.name().toLowerCase(Locale.ROOT) + " data: "
          + e.getMessage());
    } catch (IOException e) {
      // an EOFException for a truncated stream; nothing here does real I/O
      throw new MalformedRequestException("the body is not valid " + coding.name().toLowerCase(Locale.ROOT) + " data: "
          + e);
    }
  }

  private static void take(Reserve reserve, long bytes) throws OverloadedException {
    if (!reserve.take(bytes)) {
      throw new OverloadedException("the gateway has too many request bytes in flight to decompress this one"
          + " (admission.max-in-flight-bytes); retry later");
    }
  }
}
