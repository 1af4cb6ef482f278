package io.otlake.writer.inspect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.otlake.writer.inspect.TableStatus.PartitionFiles;
import io.otlake.writer.inspect.TableStatus.PartitionLag;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Prints {@link TableStatus}es for people (aligned text) or for scripts (JSON). */
public final class StatusReport {
  /** Partitions listed by name, the most files first (the others are in the counts). */
  static final int LARGEST_PARTITIONS = 5;

  private StatusReport() {}

  public static String text(List<TableStatus> tables, long nowMillis) {
    StringBuilder b = new StringBuilder();
    for (TableStatus t : tables) {
      if (!t.exists()) {
        b.append(t.table()).append(": no table yet\n");
        continue;
      }
      b.append(t.table()).append('\n');
      line(b, "snapshots", Integer.toString(t.snapshots()));
      line(b, "rows", String.format(Locale.ROOT, "%,d", t.rows()));
      line(b, "data files", String.format(Locale.ROOT, "%,d (%s)", t.dataFiles(), bytes(t.bytes())));
      int[] fp = t.filesPerPartition();
      line(b, "partitions", fp[0] == 0 ? "0"
          : String.format(Locale.ROOT, "%,d; files per partition min %d, median %d, max %d", fp[0], fp[1], fp[2],
              fp[3]));
      for (PartitionFiles p : t.files().subList(0, Math.min(LARGEST_PARTITIONS, t.files().size()))) {
        b.append(String.format(Locale.ROOT, "    %6d files %10s %,12d rows  %s%n", p.files(), bytes(p.bytes()),
            p.rows(), p.partition()));
      }
      line(b, "last commit", t.lastCommitMillis() == null ? "none"
          : Instant.ofEpochMilli(t.lastCommitMillis()) + " (" + age(nowMillis - t.lastCommitMillis()) + " ago, "
              + t.lastOperation() + ")");
      TableStatus.Kafka k = t.kafka();
      if (k == null) {
        line(b, "kafka", "no topic known for this table");
        continue;
      }
      line(b, "position", "topic " + k.topic() + ", group " + k.group() + ": " + k.position() + " ("
          + k.positionSource() + ")");
      if (k.partitions().isEmpty()) {
        line(b, "lag", "topic " + k.topic() + " does not exist");
      } else {
        line(b, "lag", String.format(Locale.ROOT, "%,d records", k.totalLag()));
        b.append(String.format(Locale.ROOT, "    %9s %14s %14s %14s %12s%n", "partition", "table", "kafka start",
            "kafka end", "lag"));
        for (PartitionLag p : k.partitions()) {
          b.append(String.format(Locale.ROOT, "    %9d %14s %14d %14d %12s%n", p.partition(),
              p.position() == null ? "-" : p.position().toString(), p.start(), p.end(),
              p.lag() == null ? "-" : p.lag().toString()));
        }
      }
      line(b, "dead letters", String.format(Locale.ROOT, "%,d in %s", k.deadLetters(), k.deadLetterTopic()));
    }
    return b.toString();
  }

  public static String json(List<TableStatus> tables, long nowMillis) {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("time", Instant.ofEpochMilli(nowMillis).toString());
    ArrayNode list = root.putArray("tables");
    for (TableStatus t : tables) {
      ObjectNode n = list.addObject();
      n.put("table", t.table());
      n.put("exists", t.exists());
      if (!t.exists()) {
        continue;
      }
      n.put("snapshots", t.snapshots());
      n.put("rows", t.rows());
      n.put("data_files", t.dataFiles());
      n.put("bytes", t.bytes());
      int[] fp = t.filesPerPartition();
      ObjectNode per = n.putObject("files_per_partition");
      per.put("partitions", fp[0]);
      per.put("min", fp[1]);
      per.put("median", fp[2]);
      per.put("max", fp[3]);
      ArrayNode largest = per.putArray("largest");
      for (PartitionFiles p : t.files().subList(0, Math.min(LARGEST_PARTITIONS, t.files().size()))) {
        largest.addObject().put("partition", p.partition()).put("files", p.files()).put("rows", p.rows())
            .put("bytes", p.bytes());
      }
      if (t.lastCommitMillis() == null) {
        n.putNull("last_commit");
      } else {
        n.putObject("last_commit")
            .put("time", Instant.ofEpochMilli(t.lastCommitMillis()).toString())
            .put("age_seconds", (nowMillis - t.lastCommitMillis()) / 1000)
            .put("operation", t.lastOperation());
      }
      TableStatus.Kafka k = t.kafka();
      if (k == null) {
        n.putNull("kafka");
        continue;
      }
      ObjectNode kn = n.putObject("kafka");
      kn.put("topic", k.topic());
      kn.put("group", k.group());
      kn.put("position", k.position());
      kn.put("position_source", k.positionSource());
      kn.put("lag", k.totalLag());
      ArrayNode parts = kn.putArray("partitions");
      for (PartitionLag p : k.partitions()) {
        ObjectNode pn = parts.addObject();
        pn.put("partition", p.partition());
        if (p.position() == null) {
          pn.putNull("position");
        } else {
          pn.put("position", p.position());
        }
        pn.put("start", p.start());
        pn.put("end", p.end());
        if (p.lag() == null) {
          pn.putNull("lag");
        } else {
          pn.put("lag", p.lag());
        }
      }
      kn.putObject("dead_letters").put("topic", k.deadLetterTopic()).put("records", k.deadLetters());
    }
    try {
      return mapper.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void line(StringBuilder b, String label, String value) {
    b.append(String.format(Locale.ROOT, "  %-13s %s%n", label, value));
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  static String age(long millis) {
    long s = Math.max(0, millis / 1000);
    if (s < 120) {
      return s + " s";
    }
    if (s < 7200) {
      return s / 60 + " min";
    }
    if (s < 172_800) {
      return s / 3600 + " h " + (s % 3600) / 60 + " min";
    }
    return s / 86_400 + " days";
  }
}
