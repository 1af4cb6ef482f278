package io.otlake.writer.parquet;

import java.util.Arrays;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;

/**
 * A string, binary or fixed-length column (fixed, uuid, wide decimals: FIXED_LEN_BYTE_ARRAY, PLAIN without length
 * prefixes, no delta encoding; decimals' statistics in signed order as parquet-mr orders them). With the dictionary enabled, values go through a per-chunk dictionary (an
 * open-addressing table over the dictionary page's own bytes, so a repeated value costs one hash and one compare and
 * allocates nothing) until it stops paying: when the dictionary outgrows its limit, or when the chunk's first page
 * comes out no smaller dictionary-encoded than plain (parquet-mr's rule). Then the rest of the chunk is PLAIN.
 * Page statistics (min/max, unsigned byte order as for UTF-8) count each dictionary entry once per page.
 */
public final class BinaryColumn extends LeafColumn {
  private final boolean dictionaryEnabled;
  private final int maxDictionaryBytes;

  // dictionary of the current chunk: entries are PLAIN-encoded in dict (length prefix, bytes)
  private boolean dictActive;
  private boolean dictUsedByPages;
  private final Bytes dict = new Bytes(64);
  private int entries;
  private int[] entryOff = new int[16];
  private int[] entryLen = new int[16];
  private int[] entryHash = new int[16];
  private int[] entrySeenInPage = new int[16];
  private int[] table = new int[32];
  private int mask = 31;

  // the current page
  private int[] ids = new int[64];
  private int values;
  private final Bytes plain = new Bytes(64);
  private long plainBytes;
  private byte[] min = new byte[16];
  private int minLen = -1;
  private byte[] max = new byte[16];
  private int maxLen = -1;

  private final boolean deltaEncoded;
  private long[] prefixScratch = new long[0];
  private long[] suffixScratch = new long[0];

  private final boolean fixed;
  /** Bytes PLAIN spends on a value's length: 4, none for fixed-length values. */
  private final int prefix;
  private final boolean signedOrder;

  BinaryColumn(ColumnDescriptor desc, boolean dictionaryEnabled, int maxDictionaryBytes, boolean deltaEncoded) {
    super(desc);
    this.fixed = desc.getPrimitiveType().getPrimitiveTypeName()
        == org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
    this.prefix = fixed ? 0 : 4;
    this.signedOrder = desc.getPrimitiveType().getLogicalTypeAnnotation()
        instanceof org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
    this.deltaEncoded = deltaEncoded && !fixed;
    this.dictionaryEnabled = dictionaryEnabled;
    this.maxDictionaryBytes = maxDictionaryBytes;
    this.dictActive = dictionaryEnabled;
  }

  /** Bumped whenever dictionary ids stop being valid (new chunk, fall-back to PLAIN). */
  private int epoch;

  /**
   * The dictionary epoch: ids returned by {@link #writeForId} can be written again with {@link #writeId} while this
   * stays the same; -1 while the column writes PLAIN.
   */
  public int dictionaryEpoch() {
    return dictActive ? epoch : -1;
  }

  /** Writes a value like {@link #write} and returns its dictionary id, or -1 when the column writes PLAIN. */
  public int writeForId(int r, byte[] b, int off, int len) {
    write(r, b, off, len);
    return dictActive ? ids[values - 1] : -1;
  }

  /** Writes the value with dictionary id {@code id}, valid for the current {@link #dictionaryEpoch()}. */
  public void writeId(int r, int id) {
    levels(r, maxD);
    plainBytes += prefix + entryLen[id];
    appendId(id);
  }

  /**
   * Writes {@code n > 0} values by their dictionary ids (valid for the current {@link #dictionaryEpoch()}), the
   * entries of one map or list: the first at repetition level {@code r0}, the rest at {@code r1}. {@code plain} is
   * the bytes they take PLAIN-encoded; with {@code counted} the caller knows every one of them is already in this
   * page's statistics (see {@link #pageToken()}).
   */
  public void writeIds(int r0, int r1, int[] src, int n, long plain, boolean counted) {
    levels(r0, r1, maxD, n);
    plainBytes += plain;
    int at = values;
    if (at + n > ids.length) {
      ids = Arrays.copyOf(ids, Math.max(ids.length * 2, at + n));
    }
    System.arraycopy(src, 0, ids, at, n);
    values = at + n;
    if (!counted) {
      for (int j = 0; j < n; j++) {
        int id = src[j];
        if (entrySeenInPage[id] != pageNo + 1) {
          entrySeenInPage[id] = pageNo + 1;
          stats(dict.buf, entryOff[id], entryLen[id]);
        }
      }
    }
  }

