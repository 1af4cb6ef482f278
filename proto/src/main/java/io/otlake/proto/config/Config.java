package io.otlake.proto.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A validated configuration: the values of a {@link ConfigDef}'s keys, read from a YAML file (nested maps become
 * dotted keys), then overridden by environment variables, then by explicit overrides. Every key is checked at load
 * time; an unknown key, a value of the wrong type or one its validator refuses fails with a message naming the key.
 */
public final class Config {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|KB|MB|GB)?", Pattern.CASE_INSENSITIVE);

  private final ConfigDef def;
  private final Map<String, Object> values;
  private final Map<String, String> passThrough;

  private Config(ConfigDef def, Map<String, Object> values, Map<String, String> passThrough) {
    this.def = def;
    this.values = values;
    this.passThrough = passThrough;
  }

  /**
   * Loads a configuration.
   *
   * @param def the keys
   * @param yamlFile a YAML file, or null for none
   * @param env the environment (normally {@code System.getenv()})
   * @param envPrefix the prefix of environment variables that override keys, e.g. {@code OTLAKE_}
   * @param overrides values that win over file and environment (e.g. from local mode), dotted keys
   */
  public static Config load(ConfigDef def, Path yamlFile, Map<String, String> env, String envPrefix,
      Map<String, String> overrides) {
    Map<String, String> raw = new LinkedHashMap<>();
    String origin = "defaults";
    if (yamlFile != null) {
      origin = yamlFile.toString();
      raw.putAll(readYaml(yamlFile));
    }
    for (Map.Entry<String, String> e : raw.entrySet()) {
      if (!def.keys().containsKey(e.getKey()) && passThroughPrefix(def, e.getKey()) == null) {
        throw new ConfigException("unknown key '" + e.getKey() + "' in " + origin);
      }
    }
    for (String key : def.keys().keySet()) {
      String v = env.get(ConfigDef.envName(envPrefix, key));
      if (v != null) {
        raw.put(key, v);
      }
    }
    for (String prefix : def.passThroughPrefixes().keySet()) {
      String envPre = ConfigDef.envName(envPrefix, prefix);
      for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
        if (e.getKey().startsWith(envPre) && e.getKey().length() > envPre.length()) {
          String rest = e.getKey().substring(envPre.length()).toLowerCase(Locale.ROOT)
              .replace("__", "-").replace('_', '.');
          raw.put(prefix + rest, e.getValue());
        }
      }
    }
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      if (!def.keys().containsKey(e.getKey()) && passThroughPrefix(def, e.getKey()) == null) {
        throw new ConfigException("unknown key '" + e.getKey() + "'");
      }
      raw.put(e.getKey(), e.getValue());
    }

    Map<String, Object> values = new LinkedHashMap<>();
    for (ConfigDef.Key k : def.keys().values()) {
      String s = raw.get(k.name());
      Object v;
      if (s == null) {
        if (k.defaultValue() == null) {
          throw new ConfigException("missing required key '" + k.name() + "' (" + k.doc() + ")");
        }
        v = k.defaultValue();
      } else {
        v = parse(k, s.trim());
      }
      if (!k.validator().test(v)) {
        throw new ConfigException("invalid value '" + s + "' for key '" + k.name() + "'"
            + (k.rule() == null ? "" : ": must be " + k.rule()));
      }
      values.put(k.name(), v);
    }
    Map<String, String> pass = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      if (!def.keys().containsKey(e.getKey())) {
        pass.put(e.getKey(), e.getValue());
      }
    }
    return new Config(def, values, pass);
  }

  private static String passThroughPrefix(ConfigDef def, String key) {
    for (String p : def.passThroughPrefixes().keySet()) {
      if (key.startsWith(p) && key.length() > p.length()) {
        return p;
      }
    }
    return null;
  }

  private static Map<String, String> readYaml(Path file) {
    Object root;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
    } catch (IOException e) {
      String why = e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.toString();
      throw new ConfigException("cannot read config file " + file + ": " + why);
    } catch (RuntimeException e) {
      throw new ConfigException("config file " + file + " is not valid YAML: " + e.getMessage());
    }
    Map<String, String> flat = new LinkedHashMap<>();
    if (root == null) {
      return flat;
    }
    if (!(root instanceof Map<?, ?> m)) {
      throw new ConfigException("config file " + file + " must hold a map of keys at its top level");
    }
    flatten("", m, flat);
    return flat;
  }

  private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix + e.getKey();
      Object v = e.getValue();
      if (v instanceof Map<?, ?> nested) {
        flatten(key + ".", nested, out);
      } else if (v instanceof List<?> list) {
        out.put(key, list.stream().map(String::valueOf).collect(Collectors.joining(",")));
      } else {
        out.put(key, v == null ? "" : String.valueOf(v));
      }
    }
  }

  static Object parse(ConfigDef.Key k, String s) {
    try {
      switch (k.type()) {
        case STRING:
          return s;
        case INT:
          return Integer.parseInt(s);
        case LONG:
          return Long.parseLong(s);
        case BOOLEAN:
          if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
          }
          throw new IllegalArgumentException();
        case DURATION:
          return parseDuration(s);
        case SIZE:
          return parseSize(s);
        default:
          throw new IllegalStateException(k.type().name());
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException("invalid value '" + s + "' for key '" + k.name() + "': expected "
          + k.type().name().toLowerCase(Locale.ROOT)
          + (k.type() == ConfigDef.Type.DURATION ? " such as 250ms, 10s, 5m" : "")
          + (k.type() == ConfigDef.Type.SIZE ? " such as 65536, 64KiB, 128MiB" : ""));
    }
  }

  static Duration parseDuration(String s) {
    Matcher m = DURATION.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException(s);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    switch (unit) {
      case "ms": return Duration.ofMillis(n);
      case "s": return Duration.ofSeconds(n);
      case "m": return Duration.ofMinutes(n);
      case "h": return Duration.ofHours(n);
      default: return Duration.ofDays(n);
    }
  }

  static long parseSize(String s) {
    Matcher m = SIZE.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException(s);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    switch (unit) {
      case "kib": return n << 10;
      case "mib": return n << 20;
      case "gib": return n << 30;
      case "kb": return n * 1_000L;
      case "mb": return n * 1_000_000L;
      case "gb": return n * 1_000_000_000L;
      default: return n;
    }
  }

  static String format(ConfigDef.Type type, Object v) {
    if (type == ConfigDef.Type.DURATION) {
      Duration d = (Duration) v;
      return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
    if (type == ConfigDef.Type.SIZE) {
      long n = ((Number) v).longValue();
      if (n > 0 && n % (1 << 20) == 0) {
        return (n >> 20) + "MiB";
      }
      if (n > 0 && n % (1 << 10) == 0) {
        return (n >> 10) + "KiB";
      }
      return Long.toString(n);
    }
    return String.valueOf(v);
  }

  public String getString(String key) {
    return (String) get(key);
  }

  public int getInt(String key) {
    return (Integer) get(key);
  }

  public long getLong(String key) {
    return ((Number) get(key)).longValue();
  }

  public boolean getBoolean(String key) {
    return (Boolean) get(key);
  }

  public Duration getDuration(String key) {
    return (Duration) get(key);
  }

  private Object get(String key) {
    if (!values.containsKey(key)) {
      throw new IllegalArgumentException("no such key: " + key);
    }
    return values.get(key);
  }

  /** The pass-through entries under {@code prefix}, prefix removed. */
  public Map<String, String> withPrefix(String prefix) {
    if (!def.passThroughPrefixes().containsKey(prefix)) {
      throw new IllegalArgumentException("not a pass-through prefix: " + prefix);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : passThrough.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        out.put(e.getKey().substring(prefix.length()), e.getValue());
      }
    }
    return Collections.unmodifiableMap(out);
  }
}
