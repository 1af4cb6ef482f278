package io.otlake.writer.parquet;

import java.util.Arrays;

/**
 * The fast path for a {@code map<string, string>} whose content repeats row after row (a resource's or a scope's
 * attributes, the same for thousands of rows): the dictionary ids its entries got the first time are remembered per
 * owner (any object the caller identifies the content by, plus a version that changes when the content does), and
 * later rows write those ids without hashing or copying a byte. Ids stay valid while neither column's dictionary
 * changed (a new chunk, a fall-back to PLAIN); then the map is written normally again and remembered anew. Holds a
 * few owners at once (round robin), as rows of a few resources interleave.
 *
 * <pre>{@code
 * if (!cache.replay(resource, resource.version())) {
 *   cache.begin(resource, resource.version());
 *   for (each pair) cache.entry(key, koff, klen, value, voff, vlen);
 *   cache.end();
 * }
 * }</pre>
 */
public final class StringMapCache {
  private final FieldWriter map;
  private final BinaryColumn key;
  private final BinaryColumn value;
  private final Object[] owner;
  private final long[] version;
  private final int[] keyEpoch;
  private final int[] valueEpoch;
  private final int[] counts;
  private final int[][] keyIds;
  private final int[][] valueIds;
  /** Per owner: the entries' PLAIN bytes, and the page whose statistics hold them all (-1: none known). */
  private final long[] keyPlain;
  private final long[] valuePlain;
  private final int[] keyPage;
  private final int[] valuePage;
  private int nextSlot;
  private int slot = -1;
  private int startKeyEpoch;
  private int startValueEpoch;

  /** A cache of {@code slots} owners for {@code map}, a map of strings to strings (or a handle to nothing). */
  public StringMapCache(FieldWriter map, int slots) {
    this.map = map;
    this.key = map.key().binary;
    this.value = map.value().binary;
    if (map.type() != null && (key == null || value == null)) {
      throw new IllegalArgumentException("field " + map.name() + " is " + map.type() + ", not a map of strings");
    }
    owner = new Object[slots];
    version = new long[slots];
    keyEpoch = new int[slots];
    valueEpoch = new int[slots];
    counts = new int[slots];
    keyIds = new int[slots][16];
    valueIds = new int[slots][16];
    keyPlain = new long[slots];
    valuePlain = new long[slots];
    keyPage = new int[slots];
    valuePage = new int[slots];
  }

  /**
   * Writes the map remembered for {@code owner} at {@code version} if its ids are still valid (and true), or
   * nothing (and false): then the caller writes it with {@link #begin}, {@link #entry} and {@link #end}.
   */
  public boolean replay(Object owner, long version) {
    if (key == null) {
      return true; // the file has no such map
    }
    int ke = key.dictionaryEpoch();
    int ve = value.dictionaryEpoch();
    if (ke < 0 || ve < 0) {
      return false;
    }
    for (int i = 0; i < this.owner.length; i++) {
      if (this.owner[i] == owner && this.version[i] == version && keyEpoch[i] == ke && valueEpoch[i] == ve) {
        map.beginMap();
        int n = counts[i];
        if (n > 0) {
          // all entries at once: their levels, ids and PLAIN sizes are known; statistics once per page
          int r0 = map.firstEntryLevel();
          int r1 = map.nextEntryLevel();
          int kp = key.pageToken();
          int vp = value.pageToken();
          key.writeIds(r0, r1, keyIds[i], n, keyPlain[i], keyPage[i] == kp);
          value.writeIds(r0, r1, valueIds[i], n, valuePlain[i], valuePage[i] == vp);
          keyPage[i] = kp;
          valuePage[i] = vp;
          map.skipEntries(n);
        }
        map.endMap();
        return true;
      }
    }
    return false;
  }

  /** Starts writing the map of {@code owner} at {@code version}, remembering its ids. */
  public void begin(Object owner, long version) {
    if (key == null) {
      return;
    }
    slot = nextSlot;
    nextSlot = (nextSlot + 1) % this.owner.length;
    this.owner[slot] = owner;
    this.version[slot] = version;
    counts[slot] = 0;
    keyPlain[slot] = 0;
    valuePlain[slot] = 0;
    keyPage[slot] = -1;
    valuePage[slot] = -1;
    startKeyEpoch = key.dictionaryEpoch();
    startValueEpoch = value.dictionaryEpoch();
    map.beginMap();
  }

  /** One entry of the map begun. */
  public void entry(byte[] k, int kOff, int kLen, byte[] v, int vOff, int vLen) {
    if (key == null) {
      return;
    }
    map.nextEntry();
    int r = map.rowWriter().r;
    int keyId = key.writeForId(r, k, kOff, kLen);
    int valueId = value.writeForId(r, v, vOff, vLen);
    int n = counts[slot];
    if (n == keyIds[slot].length) {
      keyIds[slot] = Arrays.copyOf(keyIds[slot], n * 2);
      valueIds[slot] = Arrays.copyOf(valueIds[slot], n * 2);
    }
    keyIds[slot][n] = keyId;
    valueIds[slot][n] = valueId;
    if (keyId >= 0 && valueId >= 0) {
      keyPlain[slot] += key.plainBytesOf(keyId);
      valuePlain[slot] += value.plainBytesOf(valueId);
    }
    counts[slot] = n + 1;
  }

  /** Ends the map begun; its ids are kept if neither dictionary changed while it was written. */
  public void end() {
    if (key == null) {
      return;
    }
    map.endMap();
    boolean valid = startKeyEpoch >= 0 && startValueEpoch >= 0 && key.dictionaryEpoch() == startKeyEpoch
        && value.dictionaryEpoch() == startValueEpoch;
    keyEpoch[slot] = valid ? startKeyEpoch : -2;
    valueEpoch[slot] = valid ? startValueEpoch : -2;
    // the values just written count in this page's statistics
    keyPage[slot] = key.pageToken();
    valuePage[slot] = value.pageToken();
    slot = -1;
  }
}
