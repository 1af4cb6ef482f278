package io.otlake.proto.ops;

import io.otlake.proto.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * The command line both services share: {@code --help} prints the usage and the config keys, {@code --config FILE}
 * names the YAML file (default: {@code <role>.yaml} in the working directory, if present). A bad configuration
 * exits with status 2 naming the key; the service then runs until SIGTERM, which closes it.
 */
public final class ServiceMain {
  private ServiceMain() {}

  /**
   * @param role gateway or writer
   * @param usage what the service does, printed before the key reference
   * @param keys the key reference ({@code ConfigDef.describe})
   * @param start loads the config from the file (or null) and starts the service
   */
  public static void run(String[] args, String role, String usage, String keys,
      Function<Path, AutoCloseable> start) throws InterruptedException {
    Path file = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--help") || args[i].equals("-h")) {
        System.out.println("usage: otlake " + role + " [--config FILE]\n\n" + usage
            + " Keys, from the YAML file given with\n--config (nested maps or dotted keys), overridden by environment"
            + " variables:\n");
        System.out.print(keys);
        return;
      } else if (args[i].equals("--config") && i + 1 < args.length) {
        file = Path.of(args[++i]);
      } else {
        System.err.println("unknown argument: " + args[i] + " (see --help)");
        System.exit(2);
      }
    }
    if (file == null && Files.exists(Path.of(role + ".yaml"))) {
      file = Path.of(role + ".yaml");
    }
    AutoCloseable service;
    try {
      service = start.apply(file);
    } catch (ConfigException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        service.close();
      } catch (Exception e) {
        System.err.println("stopping " + role + ": " + e);
      }
      stopped.countDown();
    }, "otlake-" + role + "-shutdown"));
    stopped.await();
  }
}
