package io.otlake.proto.json;

/**
 * The numbers of OTLP/JSON, read with work bounded by the length of their text and never more than
 * {@link #MAX_CHARS} characters of it: no {@code BigDecimal} or {@code BigInteger}, so an exponent such as
 * {@code 1e30000000} costs what its ten characters cost.
 *
 * <p>What is accepted (the protobuf JSON mapping, which OTLP/JSON follows, read strictly):
 * <ul>
 *   <li>Integers (int32, uint32, int64, uint64, fixed, sfixed, sint, enums by number): a JSON number, or a string
 *       holding exactly a JSON number (RFC 8259 grammar: an optional {@code -}, no {@code +}, no leading zeros, no
 *       white space, no hex). Exponent and fraction forms are accepted when the value is integral, as protobuf's
 *       JsonFormat accepts them: {@code 1e3}, {@code "1.0"}, {@code 1500e-3} and {@code 0e99999} are integers,
 *       {@code 1.5} and {@code 1e-1} are not. The value must lie in the field's range; an unsigned field takes no
 *       minus sign at all, not even {@code -0}.</li>
 *   <li>Floating point (double, float): a JSON number, a string holding exactly a JSON number, or one of the
 *       strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}. A finite number too large for the type (such
 *       as {@code 1e400}) is out of range, as in JsonFormat; one too small becomes zero; {@code -0} keeps its
 *       sign.</li>
 *   <li>No number is longer than {@link #MAX_CHARS} characters (Gson refuses longer number tokens too).</li>
 * </ul>
 * Anything else is a {@link NotANumber} whose message says what is wrong; the caller adds the field and where.
 */
final class JsonNumbers {
  /** The longest number text read; Gson's reader refuses longer bare number tokens as well. */
  static final int MAX_CHARS = 1024;
  /** More significant decimal digits than the largest unsigned 64-bit value has (20) are out of range. */
  private static final int MAX_DIGITS = 20;
  /** An exponent beyond this is saturated: it is far out of any range already. */
  private static final long EXPONENT_CAP = 1_000_000_000L;

  /** The integer types of the protobuf JSON mapping, by range. */
  enum IntKind {
    INT32("an int32", Integer.MIN_VALUE, Integer.MAX_VALUE, false),
    UINT32("a uint32", 0, 0xffff_ffffL, false),
    INT64("an int64", Long.MIN_VALUE, Long.MAX_VALUE, false),
    UINT64("a uint64", 0, -1L, true);

    final String description;
    final long min;
    final long max;
    /** Whether max is the unsigned value -1 (the whole unsigned 64-bit range). */
    final boolean unsigned64;

    IntKind(String description, long min, long max, boolean unsigned64) {
      this.description = description;
      this.min = min;
      this.max = max;
      this.unsigned64 = unsigned64;
    }

    boolean unsigned() {
      return min == 0;
    }
  }

  /** The text is not a number of the type asked for; the message says why, quoting the text (shortened). */
  static final class NotANumber extends Exception {
    NotANumber(String message) {
      super(message, null, false, false);
    }
  }

  private JsonNumbers() {}

  /** The integer {@code text} holds (for UINT64 as an unsigned long), or NotANumber. */
  static long integer(String text, IntKind kind) throws NotANumber {
    Scan n = scan(text, kind.description);
    if (n.negative && kind.unsigned()) {
      throw new NotANumber(quote(text) + " is negative, and " + kind.description + " cannot be");
    }
    if (n.significantDigits == 0) {
      return 0; // 0, -0, 0.000, 0e99999: zero whatever the exponent
    }
    if (n.exponent < 0) {
      throw new NotANumber(quote(text) + " is not an integer, as " + kind.description + " must be");
    }
    if (n.significantDigits + n.exponent > MAX_DIGITS) {
      throw outOfRange(text, kind);
    }
    // at most 20 digits: accumulate in an unsigned long, watching for overflow
    long v = 0;
    for (int i = n.firstSignificant, seen = 0; seen < n.significantDigits; i++) {
      char c = text.charAt(i);
      if (c == '.') {
        continue;
      }
      v = timesTenPlus(v, c - '0', text, kind);
      seen++;
    }
    for (long e = 0; e < n.exponent; e++) {
      v = timesTenPlus(v, 0, text, kind);
    }
    if (kind.unsigned64) {
      return v;
    }
    if (n.negative) {
      // the magnitude may be 2^63 (Long.MIN_VALUE as unsigned), no more
      if (Long.compareUnsigned(v, Long.MIN_VALUE) > 0 || -v < kind.min) {
        throw outOfRange(text, kind);
      }
      return -v;
    }
    if (v < 0 || v > kind.max) {
      throw outOfRange(text, kind);
    }
    return v;
  }

