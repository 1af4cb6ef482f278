package io.otlake.proto.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The documented keys of one service's configuration: each has a type, a default, a doc string and a validator.
 * Keys under a pass-through prefix (for example {@code kafka.producer.}) are handed untouched to the library they
 * configure. Parsing happens in {@link Config#load}.
 */
public final class ConfigDef {
  /** The value types a key can have. */
  public enum Type {
    STRING,
    INT,
    LONG,
    BOOLEAN,
    /** A duration: {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}, or plain milliseconds. */
    DURATION,
    /** A byte size: {@code 512}, {@code 64KiB}, {@code 128MiB}, {@code 1GiB}. */
    SIZE
  }

  /** One documented key. */
  public record Key(String name, Type type, Object defaultValue, String doc, Predicate<Object> validator,
      String rule) {}

  private final Map<String, Key> keys = new LinkedHashMap<>();
  private final Map<String, String> passThrough = new LinkedHashMap<>();

  public ConfigDef define(String name, Type type, Object defaultValue, String doc) {
    return define(name, type, defaultValue, doc, v -> true, null);
  }

  /** Defines a key whose value must satisfy {@code validator}; {@code rule} says in words what that is. */
  public ConfigDef define(String name, Type type, Object defaultValue, String doc, Predicate<Object> validator,
      String rule) {
    if (keys.containsKey(name)) {
      throw new IllegalArgumentException("key defined twice: " + name);
    }
    keys.put(name, new Key(name, type, defaultValue, doc, validator, rule));
    return this;
  }

  /** Keys starting with {@code prefix} are passed through, prefix removed, to the library {@code doc} names. */
  public ConfigDef passThrough(String prefix, String doc) {
    if (!prefix.endsWith(".")) {
      throw new IllegalArgumentException("a pass-through prefix ends with '.': " + prefix);
    }
    passThrough.put(prefix, doc);
    return this;
  }

  public Map<String, Key> keys() {
    return Collections.unmodifiableMap(keys);
  }

  public Map<String, String> passThroughPrefixes() {
    return Collections.unmodifiableMap(passThrough);
  }

  /** Validator: an integer in [min, max]. */
  public static Predicate<Object> between(long min, long max) {
    return v -> v instanceof Number n && n.longValue() >= min && n.longValue() <= max;
  }

  /** Validator: a duration of at least {@code min}. */
  public static Predicate<Object> atLeast(Duration min) {
    return v -> v instanceof Duration d && d.compareTo(min) >= 0;
  }

  /** Validator: a non-empty string. */
  public static Predicate<Object> nonEmpty() {
    return v -> v instanceof String s && !s.isBlank();
  }

  /** The environment variable that overrides {@code key}: {@code PREFIX_KEY} upper-cased, '.' and '-' as '_'. */
  public static String envName(String envPrefix, String key) {
    return envPrefix + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The reference table of keys, defaults and docs, as printed by {@code --help}. */
  public String describe(String envPrefix) {
    StringBuilder sb = new StringBuilder();
    List<String> lines = new ArrayList<>();
    for (Key k : keys.values()) {
      String def = k.defaultValue() == null ? "(required)" : Config.format(k.type(), k.defaultValue());
      lines.add(String.format(Locale.ROOT, "  %-32s %-8s default %s%n      %s%s%n      env %s%n", k.name(),
          k.type().name().toLowerCase(Locale.ROOT), def, k.doc(), k.rule() == null ? "" : " (" + k.rule() + ")",
          envName(envPrefix, k.name())));
    }
    lines.forEach(sb::append);
    for (Map.Entry<String, String> p : passThrough.entrySet()) {
      sb.append(String.format(Locale.ROOT, "  %-32s passed through to %s%n      env %s<NAME> ('_' for '.', '__' for '-')%n",
          p.getKey() + "*", p.getValue(), envName(envPrefix, p.getKey())));
    }
    return sb.toString();
  }
}
