package io.otlake.proto.wire;

/**
 * A cursor over protobuf wire bytes with an explicit limit: reads tags, varints, fixed values and length prefixes
 * without allocating. Errors are {@link MalformedRequestException}s.
 */
public final class WireReader {
  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  public static final int VARINT = 0;
  public static final int I64 = 1;
  public static final int LEN = 2;
  public static final int I32 = 5;

  final byte[] buf;
  /** The position of the next byte to read. */
  public int pos;
  int limit;

  public WireReader(byte[] buf, int offset, int length) {
    this.buf = buf;
    this.pos = offset;
    this.limit = offset + length;
  }

  /** The bytes read. */
  public byte[] buf() {
    return buf;
  }

  public boolean atEnd() {
    return pos >= limit;
  }

  /** Reads a tag; returns it (field number << 3 | wire type). */
  public int readTag() throws MalformedRequestException {
    long tag = readVarint();
    if (tag <= 0 || tag > 0xFFFFFFFFL || (tag >>> 3) == 0) {
      throw new MalformedRequestException("invalid field tag at byte " + pos);
    }
    return (int) tag;
  }

  public long readVarint() throws MalformedRequestException {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        throw new MalformedRequestException("truncated varint at byte " + pos);
      }
      byte b = buf[pos++];
      result |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw new MalformedRequestException("varint longer than 10 bytes at byte " + pos);
  }

  public long readFixed64() throws MalformedRequestException {
    need(8);
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (buf[pos + i] & 0xffL);
    }
    pos += 8;
    return v;
  }

  public int readFixed32() throws MalformedRequestException {
    need(4);
    int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
    pos += 4;
    return v;
  }

  /** Reads a length prefix and checks the bytes are there; returns the length (the value starts at pos). */
  public int readLength() throws MalformedRequestException {
    long len = readVarint();
    if (len < 0 || len > limit - pos) {
      throw new MalformedRequestException("length " + len + " at byte " + pos + " runs past the end of its message");
    }
    return (int) len;
  }

  void need(int n) throws MalformedRequestException {
    if (limit - pos < n) {
      throw new MalformedRequestException("truncated value at byte " + pos);
    }
  }

  /** Skips a field's value of the given wire type (groups are refused, as OTLP has none). */
  public void skip(int wireType) throws MalformedRequestException {
    switch (wireType) {
      case VARINT -> readVarint();
      case I64 -> {
        need(8);
        pos += 8;
      }
      case LEN -> {
        int len = readLength(); // not "pos += readLength()": that would add to pos as it was before the prefix
        pos += len;
      }
      case I32 -> {
        need(4);
        pos += 4;
      }
      default -> throw new MalformedRequestException("unsupported wire type " + wireType + " at byte " + pos);
    }
  }

  /** Whether the bytes are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF). */
  static boolean validUtf8(byte[] b, int offset, int length) {
    int i = offset;
    int end = offset + length;
    // ASCII fast path, eight bytes at a time
    while (i + 8 <= end && ((long) LONGS.get(b, i) & 0x8080808080808080L) == 0) {
      i += 8;
    }
    // the rest of an ASCII string of eight bytes or more: the last eight bytes, read once, cover it
    if (i < end && i + 8 > end && length >= 8 && ((long) LONGS.get(b, end - 8) & 0x8080808080808080L) == 0) {
      return true;
    }
    while (i < end) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int n;
      int min;
      if (c >= 0xc2 && c <= 0xdf) {
        n = 1;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        n = 2;
        min = 0x800;
      } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;
        min = 0x10000;
      } else {
        return false;
      }
      if (end - i <= n) {
        return false;
      }
      int cp = c & (0x3f >> n);
      for (int k = 1; k <= n; k++) {
        int cc = b[i + k] & 0xff;
        if ((cc & 0xc0) != 0x80) {
          return false;
        }
        cp = (cp << 6) | (cc & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return false;
      }
      i += n + 1;
    }
    return true;
  }
}
