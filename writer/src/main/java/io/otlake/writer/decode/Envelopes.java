package io.otlake.writer.decode;

import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedRequest;
import io.otlake.proto.wire.WireReader;
import java.nio.charset.StandardCharsets;

/**
 * The resources and scopes of scanned requests of any signal (level 0 and 1 of a {@link ScannedRequest}; every
 * signal's {@code Resource*} and {@code Scope*} messages hold the resource or scope as field 1 and the schema URL as
 * field 3), each parsed once per distinct bytes ({@link StateCache}): the same service sends the same resource
 * request after request, so its attributes are read once and stay the same objects (which lets the column writer
 * replay their dictionary ids). One instance per view.
 */
public final class Envelopes {
  private static final byte[] SERVICE_NAME = "service.name".getBytes(StandardCharsets.UTF_8);

  private final StateCache<Resource> resources = new StateCache<>(key -> new Resource().read(key));
  private final StateCache<Scope> scopes = new StateCache<>(key -> new Scope().read(key));

  /** Resource {@code res} (level 0) of {@code r}, request number {@code requestNo} of the view. */
  public Resource resource(ScannedRequest r, long requestNo, int res) throws MalformedRequestException {
    return resources.get(res, requestNo, r.bytes(), r.rangeCount(0, res), i -> r.rangeOffset(0, res, i),
        i -> r.rangeLength(0, res, i));
  }

  /** Scope {@code sc} (level 1) of {@code r}. */
  public Scope scope(ScannedRequest r, long requestNo, int sc) throws MalformedRequestException {
    return scopes.get(sc, requestNo, r.bytes(), r.rangeCount(1, sc), i -> r.rangeOffset(1, sc, i),
        i -> r.rangeLength(1, sc, i));
  }

  /** A resource's fields, read once; slices point into the cache key's own copy of the bytes. */
  public static final class Resource {
    private final AttrList attributes = new AttrList();
    private int dropped;
    private final Slice schemaUrl = new Slice();
    private String serviceName;
    private final Slice serviceNameText = new Slice();

    public AttrList attributes() {
      return attributes;
    }

    public int droppedAttributes() {
      return dropped;
    }

    /** The schema URL, or null when empty. */
    public Slice schemaUrl() {
      return schemaUrl.len == 0 ? null : schemaUrl;
    }

    /** Attribute {@code service.name} as text, or null; the same object for every item of the resource. */
    public String serviceName() {
      return serviceName;
    }

    public Slice serviceNameText() {
      return serviceName == null ? null : serviceNameText;
    }

    private Resource read(StateCache.Key key) throws MalformedRequestException {
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
          SpanView.slice(r, schemaUrl);
        }
      }
      serviceName = attributes.stringValue(SERVICE_NAME);
      if (serviceName != null) {
        serviceNameText.set(serviceName.getBytes(StandardCharsets.UTF_8));
      }
      return this;
    }
  }

  /** A scope's fields, read once. */
  public static final class Scope {
    private final AttrList attributes = new AttrList();
    private final Slice name = new Slice();
    private final Slice version = new Slice();
    private final Slice schemaUrl = new Slice();
    private int dropped;

    public AttrList attributes() {
      return attributes;
    }

    /** The scope's name, or null when empty. */
    public Slice name() {
      return name.len == 0 ? null : name;
    }

    public Slice version() {
      return version.len == 0 ? null : version;
    }

    public Slice schemaUrl() {
      return schemaUrl.len == 0 ? null : schemaUrl;
    }

    public int droppedAttributes() {
      return dropped;
    }

    private Scope read(StateCache.Key key) throws MalformedRequestException {
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
              case 1 << 3 | WireReader.LEN -> SpanView.slice(rr, name);
              case 2 << 3 | WireReader.LEN -> SpanView.slice(rr, version);
              case 3 << 3 | WireReader.LEN -> attributes.add(rr);
              case 4 << 3 | WireReader.VARINT -> dropped = (int) rr.readVarint();
              default -> rr.skip(ftag & 7);
            }
          }
        } else if (tag == (3 << 3 | WireReader.LEN)) {
          SpanView.slice(r, schemaUrl);
        }
      }
      return this;
    }
  }
}
