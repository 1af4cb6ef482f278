package io.otlake.gateway;

import io.otlake.gateway.config.GatewayConfig;
import io.otlake.proto.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** {@code ./otlake gateway [--config FILE]}: runs the gateway until SIGTERM. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    Path file = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--help") || args[i].equals("-h")) {
        System.out.println("usage: otlake gateway [--config FILE]\n\n"
            + "Receives OTLP over gRPC, validates it and produces it to Kafka. Keys, from the YAML file given with\n"
            + "--config (nested maps or dotted keys), overridden by environment variables:\n");
        System.out.print(GatewayConfig.DEF.describe(GatewayConfig.ENV_PREFIX));
        return;
      } else if (args[i].equals("--config") && i + 1 < args.length) {
        file = Path.of(args[++i]);
      } else {
        System.err.println("unknown argument: " + args[i] + " (see --help)");
        System.exit(2);
      }
    }
    if (file == null && Files.exists(Path.of("gateway.yaml"))) {
      file = Path.of("gateway.yaml");
    }
    GatewayConfig config;
    try {
      config = GatewayConfig.load(file, System.getenv(), Map.of());
    } catch (ConfigException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    GatewayServer server = GatewayServer.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "otlake-gateway-shutdown"));
    stopped.await();
  }
}