  /** Changes when the page does: ids written in the page of the same token count in its statistics already. */
  public int pageToken() {
    return pageNo;
  }

  /** Bytes the value with dictionary id {@code id} takes PLAIN-encoded. */
  public int plainBytesOf(int id) {
    return prefix + entryLen[id];
  }

  /** Appends a dictionary id to the page; its entry counts in the page's statistics the first time. */
  private void appendId(int id) {
    if (values == ids.length) {
      ids = Arrays.copyOf(ids, values * 2);
    }
    ids[values++] = id;
    if (entrySeenInPage[id] != pageNo + 1) {
      entrySeenInPage[id] = pageNo + 1;
      stats(dict.buf, entryOff[id], entryLen[id]);
    }
  }

  /** A value at repetition level {@code r} (definition level: the maximum). */
  public void write(int r, byte[] b, int off, int len) {
    levels(r, maxD);
    plainBytes += prefix + len;
    if (dictActive) {
      appendId(idOf(b, off, len));
      if (dict.size > maxDictionaryBytes) {
        fallBack();
      }
    } else {
      plain.writePlainBinary(b, off, len);
      values++;
      stats(b, off, len);
    }
  }

  private int compare(byte[] a, int off, int len, byte[] b, int bLen) {
    if (signedOrder && len > 0 && bLen > 0 && len == bLen && a[off] != b[0]) {
      return Byte.compare(a[off], b[0]); // two's complement, big-endian, same width: the sign byte decides
    }
    return Arrays.compareUnsigned(a, off, off + len, b, 0, bLen);
  }

  private void stats(byte[] b, int off, int len) {
    if (minLen < 0 || compare(b, off, len, min, minLen) < 0) {
      if (min.length < len) {
        min = new byte[len];
      }
      System.arraycopy(b, off, min, 0, len);
      minLen = len;
    }
    if (maxLen < 0 || compare(b, off, len, max, maxLen) > 0) {
      if (max.length < len) {
        max = new byte[len];
      }
      System.arraycopy(b, off, max, 0, len);
      maxLen = len;
    }
  }

  private int idOf(byte[] b, int off, int len) {
    int h = Bytes.hash(b, off, len);
    int s = h & mask;
    while (true) {
      int e = table[s];
      if (e == 0) {
        return add(s, h, b, off, len);
      }
      e--;
      int eo = entryOff[e];
      if (entryHash[e] == h && entryLen[e] == len && sameBytes(dict.buf, eo, b, off, len)) {
        return e;
      }
      s = (s + 1) & mask;
    }
  }

  private int add(int slot, int h, byte[] b, int off, int len) {
    int id = entries++;
    if (id == entryOff.length) {
      int n = id * 2;
      entryOff = Arrays.copyOf(entryOff, n);
      entryLen = Arrays.copyOf(entryLen, n);
      entryHash = Arrays.copyOf(entryHash, n);
      entrySeenInPage = Arrays.copyOf(entrySeenInPage, n);
    }
    dict.writePlainBinary(b, off, len);
    entryOff[id] = dict.size - len;
    entryLen[id] = len;
    entryHash[id] = h;
    entrySeenInPage[id] = 0;
    table[slot] = id + 1;
    if (entries * 2 > table.length) {
      rehash();
    }
    return id;
  }

  private void rehash() {
    table = new int[table.length * 2];
    mask = table.length - 1;
    for (int e = 0; e < entries; e++) {
      int s = entryHash[e] & mask;
      while (table[s] != 0) {
        s = (s + 1) & mask;
      }
      table[s] = e + 1;
    }
  }

