package io.otlake.writer.parquet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileWriter;

/**
 * One leaf column of a Parquet file being written: the repetition and definition level of every slot of the
 * current page, the page's values (kept by the subclass), and the compressed pages of the current row group. Writes
 * are unchecked: the caller passes levels the schema allows (see {@link #maxRepetition()} and
 * {@link #maxDefinition()}); a present value always has the maximum definition level.
 */
public abstract class LeafColumn {
  final ColumnDescriptor desc;
  final int maxR;
  final int maxD;
  private byte[] rep;
  private byte[] def;
  /** Slots (values and nulls) in the current page. */
  int slots;
  int pageNulls;
  long pageStartRow;
  /** Bumped per page; lets dictionary columns note "already counted in this page's statistics" with one int. */
  int pageNo;
  /** Rows of the pages flushed so far, and of the current page's slots up to {@link #countedSlots}. */
  private long rowStarts;
  private int countedSlots;
  /** Slots and null slots of the pages flushed so far: Iceberg's value and null counts of the column. */
  long fileSlots;
  long fileNulls;
  /** The chunk's bloom filter when the table asks for one on this column, else null. */
  Bloom bloom;

  private final List<Page> pages = new ArrayList<>();
  private long chunkCompressedBytes;
  private long chunkSlots;

  LeafColumn(ColumnDescriptor desc) {
    this.desc = desc;
    this.maxR = desc.getMaxRepetitionLevel();
    this.maxD = desc.getMaxDefinitionLevel();
    this.rep = new byte[64];
    this.def = new byte[64];
  }

  public final int maxRepetition() {
    return maxR;
  }

  public final int maxDefinition() {
    return maxD;
  }

  public final String path() {
    return String.join(".", desc.getPath());
  }

  /** Records the levels of one slot (kept even when a level is always 0: fewer branches than bytes saved). */
  final void levels(int r, int d) {
    int i = slots;
    if (i == rep.length) {
      rep = Arrays.copyOf(rep, i * 2);
      def = Arrays.copyOf(def, i * 2);
    }
    rep[i] = (byte) r;
    def[i] = (byte) d;
    slots = i + 1;
  }

  /** Records {@code n} slots at definition level {@code d}: the first at repetition level {@code r0}, the rest at {@code r1}. */
  final void levels(int r0, int r1, int d, int n) {
    int i = slots;
    if (i + n > rep.length) {
      int size = Math.max(rep.length * 2, i + n);
      rep = Arrays.copyOf(rep, size);
      def = Arrays.copyOf(def, size);
    }
    rep[i] = (byte) r0;
    Arrays.fill(rep, i + 1, i + n, (byte) r1);
    Arrays.fill(def, i, i + n, (byte) d);
    slots = i + n;
  }

  /**
   * The rows this column has had (slots at repetition level 0), checked against the file's: counted from the levels
   * when asked, off the write path.
   */
  final long rows() {
    if (maxR == 0) {
      return rowStarts + slots;
    }
    int n = 0;
    byte[] rep = this.rep;
    for (int i = countedSlots; i < slots; i++) {
      n += rep[i] == 0 ? 1 : 0;
    }
    rowStarts += n;
    countedSlots = slots;
    return rowStarts;
  }

  /** A null (or an empty or absent parent) at repetition level {@code r}, definition level {@code d} < max. */
  public final void writeNull(int r, int d) {
    levels(r, d);
    pageNulls++;
  }

  /** Uncompressed bytes of the current page's values and levels, as far as it matters for page sizing. */
  final long pageBytes() {
    return valueBytes() + (maxR > 0 ? slots / 4 : 0) + (maxD > 0 ? slots / 4 : 0);
  }

  /** Bytes held for the current row group: compressed pages plus the page being filled. */
  final long bufferedBytes() {
    return chunkCompressedBytes + pageBytes() + dictionaryBytes();
  }

  abstract long valueBytes();

