package io.otlake.proto.json;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.otlake.proto.Hex;
import io.otlake.proto.wire.MalformedRequestException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The previous OTLP/JSON reader, kept as the tests' reference for {@link JsonToProto}: one streaming pass over Gson's
 * {@code JsonReader} on an {@code InputStreamReader}, driven by the message descriptors (it was checked against
 * protobuf's JsonFormat in turn). Only {@code JsonToProtoTest} uses it.
 */
final class GsonJsonToProto {
  private static final int MAX_DEPTH = 64;
  private static final Map<Descriptor, Map<String, FieldDescriptor>> FIELDS = new ConcurrentHashMap<>();
  private static final int VARINT = 0;
  private static final int I64 = 1;
  private static final int LEN = 2;
  private static final int I32 = 5;

  /** One buffer per nesting depth, reused: a nested message is written into the next and copied up behind its length. */
  private final List<Out> buffers = new ArrayList<>();
  private final JsonReader in;

  private GsonJsonToProto(JsonReader in) {
    this.in = in;
  }

  static byte[] transcode(byte[] json, Descriptor root) throws MalformedRequestException {
    // a decoder of its own reports malformed UTF-8 (InputStreamReader given a charset would replace it with U+FFFD)
    JsonReader reader = new JsonReader(
        new InputStreamReader(new ByteArrayInputStream(json), StandardCharsets.UTF_8.newDecoder()));
    reader.setStrictness(Strictness.STRICT); // RFC 8259 only: no comments, single quotes or bare words
    GsonJsonToProto t = new GsonJsonToProto(reader);
    try {
      if (reader.peek() != JsonToken.BEGIN_OBJECT) {
        throw new MalformedRequestException("an " + root.getName() + " must be a JSON object");
      }
      Out out = t.buffer(0);
      t.message(root, out, 0);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new MalformedRequestException("not valid JSON: more after the object at "
            + shortened(reader.getPath()));
      }
      return Arrays.copyOf(out.buf, out.len);
    } catch (CharacterCodingException e) {
      throw new MalformedRequestException("not valid JSON: the body is not valid UTF-8");
    } catch (MalformedJsonException | java.io.EOFException e) {
      throw new MalformedRequestException("not valid JSON" + position(e.getMessage()));
    } catch (IOException e) {
      throw new MalformedRequestException("not valid JSON: " + shortened(String.valueOf(e.getMessage())));
    } catch (IllegalStateException e) {
      // a token of the wrong kind, e.g. an object where a string must be (Gson names the path)
      String m = String.valueOf(e.getMessage());
      int advice = m.indexOf('\n'); // Gson appends a troubleshooting link on its own line
      throw new MalformedRequestException("not a valid OTLP/JSON " + root.getName() + ": "
          + shortened(advice < 0 ? m : m.substring(0, advice)));
    }
  }

  private void message(Descriptor d, Out out, int depth) throws IOException, MalformedRequestException {
    if (depth > MAX_DEPTH) {
      throw new MalformedRequestException("nested deeper than " + MAX_DEPTH + at());
    }
    Map<String, FieldDescriptor> fields = fieldsOf(d);
    in.beginObject();
    while (in.hasNext()) {
      FieldDescriptor f = fields.get(in.nextName());
      if (f == null || in.peek() == JsonToken.NULL) {
        in.skipValue(); // unknown fields are ignored, as OTLP/JSON receivers must; null means the default
        continue;
      }
      if (!f.isRepeated()) {
        value(f, out, depth, false);
        continue;
      }
      in.beginArray();
      if (f.isPackable()) {
        Out packed = buffer(depth + 1);
        while (in.hasNext()) {
          scalar(f, packed, true, true); // every element, zeros too: they are values, not defaults
        }
        if (packed.len > 0) {
          out.tag(f.getNumber(), LEN);
          out.varint(packed.len);
          out.write(packed.buf, 0, packed.len);
        }
        packed.len = 0;
      } else {
        while (in.hasNext()) {
          value(f, out, depth, true);
        }
      }
      in.endArray();
    }
    in.endObject();
  }

  private void value(FieldDescriptor f, Out out, int depth, boolean element)
      throws IOException, MalformedRequestException {
    if (in.peek() == JsonToken.NULL) {
      in.skipValue();
      return;
    }
    if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      Out child = buffer(depth + 1);
      message(f.getMessageType(), child, depth + 1);
      out.tag(f.getNumber(), LEN);
      out.varint(child.len);
      out.write(child.buf, 0, child.len);
      child.len = 0;
    } else {
      scalar(f, out, false, element || f.hasPresence());
    }
  }

  /** Writes one scalar; {@code packed} leaves the tag out, {@code always} writes defaults too. */
  private void scalar(FieldDescriptor f, Out out, boolean packed, boolean always)
      throws IOException, MalformedRequestException {
    int n = f.getNumber();
    switch (f.getType()) {
      case STRING -> {
        String s = in.nextString();
        if (always || !s.isEmpty()) {
          byte[] b = s.getBytes(StandardCharsets.UTF_8);
          out.tag(n, LEN);
          out.varint(b.length);
          out.write(b, 0, b.length);
        }
      }
      case BYTES -> {
        if (isId(f) && in.peek() == com.google.gson.stream.JsonToken.NUMBER) {
          throw new MalformedRequestException(f.getJsonName() + " must be hex (a string, not a number) at "
              + shortened(in.getPath()));
        }
        byte[] b = bytes(f, in.nextString());
        if (always || b.length > 0) {
          out.tag(n, LEN);
          out.varint(b.length);
          out.write(b, 0, b.length);
        }
      }
      case BOOL -> {
        boolean v = in.peek() == JsonToken.STRING ? parseBool(f, in.nextString()) : in.nextBoolean();
        if (always || v) {
          varintField(out, n, packed, v ? 1 : 0);
        }
      }
      case DOUBLE -> {
        long bits = Double.doubleToRawLongBits(number(f, false));
        if (always || bits != 0) {
          if (!packed) {
            out.tag(n, I64);
          }
          out.fixed64(bits);
        }
      }
      case FLOAT -> {
        int bits = Float.floatToRawIntBits((float) number(f, true));
        if (always || bits != 0) {
          if (!packed) {
            out.tag(n, I32);
          }
          out.fixed32(bits);
        }
      }
      case ENUM -> {
        int v;
        if (in.peek() == JsonToken.STRING) {
          String s = in.nextString();
          EnumValueDescriptor e = f.getEnumType().findValueByName(s);
          if (e != null) {
            v = e.getNumber();
          } else if (!s.isEmpty() && (s.charAt(0) == '-' || (s.charAt(0) >= '0' && s.charAt(0) <= '9'))) {
            v = (int) integer(f, s, JsonNumbers.IntKind.INT32); // a number in a string, as JsonFormat reads it
          } else {
            return; // a name this build does not know: ignored, like an unknown field
          }
        } else {
          v = (int) integer(f, JsonNumbers.IntKind.INT32);
        }
        if (always || v != 0) {
          varintField(out, n, packed, v); // negative enums are sign-extended, as int32
        }
      }
      case INT32, SINT32, SFIXED32 -> {
        int v = (int) integer(f, JsonNumbers.IntKind.INT32);
        if (always || v != 0) {
          switch (f.getType()) {
            case SINT32 -> varintField(out, n, packed, ((v << 1) ^ (v >> 31)) & 0xffffffffL);
            case SFIXED32 -> fixed32Field(out, n, packed, v);
            default -> varintField(out, n, packed, v);
          }
        }
      }
      case UINT32, FIXED32 -> {
        int v = (int) integer(f, JsonNumbers.IntKind.UINT32);
        if (always || v != 0) {
          if (f.getType() == FieldDescriptor.Type.FIXED32) {
            fixed32Field(out, n, packed, v);
          } else {
            varintField(out, n, packed, v & 0xffffffffL);
          }
        }
      }
      case INT64, SINT64, SFIXED64 -> {
        long v = integer(f, JsonNumbers.IntKind.INT64);
        if (always || v != 0) {
          switch (f.getType()) {
            case SINT64 -> varintField(out, n, packed, (v << 1) ^ (v >> 63));
            case SFIXED64 -> fixed64Field(out, n, packed, v);
            default -> varintField(out, n, packed, v);
          }
        }
      }
      case UINT64, FIXED64 -> {
        long v = integer(f, JsonNumbers.IntKind.UINT64);
        if (always || v != 0) {
          if (f.getType() == FieldDescriptor.Type.FIXED64) {
            fixed64Field(out, n, packed, v);
          } else {
            varintField(out, n, packed, v);
          }
        }
      }
      default -> throw new MalformedRequestException("field " + f.getName() + " has a type OTLP/JSON does not use");
    }
  }

  private static void varintField(Out out, int n, boolean packed, long v) {
    if (!packed) {
      out.tag(n, VARINT);
    }
    out.varint(v);
  }

  private static void fixed32Field(Out out, int n, boolean packed, int v) {
    if (!packed) {
      out.tag(n, I32);
    }
    out.fixed32(v);
  }

  private static void fixed64Field(Out out, int n, boolean packed, long v) {
    if (!packed) {
      out.tag(n, I64);
    }
    out.fixed64(v);
  }

  /** An integer given as a JSON number or string ({@link JsonNumbers} says which spellings), of the field's kind. */
  private long integer(FieldDescriptor f, JsonNumbers.IntKind kind) throws IOException, MalformedRequestException {
    JsonToken t = in.peek();
    if (t != JsonToken.NUMBER && t != JsonToken.STRING) {
      throw new MalformedRequestException(f.getJsonName() + " must be " + kind.description + " but was " + t
          + at());
    }
    return integer(f, in.nextString(), kind);
  }

  private long integer(FieldDescriptor f, String s, JsonNumbers.IntKind kind) throws MalformedRequestException {
    try {
      return JsonNumbers.integer(s, kind);
    } catch (JsonNumbers.NotANumber e) {
      throw new MalformedRequestException(f.getJsonName() + ": " + e.getMessage() + atValue());
    }
  }

  private double number(FieldDescriptor f, boolean isFloat) throws IOException, MalformedRequestException {
    JsonToken t = in.peek();
    if (t != JsonToken.NUMBER && t != JsonToken.STRING) {
      throw new MalformedRequestException(f.getJsonName() + " must be " + (isFloat ? "a float" : "a double")
          + " but was " + t + at());
    }
    String s = in.nextString(); // not nextDouble: Gson refuses what overflows to infinity with a misleading message
    try {
      return JsonNumbers.floating(s, t == JsonToken.STRING, isFloat);
    } catch (JsonNumbers.NotANumber e) {
      throw new MalformedRequestException(f.getJsonName() + ": " + e.getMessage() + atValue());
    }
  }

  private boolean parseBool(FieldDescriptor f, String s) throws MalformedRequestException {
    return switch (s) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new MalformedRequestException(f.getJsonName() + ": " + JsonNumbers.quote(s)
          + " is not a boolean at " + shortened(in.getPreviousPath()));
    };
  }

  private byte[] bytes(FieldDescriptor f, String s) throws MalformedRequestException {
    if (isId(f)) {
      try {
        return Hex.decodeBytes(s);
      } catch (IllegalArgumentException e) {
        throw new MalformedRequestException(f.getJsonName() + " must be hex (" + e.getMessage() + ") at "
            + shortened(in.getPath()));
      }
    }
    try {
      return s.indexOf('-') >= 0 || s.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(s)
          : Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new MalformedRequestException(f.getJsonName() + " must be base64 at " + shortened(in.getPath()));
    }
  }

  /** Trace and span ids, which OTLP/JSON writes as hex: every bytes field OTLP names so. */
  private static boolean isId(FieldDescriptor f) {
    String name = f.getName();
    return name.equals("trace_id") || name.equals("span_id") || name.equals("parent_span_id");
  }

  private Out buffer(int depth) {
    while (buffers.size() <= depth) {
      buffers.add(new Out());
    }
    Out o = buffers.get(depth);
    o.len = 0;
    return o;
  }

  private static Map<String, FieldDescriptor> fieldsOf(Descriptor d) {
    return FIELDS.computeIfAbsent(d, k -> {
      Map<String, FieldDescriptor> m = new HashMap<>();
      for (FieldDescriptor f : k.getFields()) {
        m.put(f.getName(), f);
        m.put(f.getJsonName(), f);
      }
      return m;
    });
  }

  private static String position(String message) {
    if (message == null) {
      return ": the input ends too soon";
    }
    int at = message.indexOf(" at line ");
    if (at < 0) {
      return ": " + message;
    }
    int end = message.indexOf('\n', at);
    return shortened(message.substring(at, end < 0 ? message.length() : end));
  }

  /** " at " and where the reader is (the value to be read next). */
  private String at() {
    return " at " + shortened(in.getPath());
  }

  /** " at " and the path of the value just read. */
  private String atValue() {
    return " at " + shortened(in.getPreviousPath());
  }

  /**
   * A path (or a message of Gson's holding one) fit for an error message: a key may be megabytes long and keys may
   * nest 255 deep, so every name is cut to 32 characters and the whole to about 300.
   */
  static String shortened(String path) {
    if (path.length() <= 120) {
      return path;
    }
    StringBuilder b = new StringBuilder(Math.min(path.length(), 512));
    int run = 0;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '.' || c == '[' || c == ']' || c == ' ') {
        run = 0;
        b.append(c);
      } else if (++run <= 32) {
        b.append(c);
      } else if (run == 33) {
        b.append("...");
      }
    }
    return b.length() <= 300 ? b.toString() : b.substring(0, 100) + " ... " + b.substring(b.length() - 200);
  }

  /** A growable byte buffer with protobuf's wire primitives. */
  private static final class Out {
    byte[] buf = new byte[256];
    int len;

    void tag(int field, int wireType) {
      varint((long) field << 3 | wireType);
    }

    void varint(long v) {
      ensure(10);
      while ((v & ~0x7fL) != 0) {
        buf[len++] = (byte) ((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      buf[len++] = (byte) v;
    }

    void fixed32(int v) {
      ensure(4);
      for (int i = 0; i < 4; i++) {
        buf[len++] = (byte) (v >>> (8 * i));
      }
    }

    void fixed64(long v) {
      ensure(8);
      for (int i = 0; i < 8; i++) {
        buf[len++] = (byte) (v >>> (8 * i));
      }
    }

    void write(byte[] b, int off, int n) {
      ensure(n);
      System.arraycopy(b, off, buf, len, n);
      len += n;
    }

    private void ensure(int n) {
      if (len + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }
  }
}
