package io.otlake.writer;

import io.otlake.proto.Signal;
import io.otlake.writer.commit.Position;
import io.otlake.writer.commit.PositionSetter;
import io.otlake.writer.commit.StoredPosition;
import io.otlake.writer.commit.TablePosition;
import io.otlake.writer.config.WriterConfig;
import io.otlake.writer.signals.WriterSignals;
import io.otlake.writer.table.Catalogs;
import io.otlake.writer.signals.traces.TraceTable;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./otlake position [--config FILE | --data DIR] show | set [--all earliest|latest] [PARTITION=OFFSET ...]}: shows or sets
 * the writer group's position in its table (the group, topic and table of the writer's configuration). Setting it
 * is how an operator resumes partitions the writer refused because the table held no trustworthy position.
 */
public final class PositionCommand {
  static final String USAGE = """
      usage: otlake position [--config FILE | --data DIR] [--table TABLE] show
             otlake position [--config FILE | --data DIR] [--table TABLE] set [--all earliest|latest] [PARTITION=OFFSET ...]

      Shows or sets where the writer group of the configuration (kafka.group-id, or <group-id>-<signal> for the
      logs and metrics topics) is in its signal's topic, as the table records it. TABLE is a table's default name
      (traces, the default; logs; metrics_gauge, metrics_sum, ...): every table keeps its own position. 'set' replaces the whole position: with --all, every partition of the topic starts at its
      beginning (earliest) or its end (latest); PARTITION=OFFSET pairs set single partitions (on top of --all, or of
      the position the table holds). Offsets must lie within what Kafka still has. Running writers take the new
      position at their next commit or re-check (within seconds).

      """ + CommandConfig.HELP;

  private PositionCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    return CommandConfig.run("position", err, () -> {
      CommandConfig.Args in = new CommandConfig.Args(args);
      String command = null;
      String all = null;
      String tableName = TraceTable.DEFAULT_NAME;
      Map<Integer, Long> explicit = new TreeMap<>();
      for (String a = in.next(); a != null; a = in.next()) {
        if (a.equals("--help") || a.equals("-h")) {
          out.print(USAGE);
          return 0;
        } else if (in.location(a)) {
          continue;
        } else if (a.equals("--table")) {
          tableName = in.value(a);
        } else if (a.equals("--all")) {
          all = in.value(a);
          if (!all.equals("earliest") && !all.equals("latest")) {
            throw new CommandConfig.UsageError("--all takes earliest or latest, not '" + all + "'");
          }
        } else if (command == null && (a.equals("show") || a.equals("set"))) {
          command = a;
        } else if ("set".equals(command) && a.matches("\\d+=\\d+")) {
          String[] pair = a.split("=");
          explicit.put(Integer.parseInt(pair[0]), Long.parseLong(pair[1]));
        } else {
          throw CommandConfig.Args.unexpected(a);
        }
      }
      if (command == null) {
        err.print(USAGE);
        return 2;
      }
      if (command.equals("set") && all == null && explicit.isEmpty()) {
        throw new CommandConfig.UsageError("set needs --all earliest|latest or PARTITION=OFFSET pairs");
      }
      Signal signal = WriterSignals.feeding(tableName);
      if (signal == null) {
        throw new CommandConfig.UsageError("no table '" + tableName + "' (tables: " + WriterSignals.tableNames() + ")");
      }
      WriterConfig config = in.load(Map.of());
      try (Lake lake = Lake.open(config, signal, tableName)) {
        return command.equals("show") ? show(lake, out) : set(lake, all, explicit, out, err);
      }
    });
  }

  private static int show(Lake lake, PrintStream out) {
    {
      Position p = lake.position();
      out.println("table " + lake.table.name() + ", topic " + lake.topic + ", group " + lake.group
          + ": " + p.kind() + " (" + (p.problem() != null ? p.problem() : p.source()) + ")");
      Map<TopicPartition, Long> begin = lake.kafka.beginningOffsets(lake.partitions());
      Map<TopicPartition, Long> end = lake.kafka.endOffsets(lake.partitions());
      for (TopicPartition tp : lake.partitions()) {
        Long o = p.offset(tp.partition());
        out.printf("  partition %d: table %s, Kafka has %d..%d%s%n", tp.partition(), o == null ? "-" : o,
            begin.get(tp), end.get(tp), o == null ? "" : "  (lag " + Math.max(0, end.get(tp) - o) + ")");
      }
      return 0;
    }
  }

  private static int set(Lake lake, String all, Map<Integer, Long> explicit, PrintStream out,
      PrintStream err) {
    {
      List<TopicPartition> parts = lake.partitions();
      Map<TopicPartition, Long> begin = lake.kafka.beginningOffsets(parts);
      Map<TopicPartition, Long> end = lake.kafka.endOffsets(parts);
      Map<Integer, Long> offsets = new TreeMap<>();
      if (all != null) {
        (all.equals("earliest") ? begin : end).forEach((tp, o) -> offsets.put(tp.partition(), o));
      } else {
        offsets.putAll(lake.position().offsets());
      }
      for (Map.Entry<Integer, Long> e : explicit.entrySet()) {
        TopicPartition tp = new TopicPartition(lake.topic, e.getKey());
        if (!begin.containsKey(tp)) {
          err.println("otlake position: topic " + lake.topic + " has no partition " + e.getKey());
          return 2;
        }
        if (e.getValue() < begin.get(tp) || e.getValue() > end.get(tp)) {
          err.println("otlake position: partition " + e.getKey() + " has offsets " + begin.get(tp) + ".."
              + end.get(tp) + " in Kafka; " + e.getValue() + " is outside");
          return 2;
        }
        offsets.put(e.getKey(), e.getValue());
      }
      for (TopicPartition tp : parts) {
        if (!offsets.containsKey(tp.partition())) {
          err.println("otlake position: partition " + tp.partition() + " would have no position; give it one"
              + " (" + tp.partition() + "=OFFSET) or use --all earliest|latest");
          return 2;
        }
      }
      StoredPosition stored = PositionSetter.set(lake.table, lake.topic, lake.group, offsets);
      out.println("set the position of group " + lake.group + " in " + lake.topic + " on "
          + lake.table.name() + ": " + stored.format());
      return 0;
    }
  }

  /** The writer's table and a Kafka consumer that joins no group, for one command. */
  private record Lake(Catalog catalog, Table table, KafkaConsumer<byte[], byte[]> kafka, String topic, String group)
      implements AutoCloseable {
    static Lake open(WriterConfig config, Signal signal, String tableName) {
      Catalog catalog = Catalogs.build(config.catalogName(), config.catalogProperties());
      Table table = catalog.loadTable(config.table(tableName));
      KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(WriterService.consumerProperties(config, signal));
      return new Lake(catalog, table, kafka, config.topic(signal), config.group(signal));
    }

    Position position() {
      table.refresh();
      return TablePosition.resolve(((HasTableOperations) table).operations().current(), topic, group);
    }

    List<TopicPartition> partitions() {
      List<TopicPartition> out = new ArrayList<>();
      List<PartitionInfo> infos = kafka.partitionsFor(topic);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist or has no partitions");
      }
      infos.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
      out.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
      return out;
    }

    @Override
    public void close() {
      kafka.close();
      Catalogs.close(catalog);
    }
  }
}
