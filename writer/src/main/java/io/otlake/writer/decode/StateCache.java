package io.otlake.writer.decode;

import java.util.Arrays;
import java.util.HashMap;
import io.otlake.proto.wire.MalformedRequestException;
import java.util.function.IntUnaryOperator;

/**
 * What was read from a resource's or scope's bytes, found again by those bytes: a hash map from the bytes (copied,
 * so an entry is checked byte for byte) to the state read from them, plus which state each resource (or scope) index
 * of the current request has. States are read from the key's copy, so an entry holds on to nothing of the request it
 * came from. Bounded: past {@link #MAX_ENTRIES} distinct keys it starts over.
 */
final class StateCache<S> {
  static final int MAX_ENTRIES = 4096;

  /** Reads a state from the bytes of its ranges, as copied in a key. */
  interface Reader<S> {
    S read(Key key) throws MalformedRequestException;
  }

  private final HashMap<Key, S> map = new HashMap<>();
  private final Reader<S> reader;
  private Object[] byIndex = new Object[8];
  private long[] readFor = new long[8];

  StateCache(Reader<S> reader) {
    this.reader = reader;
    Arrays.fill(readFor, -1);
  }

  /**
   * The state of index {@code index} of request number {@code request}, whose bytes are the {@code n} ranges given:
   * looked up once per request and index, read only when those bytes were not seen before.
   */
  @SuppressWarnings("unchecked")
  S get(int index, long request, byte[] buf, int n, IntUnaryOperator offset, IntUnaryOperator length)
      throws MalformedRequestException {
    if (index >= byIndex.length) {
      int size = Math.max(index + 1, byIndex.length * 2);
      byIndex = Arrays.copyOf(byIndex, size);
      int old = readFor.length;
      readFor = Arrays.copyOf(readFor, size);
      Arrays.fill(readFor, old, size, -1);
    }
    if (readFor[index] != request) {
      Key key = key(buf, n, offset, length);
      S state = map.get(key);
      if (state == null) {
        state = reader.read(key);
        put(key, state);
      }
      byIndex[index] = state;
      readFor[index] = request;
    }
    return (S) byIndex[index];
  }

  /** The key of the bytes in {@code n} ranges of {@code buf}. */
  private static Key key(byte[] buf, int n, IntUnaryOperator offset, IntUnaryOperator length) {
    int total = 0;
    for (int i = 0; i < n; i++) {
      total += length.applyAsInt(i) + 1;
    }
    byte[] bytes = new byte[total];
    int[] offs = new int[n];
    int[] lens = new int[n];
    int at = 0;
    for (int i = 0; i < n; i++) {
      int len = length.applyAsInt(i);
      System.arraycopy(buf, offset.applyAsInt(i), bytes, at, len);
      offs[i] = at;
      lens[i] = len;
      at += len;
      // each range is a whole field (tag, length, bytes), so the concatenation is unambiguous; the separator only
      // keeps ranges apart when reading
      bytes[at++] = (byte) 0xFF;
    }
    return new Key(bytes, offs, lens);
  }

  private void put(Key key, S state) {
    if (map.size() >= MAX_ENTRIES) {
      map.clear();
    }
    map.put(key, state);
  }

  /** The bytes of some ranges, copied, and where each range lies in the copy. */
  static final class Key extends BytesKey {
    final int[] offsets;
    final int[] lengths;

    Key(byte[] bytes, int[] offsets, int[] lengths) {
      super(bytes);
      this.offsets = offsets;
      this.lengths = lengths;
    }
  }
}
