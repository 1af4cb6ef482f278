package io.otlake.writer.columns;

import io.otlake.writer.decode.AttrList;
import io.otlake.writer.decode.Slice;
import io.otlake.writer.parquet.FieldWriter;
import io.otlake.writer.parquet.StringMapCache;

/**
 * Writing attributes and text into columns, for every signal's mappers: a {@code map<string,string>} from an
 * {@link AttrList}'s values or types, directly ({@link Plain}) or through a {@link StringMapCache} for maps that
 * repeat row after row such as resource and scope attributes ({@link Cached}), and optional strings.
 */
public final class AttrColumns {
  private static final int CACHED_OWNERS = 8;

  private AttrColumns() {}

  /** A string, or null when there is none. */
  public static void string(FieldWriter f, Slice v) {
    if (v == null) {
      f.writeNull();
    } else {
      f.writeBytes(v.buf, v.off, v.len);
    }
  }

  /** An attribute map written entry by entry. */
  public static final class Plain {
    private final FieldWriter map;
    private final boolean types;

    /** The values ({@code types} false) or the types of the attributes, into {@code map}. */
    public Plain(FieldWriter map, boolean types) {
      this.map = map;
      this.types = types;
    }

    public void write(AttrList attributes) {
      AttrList.Pairs pairs = types ? attributes.types() : attributes.values();
      map.beginMap();
      pairs.start();
      while (pairs.hasNext()) {
        pairs.next();
        Slice k = pairs.key();
        Slice v = pairs.value();
        map.writeStringEntry(k.buf, k.off, k.len, v.buf, v.off, v.len);
      }
      map.endMap();
    }
  }

  /** A resource's or scope's attribute map (values or types), which repeats row after row: ids replayed. */
  public static final class Cached {
    private final StringMapCache cache;
    private final boolean types;

    public Cached(FieldWriter map, boolean types) {
      this.cache = new StringMapCache(map, CACHED_OWNERS);
      this.types = types;
    }

    public void write(AttrList attributes) {
      if (cache.replay(attributes, attributes.version())) {
        return;
      }
      AttrList.Pairs pairs = types ? attributes.types() : attributes.values();
      cache.begin(attributes, attributes.version());
      pairs.start();
      while (pairs.hasNext()) {
        pairs.next();
        Slice k = pairs.key();
        Slice v = pairs.value();
        cache.entry(k.buf, k.off, k.len, v.buf, v.off, v.len);
      }
      cache.end();
    }
  }
}