  /** Equality of two ranges, eight bytes at a time: cheaper than the intrinsic's set-up for short values. */
  private static boolean sameBytes(byte[] a, int ao, byte[] b, int bo, int len) {
    int i = 0;
    for (; i + 8 <= len; i += 8) {
      if (Bytes.readLongLE(a, ao + i) != Bytes.readLongLE(b, bo + i)) {
        return false;
      }
    }
    for (; i < len; i++) {
      if (a[ao + i] != b[bo + i]) {
        return false;
      }
    }
    return true;
  }

  /** Gives up the dictionary for the rest of the chunk: the page's values so far become PLAIN. */
  private void fallBack() {
    dictActive = false;
    epoch++;
    plain.clear();
    for (int i = 0; i < values; i++) {
      int e = ids[i];
      plain.writePlainBinary(dict.buf, entryOff[e], entryLen[e]);
    }
    if (!dictUsedByPages) {
      forgetDictionary();
    }
  }

  private void forgetDictionary() {
    dict.clear();
    entries = 0;
    Arrays.fill(table, 0);
  }

  @Override
  void beforePage(boolean firstInChunk) {
    if (dictActive && firstInChunk) {
      long encoded = dict.size + 1 + (long) values * Rle.bitWidth(Math.max(entries - 1, 0)) / 8;
      if (encoded >= plainBytes) {
        fallBack();
      }
    }
    if (dictActive) {
      dictUsedByPages = true;
    }
  }

  @Override
  void addPageToBloom(Bloom bloom) {
    if (dictActive) {
      for (int i = 0; i < values; i++) {
        int e = ids[i];
        bloom.add(dict.buf, entryOff[e], entryLen[e]);
      }
      return;
    }
    int at = 0;
    while (at < plain.size) {
      int len = Bytes.readIntLE(plain.buf, at);
      bloom.add(plain.buf, at + 4, len);
      at += 4 + len;
    }
  }

  @Override
  long valueBytes() {
    return dictActive ? 4L * values : plain.size;
  }

  @Override
  long dictionaryBytes() {
    return dict.size;
  }

  @Override
  void encodeValues(Bytes out) {
    if (dictActive) {
      int width = Rle.bitWidth(Math.max(entries - 1, 0));
      out.write(width);
      Rle.encode(ids, values, width, out);
    } else if (deltaEncoded) {
      if (prefixScratch.length < values) {
        prefixScratch = new long[values];
        suffixScratch = new long[values];
      }
      Delta.byteArray(plain, values, prefixScratch, suffixScratch, out);
    } else if (fixed) {
      stripLengths(plain, out);
    } else {
      out.write(plain.buf, 0, plain.size);
    }
  }

  /** PLAIN of fixed-length values: the bytes without the length prefixes kept internally. */
  private static void stripLengths(Bytes from, Bytes out) {
    int at = 0;
    while (at < from.size) {
      int len = Bytes.readIntLE(from.buf, at);
      out.write(from.buf, at + 4, len);
      at += 4 + len;
    }
  }

  private final Bytes fixedDict = new Bytes(0);

  @Override
  Encoding valuesEncoding() {
    return dictActive ? Encoding.PLAIN_DICTIONARY : deltaEncoded ? Encoding.DELTA_BYTE_ARRAY : Encoding.PLAIN;
  }

  @Override
  Statistics<?> pageStatistics() {
    Statistics.Builder b = Statistics.getBuilderForReading(desc.getPrimitiveType()).withNumNulls(pageNulls);
    if (minLen >= 0) {
      b.withMin(Arrays.copyOf(min, minLen)).withMax(Arrays.copyOf(max, maxLen));
    }
    return b.build();
  }

  @Override
  void resetPage() {
    values = 0;
    plain.clear();
    plainBytes = 0;
    minLen = -1;
    maxLen = -1;
  }

  @Override
  Bytes dictionary() {
    if (!dictUsedByPages) {
      return null;
    }
    if (!fixed) {
      return dict;
    }
    fixedDict.clear();
    stripLengths(dict, fixedDict);
    return fixedDict;
  }

  @Override
  int dictionarySize() {
    return entries;
  }

  @Override
  void resetChunk() {
    epoch++;
    forgetDictionary();
    dictUsedByPages = false;
    dictActive = dictionaryEnabled;
  }
}
