package io.otlake.writer.decode;

import io.otlake.proto.ByteHash;
import java.util.Arrays;

/** A hash-map key made of bytes (owned, never changed), equal by content, its hash computed once. */
class BytesKey {
  final byte[] bytes;
  private final int hash;

  BytesKey(byte[] bytes) {
    this.bytes = bytes;
    this.hash = ByteHash.hash(bytes, 0, bytes.length);
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof BytesKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
  }

  @Override
  public final int hashCode() {
    return hash;
  }
}
