package io.otlake.gateway.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Mutations of JSON text that know JSON's tokens but not the schema: a value becomes a numeric edge case (huge
 * exponents, long digit strings, -0, NaN spellings, out-of-range by one, leading zeros, signs, white space, hex), a
 * member is duplicated, dropped or renamed, a value is wrapped or nested thousands deep or made a long string, two
 * documents are spliced at token boundaries; or characters and bytes are changed blindly.
 */
final class JsonMutator {
  static final String[] EDGES = {
      "1e30000000", "\"1e30000000\"", "-1e30000000", "1e-30000000", "\"1E+999999999\"", "\"1.0e2147483648\"",
      "-0", "\"-0\"", "-0.0", "\"-0.0e5\"", "0", "\"0\"", "0e99999",
      "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"nan\"", "\"-NaN\"", "\"+Infinity\"", "\"Infinity \"", "NaN",
      "Infinity", "-Infinity",
      "1111111111111111111111111", "\"1111111111111111111111111\"", "1".repeat(2000), "\"" + "1".repeat(1025) + "\"",
      "\"" + "9".repeat(1024) + "\"", "\"" + "0".repeat(1000) + "1\"", "\"0." + "0".repeat(1000) + "1\"",
      "18446744073709551615", "\"18446744073709551616\"", "9223372036854775807", "\"9223372036854775808\"",
      "-9223372036854775808", "\"-9223372036854775809\"", "4294967295", "4294967296", "2147483647", "2147483648",
      "-2147483648", "-2147483649", "1.5", "1.0", "\"1e3\"", "1E2", "0.1e1", "1e400", "-1e400", "1e-400",
      "2.2250738585072012e-308", "1.7976931348623159e308",
      "\"0x10\"", "\"+1\"", "\"01\"", "\" 1\"", "\"1 \"", "\"\"", "null", "true", "false", "\"true\"", "{}", "[]",
      "\"\\u0000\"", "\"\\ud800\"", "\"\\uDFFF\\uD800\"", "\"\\\"\"",
      "\"1800000000000000000\"", "1799999999000000000", "\"1799999999000000000\"", "\"1.799999999e18\"",
      "17999999990000000000e-1",
  };
  private static final String ALPHABET = "{}[]:,\"\\0123456789eE.-+ \ntrufalsn";

  /** A token's extent and kind: s(tring), n(umber), l(iteral), or the punctuation character itself. */
  private record Token(int start, int end, char kind) {}

  private JsonMutator() {}

