package io.otlake.writer.parquet;

import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageType;

/**
 * A Parquet page header, read straight from its Thrift compact-protocol bytes: the fields a column reader needs
 * (page type and sizes; a data page's value count and encodings; a dictionary page's value count and encoding),
 * every other field skipped. One instance is reused page after page (parquet-format's generated reader builds an
 * object graph per page).
 */
final class PageHead {
  PageType type;
  int uncompressedSize;
  int compressedSize;
  /** Values (slots) of a data page, entries of a dictionary page; -1 when the header has neither. */
  int numValues;
  Encoding encoding;
  Encoding definitionEncoding;
  Encoding repetitionEncoding;
  /** Whether a data page header or a dictionary page header was present. */
  boolean dataHeader;
  boolean dictionaryHeader;

  private byte[] b;
  private int at;

  /** Reads the header starting at {@code from}; returns the position after it. */
  int read(byte[] bytes, int from, int end) {
    b = bytes;
    at = from;
    type = null;
    uncompressedSize = -1;
    compressedSize = -1;
    numValues = -1;
    encoding = null;
    definitionEncoding = null;
    repetitionEncoding = null;
    dataHeader = false;
    dictionaryHeader = false;
    int id = 0;
    while (true) {
      int h = next(end);
      if (h == 0) {
        break;
      }
      id = fieldId(h, id);
      int t = h & 0x0F;
      switch (id) {
        case 1 -> type = PageType.findByValue(i32(t));
        case 2 -> uncompressedSize = i32(t);
        case 3 -> compressedSize = i32(t);
        case 5, 7 -> {
          if (t != 12) {
            throw new IllegalArgumentException("page header field " + id + " of type " + t);
          }
          dataHeader |= id == 5;
          dictionaryHeader |= id == 7;
          readPageKind(id == 5, end);
        }
        default -> skip(t, end);
      }
    }
    if (type == null || uncompressedSize < 0 || compressedSize < 0) {
      throw new IllegalArgumentException("a page header without its type or sizes");
    }
    return at;
  }

  private void readPageKind(boolean data, int end) {
    int id = 0;
    while (true) {
      int h = next(end);
      if (h == 0) {
        return;
      }
      id = fieldId(h, id);
      int t = h & 0x0F;
      if (id == 1) {
        numValues = i32(t);
      } else if (id == 2) {
        encoding = Encoding.findByValue(i32(t));
      } else if (data && id == 3) {
        definitionEncoding = Encoding.findByValue(i32(t));
      } else if (data && id == 4) {
        repetitionEncoding = Encoding.findByValue(i32(t));
      } else {
        skip(t, end);
      }
    }
  }

  private int next(int end) {
    if (at >= end) {
      throw new IllegalArgumentException("a page header runs past its column chunk");
    }
    return b[at++] & 0xFF;
  }

  private int fieldId(int header, int last) {
    int delta = header >>> 4;
    return delta != 0 ? last + delta : (int) zigzag(varint());
  }

  private int i32(int type) {
    if (type != 5) {
      throw new IllegalArgumentException("an i32 field of type " + type);
    }
    return (int) zigzag(varint());
  }

  private long varint() {
    long v = 0;
    int shift = 0;
    int x;
    do {
      x = b[at++];
      v |= (long) (x & 0x7F) << shift;
      shift += 7;
      if (shift > 70) {
        throw new IllegalArgumentException("a varint of more than ten bytes");
      }
    } while ((x & 0x80) != 0);
    return v;
  }

  private static long zigzag(long z) {
    return (z >>> 1) ^ -(z & 1);
  }

  /** Skips a value of compact type {@code t} (as a struct field: booleans carry their value in the type). */
  private void skip(int t, int end) {
    switch (t) {
      case 1, 2 -> { }
      case 3 -> at++;
      case 4, 5, 6 -> varint();
      case 7 -> at += 8;
      case 8 -> at += Math.toIntExact(varint());
      case 9, 10 -> {
        int h = next(end);
        long size = h >>> 4;
        if (size == 15) {
          size = varint();
        }
        int et = h & 0x0F;
        for (long i = 0; i < size; i++) {
          skipElement(et, end);
        }
      }
      case 11 -> {
        long size = varint();
        if (size > 0) {
          int kv = next(end);
          for (long i = 0; i < size; i++) {
            skipElement(kv >>> 4, end);
            skipElement(kv & 0x0F, end);
          }
        }
      }
      case 12 -> {
        int id = 0;
        while (true) {
          int h = next(end);
          if (h == 0) {
            break;
          }
          id = fieldId(h, id);
          skip(h & 0x0F, end);
        }
      }
      default -> throw new IllegalArgumentException("a Thrift field of type " + t);
    }
    if (at > end) {
      throw new IllegalArgumentException("a page header runs past its column chunk");
    }
  }

  /** A list, set or map element: a boolean is a byte there. */
  private void skipElement(int t, int end) {
    if (t == 1 || t == 2) {
      at++;
    } else {
      skip(t, end);
    }
  }
}
