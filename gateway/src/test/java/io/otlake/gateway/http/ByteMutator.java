package io.otlake.gateway.http;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

/** Format-blind mutations of a byte string: flips, overwrites, inserts, deletes, duplications, truncation, splices. */
final class ByteMutator {
  private static final byte[] INTERESTING = {0, 1, 0x7f, (byte) 0x80, (byte) 0xff, (byte) 0xc0, (byte) 0xed, 0x0a,
      0x12, 0x22, 0x3a, 0x41, '"', '\\', '{', '}', '[', ']', ',', ':'};

  private ByteMutator() {}

  static byte[] mutate(Random random, byte[] in, byte[] other) {
    if (in.length == 0) {
      return insert(in, 0, randomBytes(random, 1 + random.nextInt(8)));
    }
    int at = random.nextInt(in.length);
    return switch (random.nextInt(9)) {
      case 0 -> { // flip one bit
        byte[] out = in.clone();
        out[at] ^= (byte) (1 << random.nextInt(8));
        yield out;
      }
      case 1 -> { // overwrite a byte with an interesting one
        byte[] out = in.clone();
        out[at] = INTERESTING[random.nextInt(INTERESTING.length)];
        yield out;
      }
      case 2 -> insert(in, at, randomBytes(random, 1 + random.nextInt(4)));
      case 3 -> delete(in, at, 1 + random.nextInt(Math.min(16, in.length - at)));
      case 4 -> { // duplicate a range in place
        int len = 1 + random.nextInt(Math.min(64, in.length - at));
        yield insert(in, at, Arrays.copyOfRange(in, at, at + len));
      }
      case 5 -> Arrays.copyOf(in, at); // truncate
      case 6 -> { // splice: a prefix of this, a suffix of the other
        int from = other.length == 0 ? 0 : random.nextInt(other.length);
        byte[] out = Arrays.copyOf(in, at + other.length - from);
        System.arraycopy(other, from, out, at, other.length - from);
        yield out;
      }
      case 7 -> { // copy a range of the other over this one
        if (other.length == 0) {
          yield in.clone();
        }
        int from = random.nextInt(other.length);
        int len = Math.min(1 + random.nextInt(32), Math.min(other.length - from, in.length - at));
        byte[] out = in.clone();
        System.arraycopy(other, from, out, at, len);
        yield out;
      }
      default -> { // many flips at once
        byte[] out = in.clone();
        for (int i = 0; i < 1 + random.nextInt(8); i++) {
          out[random.nextInt(out.length)] ^= (byte) random.nextInt(256);
        }
        yield out;
      }
    };
  }

  static byte[] insert(byte[] in, int at, byte[] what) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + what.length);
    out.write(in, 0, at);
    out.write(what, 0, what.length);
    out.write(in, at, in.length - at);
    return out.toByteArray();
  }

  static byte[] delete(byte[] in, int at, int len) {
    byte[] out = new byte[in.length - len];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(in, at + len, out, at, in.length - at - len);
    return out;
  }

  static byte[] randomBytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