  static byte[] mutate(Random random, byte[] input, byte[] other) {
    String s = new String(input, StandardCharsets.UTF_8);
    List<Token> t = tokens(s);
    int op = random.nextInt(16);
    if (t.isEmpty() || op == 15) {
      return ByteMutator.mutate(random, input, other);
    }
    String out = switch (op) {
      case 0, 1, 2, 3 -> { // a numeric edge case for a number, or for any scalar value
        List<Integer> numeric = new ArrayList<>();
        List<Integer> scalars = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
          if (isValue(t, i) && "snl".indexOf(t.get(i).kind) >= 0) {
            scalars.add(i);
            if (t.get(i).kind == 'n' || looksNumeric(s, t.get(i))) {
              numeric.add(i);
            }
          }
        }
        List<Integer> pick = !numeric.isEmpty() && random.nextInt(4) != 0 ? numeric : scalars;
        if (pick.isEmpty()) {
          yield s;
        }
        Token v = t.get(pick.get(random.nextInt(pick.size())));
        yield replace(s, v.start, v.end, EDGES[random.nextInt(EDGES.length)]);
      }
      case 4 -> { // a member twice
        int k = randomKey(random, t);
        if (k < 0) {
          yield s;
        }
        int end = t.get(valueEnd(t, k + 2)).end;
        yield s.substring(0, end) + "," + s.substring(t.get(k).start, end) + s.substring(end);
      }
      case 5 -> { // a member dropped (with a comma next to it)
        int k = randomKey(random, t);
        if (k < 0) {
          yield s;
        }
        int last = valueEnd(t, k + 2);
        int start = t.get(k).start;
        int end = t.get(last).end;
        if (last + 1 < t.size() && t.get(last + 1).kind == ',') {
          end = t.get(last + 1).end;
        } else if (k > 0 && t.get(k - 1).kind == ',') {
          start = t.get(k - 1).start;
        }
        yield s.substring(0, start) + s.substring(end);
      }
      case 6 -> { // a key renamed: snake_case, unknown, another key of the document
        int k = randomKey(random, t);
        if (k < 0) {
          yield s;
        }
        Token key = t.get(k);
        String name = s.substring(key.start + 1, key.end - 1);
        String renamed = switch (random.nextInt(4)) {
          case 0 -> name.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
          case 1 -> "someFieldFromTheFuture";
          case 2 -> name.toUpperCase(java.util.Locale.ROOT);
          default -> {
            int o = randomKey(random, t);
            yield o < 0 ? name : s.substring(t.get(o).start + 1, t.get(o).end - 1);
          }
        };
        yield replace(s, key.start, key.end, "\"" + renamed + "\"");
      }
      case 7 -> { // a value wrapped
        int v = randomValue(random, t);
        if (v < 0) {
          yield s;
        }
        int start = t.get(v).start;
        int end = t.get(valueEnd(t, v)).end;
        String value = s.substring(start, end);
        String wrapped = switch (random.nextInt(3)) {
          case 0 -> "[" + value + "]";
          case 1 -> "{\"x\":" + value + "}";
          default -> "{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":" + value + "}]}}";
        };
        yield replace(s, start, end, wrapped);
      }
      case 8 -> { // deep nesting in place of a value
        int v = randomValue(random, t);
        if (v < 0) {
          yield s;
        }
        int n = 1 + random.nextInt(random.nextBoolean() ? 40 : 3000);
        String nested = switch (random.nextInt(3)) {
          case 0 -> "[".repeat(n) + "]".repeat(n);
          case 1 -> "{\"a\":".repeat(n) + "1" + "}".repeat(n);
          default -> "{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":".repeat(Math.min(n, 60))
              + "{\"intValue\":\"1\"}" + "}]}}".repeat(Math.min(n, 60));
        };
        yield replace(s, t.get(v).start, t.get(valueEnd(t, v)).end, nested);
      }
      case 9 -> { // a long string, or hex of odd or huge length, in place of a string
        List<Integer> strings = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
          if (isValue(t, i) && t.get(i).kind == 's') {
            strings.add(i);
          }
        }
        if (strings.isEmpty()) {
          yield s;
        }
        Token v = t.get(strings.get(random.nextInt(strings.size())));
        int n = random.nextInt(random.nextInt(16) == 0 ? 200_000 : random.nextBoolean() ? 40 : 5_000);
        String body = switch (random.nextInt(4)) {
          case 0 -> "x".repeat(n);
          case 1 -> "ab".repeat(n / 2) + (random.nextBoolean() ? "" : "c");
          case 2 -> "\\u00e9".repeat(n / 6 + 1);
          default -> "0".repeat(n);
        };
        yield replace(s, v.start, v.end, "\"" + body + "\"");
      }
      case 10 -> { // splice with the other document at token boundaries
        String o = new String(other, StandardCharsets.UTF_8);
        List<Token> ot = tokens(o);
        if (ot.isEmpty()) {
          yield s;
        }
        int cut = t.get(random.nextInt(t.size())).start;
        yield s.substring(0, cut) + o.substring(ot.get(random.nextInt(ot.size())).start);
      }
      case 11 -> { // truncated at a token
        yield s.substring(0, t.get(random.nextInt(t.size())).end);
      }
      case 12 -> { // a value moved over another one
        int a = randomValue(random, t);
        int b = randomValue(random, t);
        if (a < 0 || b < 0) {
          yield s;
        }
        String value = s.substring(t.get(a).start, t.get(valueEnd(t, a)).end);
        Token bs = t.get(b);
        Token be = t.get(valueEnd(t, b));
        yield replace(s, bs.start, be.end, value);
      }
      default -> { // one character changed
        int at = random.nextInt(s.length() + 1);
        char c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        yield switch (random.nextInt(3)) {
          case 0 -> s.substring(0, at) + c + s.substring(at);
          case 1 -> at == s.length() ? s : s.substring(0, at) + s.substring(at + 1);
          default -> at == s.length() ? s : s.substring(0, at) + c + s.substring(at + 1);
        };
      }
    };
    return out.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean looksNumeric(String s, Token t) {
    if (t.kind != 's' || t.end - t.start < 3) {
      return false;
    }
    char c = s.charAt(t.start + 1);
    return c == '-' || (c >= '0' && c <= '9');
  }

  private static String replace(String s, int start, int end, String with) {
    return s.substring(0, start) + with + s.substring(end);
  }

  /** Whether token i starts a value (not a key, not punctuation other than an opening bracket). */
  private static boolean isValue(List<Token> t, int i) {
    Token k = t.get(i);
    if ("snl{[".indexOf(k.kind) < 0) {
      return false;
    }
    return !(k.kind == 's' && i + 1 < t.size() && t.get(i + 1).kind == ':');
  }

  private static int randomValue(Random random, List<Token> t) {
    for (int tries = 0; tries < 20; tries++) {
      int i = random.nextInt(t.size());
      if (isValue(t, i)) {
        return i;
      }
    }
    return -1;
  }

  /** A random key token that has a value after its colon, or -1. */
  private static int randomKey(Random random, List<Token> t) {
    for (int tries = 0; tries < 20; tries++) {
      int i = random.nextInt(t.size());
      if (t.get(i).kind == 's' && i + 2 < t.size() && t.get(i + 1).kind == ':' && isValue(t, i + 2)) {
        return i;
      }
    }
    return -1;
  }

  /** The index of the last token of the value starting at token i (its closing bracket, for a container). */
  private static int valueEnd(List<Token> t, int i) {
    char open = t.get(i).kind;
    if (open != '{' && open != '[') {
      return i;
    }
    int depth = 0;
    for (int j = i; j < t.size(); j++) {
      char k = t.get(j).kind;
      if (k == '{' || k == '[') {
        depth++;
      } else if (k == '}' || k == ']') {
        depth--;
        if (depth == 0) {
          return j;
        }
      }
    }
    return t.size() - 1; // unbalanced (an earlier mutation): to the end
  }

  private static List<Token> tokens(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        i++;
      } else if (c == '"') {
        int j = i + 1;
        while (j < n && s.charAt(j) != '"') {
          j += s.charAt(j) == '\\' ? 2 : 1;
        }
        j = Math.min(n, j + 1);
        out.add(new Token(i, j, 's'));
        i = j;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        int j = i + 1;
        while (j < n && "0123456789eE.+-".indexOf(s.charAt(j)) >= 0) {
          j++;
        }
        out.add(new Token(i, j, 'n'));
        i = j;
      } else if (Character.isLetter(c)) {
        int j = i + 1;
        while (j < n && Character.isLetter(s.charAt(j))) {
          j++;
        }
        out.add(new Token(i, j, 'l'));
        i = j;
      } else {
        out.add(new Token(i, i + 1, c));
        i++;
      }
    }
    return out;
  }
}
