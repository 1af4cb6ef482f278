package io.otlake.proto.signals;

import io.otlake.proto.ByteHash;
import io.otlake.proto.wire.ScannedRequest;

/** What the signals' record keys read of a request's resources. */
final class Resources {
  private Resources() {}

  /**
   * A 64-bit hash of a resource's envelope bytes (the resource, its schema URL and any unknown fields): equal for
   * the same resource sent the same way, whatever request it comes in.
   */
  static long hash(ScannedRequest r, int resource) {
    long h = 0;
    byte[] b = r.bytes();
    for (int i = 0; i < r.rangeCount(0, resource); i++) {
      h = ByteHash.hash64(b, r.rangeOffset(0, resource, i), r.rangeLength(0, resource, i), h);
    }
    return h;
  }

  /** Sixteen lower-case hex digits. */
  static String hex(long h) {
    String s = Long.toHexString(h);
    return "0".repeat(16 - s.length()) + s;
  }
}
