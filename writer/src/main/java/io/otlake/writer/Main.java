package io.otlake.writer;

import io.otlake.proto.config.ConfigException;
import io.otlake.writer.config.WriterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** {@code ./otlake writer [--config FILE]}: runs one writer of the consumer group until SIGTERM. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    Path file = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--help") || args[i].equals("-h")) {
        System.out.println("usage: otlake writer [--config FILE]\n\n"
            + "Consumes OTLP records from Kafka and commits them to Iceberg tables exactly once. Keys, from the\n"
            + "YAML file given with --config (nested maps or dotted keys), overridden by environment variables:\n");
        System.out.print(WriterConfig.DEF.describe(WriterConfig.ENV_PREFIX));
        return;
      } else if (args[i].equals("--config") && i + 1 < args.length) {
        file = Path.of(args[++i]);
      } else {
        System.err.println("unknown argument: " + args[i] + " (see --help)");
        System.exit(2);
      }
    }
    if (file == null && Files.exists(Path.of("writer.yaml"))) {
      file = Path.of("writer.yaml");
    }
    WriterConfig config;
    try {
      config = WriterConfig.load(file, System.getenv(), Map.of());
    } catch (ConfigException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    WriterService service = WriterService.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      service.close();
      stopped.countDown();
    }, "otlake-writer-shutdown"));
    stopped.await();
  }
}