  long dictionaryBytes() {
    return 0;
  }

  /** Appends the page's values in its encoding. */
  abstract void encodeValues(Bytes out);

  abstract Encoding valuesEncoding();

  abstract Statistics<?> pageStatistics();

  /** Forgets the page's values and statistics (levels are the base class's). */
  abstract void resetPage();

  /** Called before a page is encoded: the place to decide on a dictionary. */
  void beforePage(boolean firstInChunk) {}

  /**
   * Adds the page's values to the chunk's bloom filter: done per page, off the write path, so that columns without a
   * filter (nearly all) keep a write method the JIT compiles as if filters did not exist.
   */
  void addPageToBloom(Bloom bloom) {}

  /** The dictionary page of the chunk, if its pages use one (plain-encoded values, uncompressed). */
  Bytes dictionary() {
    return null;
  }

  int dictionarySize() {
    return 0;
  }

  /** The chunk is finished: forget per-chunk state such as the dictionary. */
  void resetChunk() {}

  /** Encodes and compresses the current page (if it has slots) and keeps it for the row group. */
  final void flushPage(long rowNow, PageCodec codec, Bytes scratch, int[] ints) throws IOException {
    if (slots == 0) {
      pageStartRow = rowNow;
      return;
    }
    beforePage(pages.isEmpty());
    if (bloom != null) {
      addPageToBloom(bloom);
    }
    scratch.clear();
    int[] levels = ints.length >= slots ? ints : new int[slots];
    if (maxR > 0) {
      writeLevels(rep, maxR, scratch, levels);
    }
    if (maxD > 0) {
      writeLevels(def, maxD, scratch, levels);
    }
    encodeValues(scratch);
    Page p = new Page(codec.compress(scratch.buf, scratch.size), scratch.size, slots, rowNow - pageStartRow,
        pageStatistics(), valuesEncoding());
    pages.add(p);
    chunkCompressedBytes += p.bytes.length;
    rows();
    if (maxR == 0) {
      rowStarts += slots;
    }
    countedSlots = 0;
    chunkSlots += slots;
    fileSlots += slots;
    fileNulls += pageNulls;
    slots = 0;
    pageNulls = 0;
    pageNo++;
    pageStartRow = rowNow;
    resetPage();
  }

  private void writeLevels(byte[] from, int max, Bytes out, int[] ints) {
    for (int i = 0; i < slots; i++) {
      ints[i] = from[i];
    }
    int at = out.size;
    out.writeIntLE(0);
    Rle.encode(ints, slots, Rle.bitWidth(max), out);
    out.setIntLE(at, out.size - at - 4);
  }

  /** Writes the row group's chunk of this column: dictionary page, then the data pages. */
  final void writeChunk(ParquetFileWriter writer, PageCodec codec) throws IOException {
    writer.startColumn(desc, chunkSlots, codec.name());
    if (bloom != null) {
      writer.addBloomFilter(path(), bloom.finishChunk());
    }
    Bytes dict = dictionary();
    if (dict != null) {
      writer.writeDictionaryPage(new DictionaryPage(BytesInput.from(codec.compress(dict.buf, dict.size)),
          dict.size, dictionarySize(), Encoding.PLAIN_DICTIONARY));
    }
    Encoding rl = maxR > 0 ? Encoding.RLE : Encoding.BIT_PACKED;
    Encoding dl = maxD > 0 ? Encoding.RLE : Encoding.BIT_PACKED;
    for (Page p : pages) {
      writer.writeDataPage(p.slots, p.uncompressedSize, BytesInput.from(p.bytes), p.statistics, p.rows, rl, dl,
          p.encoding);
    }
    writer.endColumn();
    pages.clear();
    chunkCompressedBytes = 0;
    chunkSlots = 0;
    resetChunk();
  }

  private record Page(byte[] bytes, int uncompressedSize, int slots, long rows, Statistics<?> statistics,
      Encoding encoding) {}
}
