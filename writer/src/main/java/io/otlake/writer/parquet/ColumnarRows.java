package io.otlake.writer.parquet;

import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Rows of Parquet files held column by column: each leaf column's repetition and definition levels and values, slot
 * by slot, as the files store them (nothing boxed, no record per row). Byte-array values are entries of a pool per
 * column: a dictionary's entries are stored once per column chunk and every slot using one refers to it, so a
 * {@link ColumnsFile} fed by {@link ColumnsFile#copyRows} writes a repeated value by its dictionary id without
 * hashing it again ({@link Leaf#copyTo}).
 *
 * <p>Reads the layouts otlake's own writer produces, and the common ones of other writers: data pages v1 with RLE
 * levels; PLAIN, dictionary (PLAIN_DICTIONARY / RLE_DICTIONARY), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and
 * DELTA_BYTE_ARRAY values; uncompressed or zstd. A file whose Iceberg schema is not exactly the one given (written
 * before a schema change), or that uses anything else, is refused with {@link Unsupported} before any of it is kept,
 * and the caller reads it another way.
 *
 * <p>Memory: per slot two level bytes (none for a column without repetition or nulls) and an 8-byte number or a
 * 4-byte pool reference, plus the pool (each dictionary entry once per chunk, each non-dictionary value once) and,
 * while a file is read, that file's bytes and one decompressed page.
 */
public final class ColumnarRows {
  /** A file this reader does not read: the caller reads it with a general reader. */
  /**
   * The most bytes of distinct values one column of one rewrite holds (1 GiB); past it the group goes the record
   * path, whose spill bounds its rows (a Java array could not grow past 2 GiB, and doubling past 1 GiB overflowed).
   */
  static final long MAX_POOL_BYTES = 1L << 30;

  public static final class Unsupported extends Exception {
    Unsupported(String message) {
      super(message, null, false, false);
    }
  }

  private final Schema schema;
  private final MessageType type;
  private final Leaf[] leaves;
  private int rows;
  private byte[] page = new byte[1 << 16];
  private final PageHead head = new PageHead();

  public ColumnarRows(Schema schema) {
    this(schema, 0);
  }

  /** For about {@code expectedRows} rows: columns without repetition are sized for them at once. */
  public ColumnarRows(Schema schema, long expectedRows) {
    this.schema = schema;
    this.type = ParquetSchemaUtil.convert(schema, "table");
    List<ColumnDescriptor> columns = type.getColumns();
    this.leaves = new Leaf[columns.size()];
    for (int i = 0; i < leaves.length; i++) {
      leaves[i] = new Leaf(columns.get(i));
      if (leaves[i].maxR == 0 && expectedRows > 0 && expectedRows < Integer.MAX_VALUE) {
        leaves[i].ensureSlots((int) expectedRows);
      }
    }
  }

  MessageType type() {
    return type;
  }

  Leaf leaf(int i) {
    return leaves[i];
  }

  public int rows() {
    return rows;
  }

  /** The leaf column of the top-level primitive field {@code fieldId} (one slot per row), or null. */
  public Leaf topLevel(int fieldId) {
    for (Leaf l : leaves) {
      if (l.maxR == 0 && l.desc.getPath().length == 1 && l.desc.getPrimitiveType().getId() != null
          && l.desc.getPrimitiveType().getId().intValue() == fieldId) {
        return l;
      }
    }
    return null;
  }

  /**
   * Adds every row of the Parquet file {@code file} (its whole bytes). On {@link Unsupported} nothing of the file is
   * kept (rows added before stay).
   */
  public void add(byte[] file, String location) throws Unsupported {
    FileMetaData meta = footer(file, location);
    check(meta, location);
    int[] mark = new int[leaves.length];
    int[] entryMark = new int[leaves.length];
    for (int i = 0; i < leaves.length; i++) {
      mark[i] = leaves[i].slots;
      entryMark[i] = leaves[i].entries;
    }
    int rowsBefore = rows;
    // one decompression context per file (the static Zstd call makes one per page)
    try (ZstdDecompressCtx zstd = new ZstdDecompressCtx()) {
      for (RowGroup g : meta.getRow_groups()) {
        for (int i = 0; i < leaves.length; i++) {
          long had = leaves[i].rowsCounted();
          readChunk(leaves[i], file, g.getColumns().get(i), location, zstd);
          if (leaves[i].rowsCounted() - had != g.getNum_rows()) {
            throw new Unsupported(location + ": column " + leaves[i].path() + " has "
                + (leaves[i].rowsCounted() - had) + " rows in a row group of " + g.getNum_rows());
          }
        }
        rows += (int) g.getNum_rows();
      }
    } catch (Unsupported | RuntimeException e) {
      for (int i = 0; i < leaves.length; i++) {
        leaves[i].truncate(mark[i], entryMark[i]);
      }
      rows = rowsBefore;
      throw e instanceof Unsupported u ? u : new Unsupported(location + ": " + e);
    }
  }

  private static FileMetaData footer(byte[] file, String location) throws Unsupported {
    int n = file.length;
    if (n < 12 || file[n - 4] != 'P' || file[n - 3] != 'A' || file[n - 2] != 'R' || file[n - 1] != '1') {
      throw new Unsupported(location + " is not a plain Parquet file");
    }
    int len = Bytes.readIntLE(file, n - 8);
    if (len <= 0 || len > n - 12) {
      throw new Unsupported(location + " has a footer length of " + len);
    }
    try {
      return Util.readFileMetaData(new ByteArrayInputStream(file, n - 8 - len, len));
    } catch (IOException e) {
      throw new Unsupported(location + ": " + e.getMessage());
    }
  }

  /** The file must have been written with exactly this schema: the same Iceberg schema and the same columns. */
  private void check(FileMetaData meta, String location) throws Unsupported {
    String json = null;
    if (meta.getKey_value_metadata() != null) {
      for (KeyValue kv : meta.getKey_value_metadata()) {
        if (kv.getKey().equals("iceberg.schema")) {
          json = kv.getValue();
        }
      }
    }
    boolean same;
    try {
      same = json != null && SchemaParser.fromJson(json).asStruct().equals(schema.asStruct());
    } catch (RuntimeException e) { // a schema this Iceberg cannot read: the record path says what is wrong
      throw new Unsupported(location + ": its Iceberg schema does not parse: " + e.getMessage());
    }
    if (!same) {
      throw new Unsupported(location + " was written with another schema");
    }
    // the same Iceberg schema may be stored in other physical types (a decimal as fixed bytes, say): each leaf's
    // type and width must be the ones this reader decodes
    List<org.apache.parquet.format.SchemaElement> fileLeaves = new ArrayList<>();
    for (org.apache.parquet.format.SchemaElement e : meta.getSchema()) {
      if (e.getNum_children() == 0) {
        fileLeaves.add(e);
      }
    }
    if (fileLeaves.size() != leaves.length) {
      throw new Unsupported(location + " has " + fileLeaves.size() + " leaf columns, not " + leaves.length);
    }
    for (int i = 0; i < leaves.length; i++) {
      org.apache.parquet.schema.PrimitiveType want = leaves[i].desc.getPrimitiveType();
      org.apache.parquet.format.SchemaElement e = fileLeaves.get(i);
      boolean fixedLen = want.getPrimitiveTypeName() == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
      // the same names in parquet-format's Thrift enum, but for BINARY, which it calls BYTE_ARRAY
      String physical = want.getPrimitiveTypeName() == PrimitiveTypeName.BINARY ? "BYTE_ARRAY"
          : want.getPrimitiveTypeName().name();
      if (e.getType() == null || !e.getType().name().equals(physical)
          || (fixedLen && e.getType_length() != want.getTypeLength())) {
        throw new Unsupported(location + ": column " + leaves[i].path() + " is stored as " + e.getType()
            + (e.isSetType_length() ? "(" + e.getType_length() + ")" : "") + ", not as " + want);
      }
    }
    if (meta.getEncryption_algorithm() != null) {
      throw new Unsupported(location + " is encrypted");
    }
    for (RowGroup g : meta.getRow_groups()) {
      if (g.getColumns().size() != leaves.length) {
        throw new Unsupported(location + " has " + g.getColumns().size() + " columns, not " + leaves.length);
      }
      for (int i = 0; i < leaves.length; i++) {
        ColumnMetaData md = g.getColumns().get(i).getMeta_data();
        if (md == null || !md.getPath_in_schema().equals(Arrays.asList(leaves[i].desc.getPath()))) {
          throw new Unsupported(location + ": column " + i + " is not " + leaves[i].path());
        }
        if (md.getCodec() != CompressionCodec.ZSTD && md.getCodec() != CompressionCodec.UNCOMPRESSED) {
          throw new Unsupported(location + ": column " + leaves[i].path() + " is compressed with " + md.getCodec());
        }
      }
    }
  }

  private void readChunk(Leaf c, byte[] file, ColumnChunk chunk, String location, ZstdDecompressCtx ctx)
      throws Unsupported {
    ColumnMetaData md = chunk.getMeta_data();
    long start = md.getData_page_offset();
    if (md.isSetDictionary_page_offset() && md.getDictionary_page_offset() > 0) {
      start = Math.min(start, md.getDictionary_page_offset());
    }
    long end = start + md.getTotal_compressed_size();
    if (start < 0 || end > file.length) {
      throw new Unsupported(location + ": column chunk " + c.path() + " lies outside the file");
    }
    boolean zstd = md.getCodec() == CompressionCodec.ZSTD;
    long valuesLeft = md.getNum_values();
    int dictBase = -1;
    long[] numberDict = null;
    int pos = (int) start;
    PageHead h = head;
    while (valuesLeft > 0) {
      int at;
      try {
        at = h.read(file, pos, (int) end);
      } catch (RuntimeException e) {
        throw new Unsupported(location + ": a page header of " + c.path() + ": " + e.getMessage());
      }
      int compressed = h.compressedSize;
      int len = h.uncompressedSize;
      if (at + (long) compressed > end || (!zstd && compressed != len)) {
        throw new Unsupported(location + ": a page of " + c.path() + " lies outside its column chunk");
      }
      pos = at + compressed;
      byte[] buf;
      int off;
      if (zstd) {
        if (page.length < len + 16) {
          page = new byte[Math.max(len + 16, page.length * 2)];
        }
        int n;
        try {
          n = ctx.decompressByteArray(page, 0, len, file, at, compressed);
        } catch (RuntimeException e) {
          throw new Unsupported(location + ": a page of " + c.path() + " does not decompress: " + e.getMessage());
        }
        if (n != len) {
          throw new Unsupported(location + ": a page of " + c.path() + " decompresses to " + n + " bytes, not " + len);
        }
        buf = page;
        off = 0;
      } else {
        buf = file;
        off = at;
      }
      switch (h.type) {
        case DICTIONARY_PAGE -> {
          if (!h.dictionaryHeader || h.numValues < 0
              || (h.encoding != Encoding.PLAIN && h.encoding != Encoding.PLAIN_DICTIONARY)) {
            throw new Unsupported(location + ": dictionary of " + c.path() + " is " + h.encoding);
          }
          if (c.binary) {
            dictBase = c.entries;
            c.plainEntries(buf, off, h.numValues);
          } else {
            numberDict = new long[h.numValues];
            c.plainNumbers(buf, off, h.numValues, numberDict, 0);
          }
        }
        case DATA_PAGE -> {
          if (!h.dataHeader || h.numValues < 0 || h.encoding == null) {
            throw new Unsupported(location + ": a data page of " + c.path() + " without its header");
          }
          int n = h.numValues;
          c.page(buf, off, off + len, n, h, dictBase, numberDict, location);
          valuesLeft -= n;
        }
        case INDEX_PAGE -> { }
        default -> throw new Unsupported(location + ": " + c.path() + " has a " + h.type + " page");
      }
    }
  }

  /** One leaf column's slots. */
  public static final class Leaf {
    final ColumnDescriptor desc;
    final int maxR;
    final int maxD;
    final PrimitiveTypeName physical;
    final boolean binary;
    final int fixedLength;
    byte[] rep;
    byte[] def;
    int slots;
    /** Numbers by slot (int32, int64, boolean 0/1, float and double raw bits); 0 in null slots. */
    long[] numbers;
    /** Byte arrays by slot: the pool entry; -1 in null slots. */
    int[] refs;
    byte[] pool;
    int poolSize;
    int[] entryOff;
    int[] entryLen;
    int entries;
    /** Rows counted (slots at repetition level 0). */
    private long rowCount;
    /** For a repeated column: the first slot of each row, and the end. */
    private int[] rowStart;
    // the dictionary ids entries got in the column being written to (see copyTo)
    private Object outOwner;
    private int[] outId;
    private int[] outEpoch;
    private int[] dense = new int[64];
    private final Copier copier;
    private int[] runIds = new int[16];

    Leaf(ColumnDescriptor desc) {
      this.desc = desc;
      this.maxR = desc.getMaxRepetitionLevel();
      this.maxD = desc.getMaxDefinitionLevel();
      this.physical = desc.getPrimitiveType().getPrimitiveTypeName();
      this.binary = physical == PrimitiveTypeName.BINARY || physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
      this.fixedLength = physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY
          ? desc.getPrimitiveType().getTypeLength() : -1;
      this.copier = copier(physical);
      this.rep = maxR > 0 ? new byte[64] : null;
      this.def = maxD > 0 ? new byte[64] : null;
      if (binary) {
        refs = new int[64];
        pool = new byte[256];
        entryOff = new int[16];
        entryLen = new int[16];
      } else {
        numbers = new long[64];
      }
    }

    String path() {
      return String.join(".", desc.getPath());
    }

    public PrimitiveTypeName physical() {
      return physical;
    }

    long rowsCounted() {
      return rowCount;
    }

    /** Whether the slot (of a column without repetition: the row) is null. */
    public boolean isNull(int slot) {
      return def != null && def[slot] < maxD;
    }

    /** The number in a slot (int32, int64, boolean as 0/1, float and double as raw bits). */
    public long number(int slot) {
      return numbers[slot];
    }

    /** The pool entry of a byte-array slot. */
    public int entry(int slot) {
      return refs[slot];
    }

    public int entries() {
      return entries;
    }

    public byte[] pool() {
      return pool;
    }

    public int entryOffset(int e) {
      return entryOff[e];
    }

    public int entryLength(int e) {
      return entryLen[e];
    }

    private void truncate(int slotMark, int entryMark) {
      if (maxR > 0) {
        long n = 0;
        for (int i = slotMark; i < slots; i++) {
          n += rep[i] == 0 ? 1 : 0;
        }
        rowCount -= n;
      } else {
        rowCount -= slots - slotMark;
      }
      slots = slotMark;
      if (binary) {
        entries = entryMark;
        poolSize = entries == 0 ? 0 : entryOff[entries - 1] + entryLen[entries - 1];
      }
      rowStart = null;
    }

    private void ensureSlots(int more) {
      int need = slots + more;
      if (binary ? need > refs.length : need > numbers.length) {
        int n = Math.max(need, (binary ? refs.length : numbers.length) * 2);
        if (binary) {
          refs = Arrays.copyOf(refs, n);
        } else {
          numbers = Arrays.copyOf(numbers, n);
        }
        if (rep != null) {
          rep = Arrays.copyOf(rep, n);
        }
        if (def != null) {
          def = Arrays.copyOf(def, n);
        }
      }
    }

    /** The pool grown to hold {@code need} bytes (doubling), or Unsupported past {@link #MAX_POOL_BYTES}. */
    private static byte[] grown(byte[] pool, long need, String location) throws Unsupported {
      if (need > MAX_POOL_BYTES) {
        throw new Unsupported(location + ": a column's values take over " + MAX_POOL_BYTES + " bytes");
      }
      return Arrays.copyOf(pool, (int) Math.min(MAX_POOL_BYTES, Math.max(need, 2L * pool.length)));
    }

    private int addEntry(byte[] b, int off, int len) throws Unsupported {
      if (entries == entryOff.length) {
        entryOff = Arrays.copyOf(entryOff, entries * 2);
        entryLen = Arrays.copyOf(entryLen, entries * 2);
      }
      if (poolSize + len > pool.length) {
        pool = grown(pool, poolSize + (long) len, path());
      }
      System.arraycopy(b, off, pool, poolSize, len);
      entryOff[entries] = poolSize;
      entryLen[entries] = len;
      poolSize += len;
      return entries++;
    }

    /** PLAIN byte arrays (a dictionary page) as pool entries; returns the position after them. */
    private int plainEntries(byte[] b, int at, int n) throws Unsupported {
      for (int i = 0; i < n; i++) {
        int len = fixedLength >= 0 ? fixedLength : Bytes.readIntLE(b, at);
        if (fixedLength < 0) {
          at += 4;
        }
        addEntry(b, at, len);
        at += len;
      }
      return at;
    }

    /** PLAIN numbers of this column's type into {@code out[from, from + n)}; returns the position after them. */
    private int plainNumbers(byte[] b, int at, int n, long[] out, int from) {
      switch (physical) {
        case INT32, FLOAT -> {
          for (int i = 0; i < n; i++) {
            out[from + i] = physical == PrimitiveTypeName.FLOAT ? Bytes.readIntLE(b, at) & 0xFFFFFFFFL
                : Bytes.readIntLE(b, at);
            at += 4;
          }
        }
        case INT64, DOUBLE -> {
          for (int i = 0; i < n; i++) {
            out[from + i] = Bytes.readLongLE(b, at);
            at += 8;
          }
        }
        case BOOLEAN -> {
          for (int i = 0; i < n; i++) {
            out[from + i] = (b[at + (i >>> 3)] >>> (i & 7)) & 1;
          }
          at += (n + 7) / 8;
        }
        default -> throw new IllegalStateException(path() + " is " + physical);
      }
      return at;
    }

    private void page(byte[] b, int at, int end, int n, PageHead h, int dictBase, long[] numberDict,
        String location) throws Unsupported {
      ensureSlots(n);
      int first = slots;
      if (maxR > 0) {
        if (h.repetitionEncoding != Encoding.RLE) {
          throw new Unsupported(location + ": repetition levels of " + path() + " are " + h.repetitionEncoding);
        }
        int len = Bytes.readIntLE(b, at);
        Hybrid.decodeBytes(b, at + 4, Rle.bitWidth(maxR), rep, first, n);
        at += 4 + len;
        for (int i = first; i < first + n; i++) {
          rowCount += rep[i] == 0 ? 1 : 0;
        }
      } else {
        rowCount += n;
      }
      int present = n;
      if (maxD > 0) {
        if (h.definitionEncoding != Encoding.RLE) {
          throw new Unsupported(location + ": definition levels of " + path() + " are " + h.definitionEncoding);
        }
        int len = Bytes.readIntLE(b, at);
        Hybrid.decodeBytes(b, at + 4, Rle.bitWidth(maxD), def, first, n);
        at += 4 + len;
        present = 0;
        for (int i = first; i < first + n; i++) {
          present += def[i] == maxD ? 1 : 0;
        }
      }
      slots += n;
      Encoding enc = h.encoding;
      if (binary) {
        int[] ids = denseInts(present);
        switch (enc) {
          case PLAIN -> {
            for (int i = 0; i < present; i++) {
              int len = fixedLength >= 0 ? fixedLength : Bytes.readIntLE(b, at);
              if (fixedLength < 0) {
                at += 4;
              }
              ids[i] = addEntry(b, at, len);
              at += len;
            }
          }
          case PLAIN_DICTIONARY, RLE_DICTIONARY -> {
            if (dictBase < 0) {
              throw new Unsupported(location + ": " + path() + " has dictionary ids and no dictionary");
            }
            int width = b[at] & 0xFF;
            Hybrid.decodeInts(b, at + 1, width, ids, 0, present);
            int limit = entries - dictBase;
            for (int i = 0; i < present; i++) {
              if (ids[i] < 0 || ids[i] >= limit) {
                throw new Unsupported(location + ": " + path() + " has a dictionary id out of range");
              }
              ids[i] += dictBase;
            }
          }
          case DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY -> {
            if (fixedLength >= 0) {
              throw new Unsupported(location + ": " + path() + " is fixed-length and " + enc);
            }
            long[] prefixes = new long[present];
            long[] lengths = new long[present];
            if (enc == Encoding.DELTA_BYTE_ARRAY) {
              at = DeltaReader.binaryPacked(b, at, prefixes, 0, present);
            }
            at = DeltaReader.binaryPacked(b, at, lengths, 0, present);
            int prevOff = 0;
            int prevLen = 0;
            for (int i = 0; i < present; i++) {
              int prefix = (int) prefixes[i];
              int suffix = (int) lengths[i];
              if (prefix < 0 || prefix > prevLen || suffix < 0 || at + suffix > end) {
                throw new Unsupported(location + ": " + path() + " has a bad delta-encoded value");
              }
              int len = prefix + suffix;
              if (poolSize + len > pool.length) {
                pool = grown(pool, poolSize + (long) len, location);
              }
              System.arraycopy(pool, prevOff, pool, poolSize, prefix);
              System.arraycopy(b, at, pool, poolSize + prefix, suffix);
              at += suffix;
              if (entries == entryOff.length) {
                entryOff = Arrays.copyOf(entryOff, entries * 2);
                entryLen = Arrays.copyOf(entryLen, entries * 2);
              }
              entryOff[entries] = poolSize;
              entryLen[entries] = len;
              prevOff = poolSize;
              prevLen = len;
              poolSize += len;
              ids[i] = entries++;
            }
          }
          default -> throw new Unsupported(location + ": " + path() + " is " + enc + "-encoded");
        }
        scatter(ids, first, n, present);
      } else {
        long[] values = present == n ? numbers : new long[present];
        int from = present == n ? first : 0;
        switch (enc) {
          case PLAIN -> plainNumbers(b, at, present, values, from);
          case PLAIN_DICTIONARY, RLE_DICTIONARY -> {
            if (numberDict == null) {
              throw new Unsupported(location + ": " + path() + " has dictionary ids and no dictionary");
            }
            int[] ids = denseInts(present);
            Hybrid.decodeInts(b, at + 1, b[at] & 0xFF, ids, 0, present);
            for (int i = 0; i < present; i++) {
              if (ids[i] < 0 || ids[i] >= numberDict.length) {
                throw new Unsupported(location + ": " + path() + " has a dictionary id out of range");
              }
              values[from + i] = numberDict[ids[i]];
            }
          }
          case DELTA_BINARY_PACKED -> {
            if (physical != PrimitiveTypeName.INT32 && physical != PrimitiveTypeName.INT64) {
              throw new Unsupported(location + ": " + path() + " is " + physical + " and " + enc);
            }
            DeltaReader.binaryPacked(b, at, values, from, present);
            if (physical == PrimitiveTypeName.INT32) {
              for (int i = 0; i < present; i++) {
                values[from + i] = (int) values[from + i];
              }
            }
          }
          default -> throw new Unsupported(location + ": " + path() + " is " + enc + "-encoded");
        }
        if (present != n) {
          int v = 0;
          for (int i = first; i < first + n; i++) {
            numbers[i] = def[i] == maxD ? values[v++] : 0;
          }
        }
      }
    }

    private int[] denseInts(int n) {
      if (dense.length < n) {
        dense = new int[Math.max(n, dense.length * 2)];
      }
      return dense;
    }

    private void scatter(int[] ids, int first, int n, int present) {
      if (present == n) {
        System.arraycopy(ids, 0, refs, first, n);
        return;
      }
      int v = 0;
      for (int i = first; i < first + n; i++) {
        refs[i] = def[i] == maxD ? ids[v++] : -1;
      }
    }

    /** The first slot of each row of a repeated column (and the end), computed once all files are added. */
    private int[] rowStarts(int rows) {
      if (rowStart == null || rowStart.length != rows + 1) {
        int[] s = new int[rows + 1];
        int row = 0;
        for (int i = 0; i < slots; i++) {
          if (rep[i] == 0) {
            s[row++] = i;
          }
        }
        s[rows] = slots;
        rowStart = s;
      }
      return rowStart;
    }

    /**
     * Writes the slots of rows {@code order[from, to)} into {@code out}, this column in a file of the same schema,
     * through the same column calls a row-by-row writer makes for these values: a null at its levels, a value at its
     * repetition level. A byte array goes by the dictionary id its entry got in {@code out} (while that dictionary
     * holds), else by its bytes.
     */
    void copyTo(LeafColumn out, int rows, int[] order, int from, int to) {
      copier.copy(this, out, maxR > 0 ? rowStarts(rows) : null, order, from, to);
    }

    private static Copier copier(PrimitiveTypeName physical) {
      return switch (physical) {
        case BINARY, FIXED_LEN_BYTE_ARRAY -> new BinaryCopier();
        case INT32, INT64 -> new IntegerCopier();
        case DOUBLE -> new DoubleCopier();
        default -> new OtherCopier();
      };
    }

    /**
     * Writes a leaf's slots of some rows: one implementation per kind of column, called through a site that sees
     * several, so that each is compiled on its own instead of all of them inlined into one large method (which C2
     * took most of a second to compile, in the bench's measured step).
     */
    private abstract static class Copier {
      abstract void copy(Leaf l, LeafColumn out, int[] starts, int[] order, int from, int to);
    }

    private static final class BinaryCopier extends Copier {
      @Override
      void copy(Leaf l, LeafColumn out, int[] starts, int[] order, int from, int to) {
        l.copyBinary((BinaryColumn) out, starts, order, from, to);
      }
    }

    private static final class IntegerCopier extends Copier {
      @Override
      void copy(Leaf l, LeafColumn out, int[] starts, int[] order, int from, int to) {
        IntegerColumn c = (IntegerColumn) out;
        byte[] rep = l.rep;
        byte[] def = l.def;
        long[] numbers = l.numbers;
        int maxD = l.maxD;
        for (int k = from; k < to; k++) {
          int row = order[k];
          int s1 = starts == null ? row + 1 : starts[row + 1];
          for (int s = starts == null ? row : starts[row]; s < s1; s++) {
            int r = rep == null ? 0 : rep[s];
            int d = def == null ? maxD : def[s];
            if (d < maxD) {
              c.writeNull(r, d);
            } else {
              c.write(r, numbers[s]);
            }
          }
        }
      }
    }

    private static final class DoubleCopier extends Copier {
      @Override
      void copy(Leaf l, LeafColumn out, int[] starts, int[] order, int from, int to) {
        DoubleColumn c = (DoubleColumn) out;
        byte[] rep = l.rep;
        byte[] def = l.def;
        long[] numbers = l.numbers;
        int maxD = l.maxD;
        for (int k = from; k < to; k++) {
          int row = order[k];
          int s1 = starts == null ? row + 1 : starts[row + 1];
          for (int s = starts == null ? row : starts[row]; s < s1; s++) {
            int r = rep == null ? 0 : rep[s];
            int d = def == null ? maxD : def[s];
            if (d < maxD) {
              c.writeNull(r, d);
            } else {
              c.write(r, Double.longBitsToDouble(numbers[s]));
            }
          }
        }
      }
    }

    private static final class OtherCopier extends Copier {
      @Override
      void copy(Leaf l, LeafColumn out, int[] starts, int[] order, int from, int to) {
        for (int k = from; k < to; k++) {
          int row = order[k];
          int s1 = starts == null ? row + 1 : starts[row + 1];
          for (int s = starts == null ? row : starts[row]; s < s1; s++) {
            int r = l.rep == null ? 0 : l.rep[s];
            int d = l.def == null ? l.maxD : l.def[s];
            if (d < l.maxD) {
              out.writeNull(r, d);
            } else if (l.physical == PrimitiveTypeName.FLOAT) {
              ((FloatColumn) out).write(r, Float.intBitsToFloat((int) l.numbers[s]));
            } else if (l.physical == PrimitiveTypeName.BOOLEAN) {
              ((BooleanColumn) out).write(r, l.numbers[s] != 0);
            } else {
              throw new IllegalStateException(l.path() + " is " + l.physical);
            }
          }
        }
      }
    }

    private void copyBinary(BinaryColumn c, int[] starts, int[] order, int from, int to) {
      if (outOwner != c) {
        outOwner = c;
        if (outId == null || outId.length < entries) {
          outId = new int[entries];
          outEpoch = new int[entries];
        } else {
          Arrays.fill(outEpoch, 0);
        }
      }
      if (starts != null) {
        copyRepeatedBinary(c, starts, order, from, to);
        return;
      }
      int[] ids = outId;
      int[] epochs = outEpoch;
      for (int k = from; k < to; k++) {
        int s = order[k];
        int d = def == null ? maxD : def[s];
        if (d < maxD) {
          c.writeNull(0, d);
          continue;
        }
        int e = refs[s];
        int epoch = c.dictionaryEpoch();
        if (epoch >= 0 && epochs[e] == epoch + 1) {
          c.writeId(0, ids[e]);
        } else {
          int id = c.writeForId(0, pool, entryOff[e], entryLen[e]);
          if (id >= 0) {
            ids[e] = id;
            epochs[e] = epoch + 1;
          }
        }
      }
    }

    /**
     * A repeated column's slots: each run of present values whose entries have ids in {@code c}'s dictionary (a
     * map's or a list's entries: the first at its own repetition level, the rest at one) goes in one
     * {@link BinaryColumn#writeIds} call, as the streaming writer replays a map it has seen; the rest slot by slot.
     */
    private void copyRepeatedBinary(BinaryColumn c, int[] starts, int[] order, int from, int to) {
      int[] ids = outId;
      int[] epochs = outEpoch;
      int[] run = runIds;
      for (int k = from; k < to; k++) {
        int row = order[k];
        int s1 = starts[row + 1];
        int s = starts[row];
        while (s < s1) {
          int r = rep[s];
          int d = def == null ? maxD : def[s];
          if (d < maxD) {
            c.writeNull(r, d);
            s++;
            continue;
          }
          int e = refs[s];
          int epoch = c.dictionaryEpoch();
          if (epoch < 0 || epochs[e] != epoch + 1) {
            int id = c.writeForId(r, pool, entryOff[e], entryLen[e]);
            if (id >= 0) {
              ids[e] = id;
              epochs[e] = epoch + 1;
            }
            s++;
            continue;
          }
          int valid = epoch + 1;
          int n = 1;
          run[0] = ids[e];
          long plain = c.plainBytesOf(ids[e]);
          int r1 = s + 1 < s1 ? rep[s + 1] : 0;
          while (s + n < s1 && rep[s + n] == r1 && (def == null || def[s + n] == maxD)
              && epochs[refs[s + n]] == valid) {
            if (n == run.length) {
              run = Arrays.copyOf(run, n * 2);
              runIds = run;
            }
            int id = ids[refs[s + n]];
            run[n++] = id;
            plain += c.plainBytesOf(id);
          }
          if (n == 1) {
            c.writeId(r, run[0]);
          } else {
            c.writeIds(r, r1, run, n, plain, false);
          }
          s += n;
        }
      }
    }
  }
}
