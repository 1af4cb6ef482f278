package io.otlake.gateway.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Mutations of protobuf wire bytes that know the wire format but not the schema: the bytes are read as a tree of
 * fields (a length-delimited value that reads as fields is taken for a message), a field is duplicated, dropped,
 * moved, renumbered, given another wire type, an edge value or another payload, nested a hundred levels deep, or
 * spliced in from another request, and the tree is written back with correct lengths; or a length prefix is
 * corrupted; or {@link ByteMutator} changes the bytes blindly.
 */
final class WireMutator {
  private static final long[] VARINTS = {0, 1, 2, 127, 128, 0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL, 1L << 32,
      Long.MAX_VALUE, Long.MIN_VALUE, -1L, -2L};
  private static final long[] FIXED64 = {0, 1, TraceSeeds.NOW, TraceSeeds.NOW + (2L * 86_400 * 1_000_000_000L),
      946_684_800_000_000_000L - 1, -1L, Long.MIN_VALUE, Long.MAX_VALUE};
  private static final byte[][] PAYLOADS = {
      {}, {(byte) 0xff}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xe2, (byte) 0x82}, new byte[16], new byte[8],
      {1, 2, 3, 4, 5, 6, 7}, new byte[17], "𝄞 ünï".getBytes(StandardCharsets.UTF_8),
      {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}, {0x08, (byte) 0x80}};
  private static final int[] NUMBERS = {0, 1, 2, 3, 4, 5, 7, 8, 13, 15, 16, 100, 1000, (1 << 29) - 1};

  /** One field: its number and wire type, and its value as a varint, raw bytes, or (a message) child fields. */
  private static final class Field {
    int number;
    int wire;
    long varint;
    byte[] raw;
    List<Field> children;
    /** A wire type written in the tag in place of the one the value is encoded as, or -1. */
    int wireOverride = -1;

    Field copy() {
      Field f = new Field();
      f.number = number;
      f.wire = wire;
      f.varint = varint;
      f.raw = raw;
      f.wireOverride = wireOverride;
      if (children != null) {
        f.children = new ArrayList<>(children.size());
        for (Field c : children) {
          f.children.add(c.copy());
        }
      }
      return f;
    }
  }

  private WireMutator() {}

  static byte[] mutate(Random random, byte[] in, byte[] other) {
    int op = random.nextInt(16);
    if (op >= 12) {
      return ByteMutator.mutate(random, in, other);
    }
    List<Field> root = parse(in, 0, in.length, 0);
    if (root == null) {
      return ByteMutator.mutate(random, in, other);
    }
    if (op == 11) {
      return corruptLength(random, root);
    }
    List<List<Field>> messages = new ArrayList<>();
    List<Field> fields = new ArrayList<>();
    collect(root, messages, fields);
    List<Field> message = messages.get(random.nextInt(messages.size()));
    if (message.isEmpty() || fields.isEmpty()) {
      return ByteMutator.mutate(random, in, other);
    }
    int at = random.nextInt(message.size());
    Field f = message.get(at);
    switch (op) {
      case 0 -> message.add(random.nextInt(message.size() + 1), f.copy()); // a field twice
      case 1 -> message.remove(at);
      case 2 -> message.add(random.nextInt(message.size()), message.remove(at)); // moved
      case 3 -> { // an edge value for a scalar
        Field s = fields.get(random.nextInt(fields.size()));
        switch (s.wire) {
          case 0 -> s.varint = VARINTS[random.nextInt(VARINTS.length)];
          case 1 -> s.raw = le(FIXED64[random.nextInt(FIXED64.length)], 8);
          case 5 -> s.raw = le(random.nextBoolean() ? -1 : random.nextInt(), 4);
          default -> {
            s.children = null;
            s.raw = PAYLOADS[random.nextInt(PAYLOADS.length)];
          }
        }
      }
      case 4 -> f.wireOverride = random.nextInt(8);
      case 5 -> { // another payload for a length-delimited field: odd ids, bad UTF-8, a long string
        Field s = fields.get(random.nextInt(fields.size()));
        s.wire = 2;
        s.children = null;
        s.raw = random.nextInt(8) == 0
            ? "x".repeat(1 + random.nextInt(random.nextInt(8) == 0 ? 100_000 : 5_000)).getBytes(StandardCharsets.UTF_8)
            : PAYLOADS[random.nextInt(PAYLOADS.length)];
      }
      case 6 -> f.number = NUMBERS[random.nextInt(NUMBERS.length)];
      case 7 -> { // a subtree of another request, somewhere here
        List<Field> others = parse(other, 0, other.length, 0);
        if (others != null) {
          List<List<Field>> otherMessages = new ArrayList<>();
          List<Field> otherFields = new ArrayList<>();
          collect(others, otherMessages, otherFields);
          if (!otherFields.isEmpty()) {
            message.add(random.nextInt(message.size() + 1), otherFields.get(random.nextInt(otherFields.size())).copy());
          }
        }
      }
      case 8 -> { // nested in itself, around protobuf's limit of 100 levels
        Field nested = f.copy();
        int levels = 1 + random.nextInt(130);
        for (int i = 0; i < levels; i++) {
          Field wrapper = new Field();
          wrapper.number = f.number;
          wrapper.wire = 2;
          wrapper.children = new ArrayList<>(List.of(nested));
          nested = wrapper;
        }
        message.set(at, nested);
      }
      case 9 -> { // many copies of one field
        for (int i = 0, n = 2 + random.nextInt(200); i < n; i++) {
          message.add(at, f.copy());
        }
      }
      default -> { // swap two fields' values
        Field g = message.get(random.nextInt(message.size()));
        message.set(at, g.copy());
      }
    }
    return write(root, null);
  }

  /** Writes the tree with one length prefix (chosen at random) made wrong: off by one, zero, huge or over-long. */
  private static byte[] corruptLength(Random random, List<Field> root) {
    List<int[]> prefixes = new ArrayList<>();
    byte[] b = write(root, prefixes);
    if (prefixes.isEmpty()) {
      return b;
    }
    int[] p = prefixes.get(random.nextInt(prefixes.size())); // {position, bytes of the varint, value}
    long value = switch (random.nextInt(6)) {
      case 0 -> p[2] + 1L;
      case 1 -> Math.max(0, p[2] - 1L);
      case 2 -> 0;
      case 3 -> 0xffff_ffffL;
      case 4 -> Long.MAX_VALUE;
      default -> random.nextInt(1 << 20);
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 10);
    out.write(b, 0, p[0]);
    if (random.nextInt(4) == 0) {
      // over-long: eleven bytes of continuation where ten at most are allowed
      for (int i = 0; i < 11; i++) {
        out.write(0x80);
      }
      out.write(0);
    } else {
      varint(out, value);
    }
    out.write(b, p[0] + p[1], b.length - p[0] - p[1]);
    return out.toByteArray();
  }

  private static void collect(List<Field> message, List<List<Field>> messages, List<Field> fields) {
    messages.add(message);
    for (Field f : message) {
      fields.add(f);
      if (f.children != null) {
        collect(f.children, messages, fields);
      }
    }
  }

  /** The fields of {@code b[off, off + len)}, or null when it does not read as a message. */
  private static List<Field> parse(byte[] b, int off, int len, int depth) {
    List<Field> out = new ArrayList<>();
    int[] pos = {off};
    int end = off + len;
    while (pos[0] < end) {
      long tag = readVarint(b, pos, end);
      if (tag < 8 || tag > 0xffff_ffffL) {
        return null;
      }
      Field f = new Field();
      f.number = (int) (tag >>> 3);
      f.wire = (int) (tag & 7);
      switch (f.wire) {
        case 0 -> f.varint = readVarint(b, pos, end);
        case 1, 5 -> {
          int n = f.wire == 1 ? 8 : 4;
          if (end - pos[0] < n) {
            return null;
          }
          f.raw = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + n);
          pos[0] += n;
        }
        case 2 -> {
          long l = readVarint(b, pos, end);
          if (l < 0 || l > end - pos[0]) {
            return null;
          }
          List<Field> children = depth < 120 && l > 0 ? parse(b, pos[0], (int) l, depth + 1) : null;
          if (children != null) {
            f.children = children;
          } else {
            f.raw = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + (int) l);
          }
          pos[0] += (int) l;
        }
        default -> {
          return null;
        }
      }
      if (pos[0] < 0) {
        return null;
      }
      out.add(f);
    }
    return out;
  }

  /** A varint at pos[0], or -1 with pos[0] set negative when truncated or too long. */
  private static long readVarint(byte[] b, int[] pos, int end) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= end) {
        pos[0] = Integer.MIN_VALUE;
        return -1;
      }
      byte x = b[pos[0]++];
      v |= (long) (x & 0x7f) << shift;
      if (x >= 0) {
        return v;
      }
    }
    pos[0] = Integer.MIN_VALUE;
    return -1;
  }

  private static byte[] write(List<Field> message, List<int[]> prefixes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(message, out, prefixes, 0);
    return out.toByteArray();
  }

  private static void write(List<Field> message, ByteArrayOutputStream out, List<int[]> prefixes, int base) {
    for (Field f : message) {
      int wire = f.wireOverride >= 0 ? f.wireOverride : f.wire;
      varint(out, ((long) f.number << 3) | wire);
      switch (f.wire) {
        case 0 -> varint(out, f.varint);
        case 1, 5 -> out.write(f.raw, 0, f.raw.length);
        default -> {
          byte[] value;
          if (f.children != null) {
            ByteArrayOutputStream inner = new ByteArrayOutputStream();
            // prefixes inside are recorded relative to where this value will start
            List<int[]> innerPrefixes = prefixes == null ? null : new ArrayList<>();
            write(f.children, inner, innerPrefixes, 0);
            value = inner.toByteArray();
            int at = out.size();
            varint(out, value.length);
            int prefixBytes = out.size() - at;
            if (prefixes != null) {
              prefixes.add(new int[] {base + at, prefixBytes, value.length});
              for (int[] p : innerPrefixes) {
                prefixes.add(new int[] {base + at + prefixBytes + p[0], p[1], p[2]});
              }
            }
          } else {
            value = f.raw;
            int at = out.size();
            varint(out, value.length);
            if (prefixes != null) {
              prefixes.add(new int[] {base + at, out.size() - at, value.length});
            }
          }
          out.write(value, 0, value.length);
        }
      }
    }
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static byte[] le(long v, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    return b;
  }
}