  /** The double {@code text} holds; {@code quoted} says it came as a JSON string (where NaN and infinities may be). */
  static double floating(String text, boolean quoted, boolean isFloat) throws NotANumber {
    String type = isFloat ? "a float" : "a double";
    if (quoted) {
      switch (text) {
        case "NaN" -> {
          return Double.NaN;
        }
        case "Infinity" -> {
          return Double.POSITIVE_INFINITY;
        }
        case "-Infinity" -> {
          return Double.NEGATIVE_INFINITY;
        }
        default -> { }
      }
    }
    scan(text, type); // exactly the JSON grammar: Double.parseDouble alone would take "0x1p3", " 1", "1d", "+1"
    double d = Double.parseDouble(text); // linear in at most MAX_CHARS characters
    if (Double.isInfinite(d) || (isFloat && Float.isInfinite((float) d))) { // a float: what rounds to infinity
      throw new NotANumber(quote(text) + " is out of range for " + type);
    }
    return d;
  }

  private static long timesTenPlus(long v, int digit, String text, IntKind kind) throws NotANumber {
    // unsigned v * 10 + digit must stay below 2^64
    if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - digit, 10)) > 0) {
      throw outOfRange(text, kind);
    }
    return v * 10 + digit;
  }

  private static NotANumber outOfRange(String text, IntKind kind) {
    return new NotANumber(quote(text) + " is out of range for " + kind.description);
  }

  /** What one pass over a JSON number's text found. */
  private static final class Scan {
    boolean negative;
    /** Where the first digit other than a leading zero is (digits may be on both sides of a '.'). */
    int firstSignificant;
    /** Digits from the first to the last non-zero one. */
    int significantDigits;
    /** The power of ten the significant digits are scaled by (saturated far beyond any range). */
    long exponent;
  }

  /** Checks {@code text} is exactly an RFC 8259 number and measures it, in one pass; NotANumber otherwise. */
  private static Scan scan(String text, String type) throws NotANumber {
    int len = text.length();
    if (len == 0) {
      throw new NotANumber("an empty string is not " + type);
    }
    if (len > MAX_CHARS) {
      throw new NotANumber("a number of " + len + " characters is longer than the " + MAX_CHARS + " allowed for "
          + type);
    }
    Scan n = new Scan();
    int i = 0;
    if (text.charAt(0) == '-') {
      n.negative = true;
      i++;
    }
    int intStart = i;
    while (i < len && isDigit(text.charAt(i))) {
      i++;
    }
    int intDigits = i - intStart;
    if (intDigits == 0 || (intDigits > 1 && text.charAt(intStart) == '0')) {
      throw notJson(text, type);
    }
    int fracDigits = 0;
    if (i < len && text.charAt(i) == '.') {
      i++;
      int fracStart = i;
      while (i < len && isDigit(text.charAt(i))) {
        i++;
      }
      fracDigits = i - fracStart;
      if (fracDigits == 0) {
        throw notJson(text, type);
      }
    }
    int mantissaEnd = i;
    long exponent = 0;
    if (i < len && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      i++;
      boolean negativeExponent = false;
      if (i < len && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
        negativeExponent = text.charAt(i) == '-';
        i++;
      }
      int expStart = i;
      while (i < len && isDigit(text.charAt(i))) {
        exponent = Math.min(EXPONENT_CAP, exponent * 10 + (text.charAt(i) - '0'));
        i++;
      }
      if (i == expStart) {
        throw notJson(text, type);
      }
      if (negativeExponent) {
        exponent = -exponent;
      }
    }
    if (i != len) {
      throw notJson(text, type);
    }
    // significant digits: from the first non-zero digit to the last one, across the '.'
    int first = -1;
    int last = -1;
    int lastFracPosition = 0; // how many fraction digits lie up to and including the last significant digit
    int fracSeen = 0;
    boolean inFraction = false;
    int count = 0;
    int countAtLast = 0;
    for (int k = intStart; k < mantissaEnd; k++) {
      char c = text.charAt(k);
      if (c == '.') {
        inFraction = true;
        continue;
      }
      if (inFraction) {
        fracSeen++;
      }
      if (first >= 0) {
        count++;
      }
      if (c != '0') {
        if (first < 0) {
          first = k;
          count = 1;
        }
        last = k;
        countAtLast = count;
        lastFracPosition = inFraction ? fracSeen : 0;
      }
    }
    if (first < 0) {
      return n; // zero
    }
    n.firstSignificant = first;
    n.significantDigits = countAtLast;
    // the value is digits[first..last] * 10^(exponent - fraction digits up to last + integer zeros after last)
    int trailingIntegerZeros = 0;
    if (lastFracPosition == 0) {
      // the last significant digit is in the integer part: the integer zeros after it scale the value
      trailingIntegerZeros = intStart + intDigits - 1 - last;
    }
    n.exponent = exponent - lastFracPosition + trailingIntegerZeros;
    return n;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static NotANumber notJson(String text, String type) {
    return new NotANumber(quote(text) + " is not " + type + " (a JSON number, or a string holding exactly one)");
  }

  /** The text in quotes, cut short when long (it may be megabytes), so that messages stay small. */
  static String quote(String text) {
    return text.length() <= 40 ? '"' + text + '"' : '"' + text.substring(0, 32) + "...\" (" + text.length()
        + " characters)";
  }
}
