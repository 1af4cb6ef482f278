package io.otlake.writer.decode;

/**
 * The text and type of one {@code AnyValue} read from wire bytes (a log record's body), as {@link AttributeText}
 * describes them: a string's text is a slice of the bytes it came in; other values' text is made into a buffer this
 * object reuses from value to value (so a slice stays valid until the next {@link #read}).
 */
public final class ValueText {
  private final WireValue value = new WireValue();
  private final TextBuffer buffer = new TextBuffer();
  private final Slice text = new Slice();
  private final Slice type = new Slice();
  private boolean isString;

  /** Reads the AnyValue message lying in {@code b[off, off + len)}. */
  public ValueText read(byte[] b, int off, int len) {
    value.read(b, off, len);
    isString = value.kind == WireValue.STRING;
    if (isString) {
      text.set(value.buf, value.off, value.len);
    } else {
      buffer.clear();
      value.text(buffer);
      text.set(buffer.buf, 0, buffer.len);
      type.set(AttrList.TYPE_NAMES[value.kind]);
    }
    return this;
  }

  /** Whether the value read holds no value at all (an AnyValue with none of its fields set). */
  public boolean isEmpty() {
    return value.kind == WireValue.EMPTY;
  }

  /** The value as text. */
  public Slice text() {
    return text;
  }

  /** The OTLP type of a value that is not a string ({@code int}, {@code kvlist}, ..., {@code empty}); null for one. */
  public Slice type() {
    return isString ? null : type;
  }
}
