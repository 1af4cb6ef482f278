package io.otlake.writer.decode;

import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedRequest;
import io.otlake.proto.wire.WireReader;
import io.otlake.writer.parquet.XxHash64;
import java.nio.charset.StandardCharsets;

/**
 * The resources and scopes of scanned requests of any signal ({@code Resource*} and {@code Scope*} messages share
 * their field numbers in traces, logs and metrics: resource 1, schema_url 3; scope 1, schema_url 3), parsed once per
 * distinct bytes ({@link StateCache}): the same service sends the same resource request after request, so its
 * attributes are parsed once and stay the same objects (which lets the column writer reuse their dictionary ids).
 * Each state also keeps a hash of its bytes per seed given, for identities made of them.
 */
public final class Envelopes {
  private static final byte[] SERVICE_NAME = "service.name".getBytes(StandardCharsets.UTF_8);

  private final long[] seeds;
  private final StateCache<Resource> resources;
  private final StateCache<Scope> scopes;
  /** Counts requests, so a cached state knows whether it was looked up for the current one. */
  private long requestNo;

  /** @param seeds the seeds of the hashes each state keeps of its bytes ({@link Resource#hash}) */
  public Envelopes(long... seeds) {
    this.seeds = seeds.clone();
    resources = new StateCache<>(key -> new Resource(this.seeds.length).read(key, this.seeds));
    scopes = new StateCache<>(key -> new Scope(this.seeds.length).read(key, this.seeds));
  }

  /** Starts on a new request. */
  public void reset() {
    requestNo++;
  }

  /** The resource {@code node} (level 0) of the current request {@code r}. */
  public Resource resource(ScannedRequest r, int node) throws MalformedRequestException {
    return resources.get(node, requestNo, r.bytes(), r.rangeCount(0, node), i -> r.rangeOffset(0, node, i),
        i -> r.rangeLength(0, node, i));
  }

  /** The scope {@code node} (level 1) of the current request {@code r}. */
  public Scope scope(ScannedRequest r, int node) throws MalformedRequestException {
    return scopes.get(node, requestNo, r.bytes(), r.rangeCount(1, node), i -> r.rangeOffset(1, node, i),
        i -> r.rangeLength(1, node, i));
  }

  private static long[] hashes(StateCache.Key key, long[] seeds) {
    long[] h = new long[seeds.length];
    for (int k = 0; k < seeds.length; k++) {
      h[k] = XxHash64.hash(key.bytes, 0, key.bytes.length, seeds[k]);
    }
    return h;
  }

  private static Slice orNull(Slice s) {
    return s.len == 0 ? null : s;
  }

  /** A resource's fields (the Resource* message's fields other than its list of scopes), read once. */
  public static final class Resource {
    private final AttrList attributes = new AttrList();
    private int dropped;
    private final Slice schemaUrl = new Slice();
    private String serviceName;
    private final Slice serviceNameSlice = new Slice();
    private long[] hashes;

    private Resource(int seeds) {
      hashes = new long[seeds];
    }

    private Resource read(StateCache.Key key, long[] seeds) throws MalformedRequestException {
      byte[] b = key.bytes;
      attributes.clear(b);
      schemaUrl.set(b, 0, 0);
      for (int i = 0; i < key.offsets.length; i++) {
        WireReader r = new WireReader(b, key.offsets[i], key.lengths[i]);
        int tag = r.readTag();
        if (tag == (1 << 3 | WireReader.LEN)) {
          int len = r.readLength();
          WireReader rr = new WireReader(b, r.pos, len);
          while (!rr.atEnd()) {
            int ftag = rr.readTag();
            switch (ftag) {
              case 1 << 3 | WireReader.LEN -> attributes.add(rr);
              case 2 << 3 | WireReader.VARINT -> dropped = (int) rr.readVarint();
              default -> rr.skip(ftag & 7);
            }
          }
        } else if (tag == (3 << 3 | WireReader.LEN)) {
          schemaUrl.readFrom(r);
        }
      }
      serviceName = attributes.stringValue(SERVICE_NAME);
      if (serviceName != null) {
        serviceNameSlice.set(serviceName.getBytes(StandardCharsets.UTF_8));
      }
      hashes = hashes(key, seeds);
      return this;
    }

    public AttrList attributes() {
      return attributes;
    }

    public int droppedAttributes() {
      return dropped;
    }

    /** The schema URL, or null when none. */
    public Slice schemaUrl() {
      return orNull(schemaUrl);
    }

    /** The {@code service.name} attribute as text, or null: one String object per resource state. */
    public String serviceName() {
      return serviceName;
    }

    public Slice serviceNameText() {
      return serviceName == null ? null : serviceNameSlice;
    }

    /** The hash of the resource's bytes with seed {@code k} of the ones given to {@link Envelopes}. */
    public long hash(int k) {
      return hashes[k];
    }
  }

  /** A scope's fields (the Scope* message's fields other than its items), read once. */
  public static final class Scope {
    private final AttrList attributes = new AttrList();
    private final Slice name = new Slice();
    private final Slice version = new Slice();
    private final Slice schemaUrl = new Slice();
    private int dropped;
    private long[] hashes;

    private Scope(int seeds) {
      hashes = new long[seeds];
    }

    private Scope read(StateCache.Key key, long[] seeds) throws MalformedRequestException {
      byte[] b = key.bytes;
      attributes.clear(b);
      name.set(b, 0, 0);
      version.set(b, 0, 0);
      schemaUrl.set(b, 0, 0);
      for (int i = 0; i < key.offsets.length; i++) {
        WireReader r = new WireReader(b, key.offsets[i], key.lengths[i]);
        int tag = r.readTag();
        if (tag == (1 << 3 | WireReader.LEN)) {
          int len = r.readLength();
          WireReader rr = new WireReader(b, r.pos, len);
          while (!rr.atEnd()) {
            int ftag = rr.readTag();
            switch (ftag) {
              case 1 << 3 | WireReader.LEN -> name.readFrom(rr);
              case 2 << 3 | WireReader.LEN -> version.readFrom(rr);
              case 3 << 3 | WireReader.LEN -> attributes.add(rr);
              case 4 << 3 | WireReader.VARINT -> dropped = (int) rr.readVarint();
              default -> rr.skip(ftag & 7);
            }
          }
        } else if (tag == (3 << 3 | WireReader.LEN)) {
          schemaUrl.readFrom(r);
        }
      }
      hashes = hashes(key, seeds);
      return this;
    }

    public AttrList attributes() {
      return attributes;
    }

    /** The scope's name, or null when empty. */
    public Slice name() {
      return orNull(name);
    }

    public Slice version() {
      return orNull(version);
    }

    public int droppedAttributes() {
      return dropped;
    }

    public Slice schemaUrl() {
      return orNull(schemaUrl);
    }

    public long hash(int k) {
      return hashes[k];
    }
  }
}
