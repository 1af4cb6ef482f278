package io.otlake.gateway;

import io.otlake.gateway.config.GatewayConfig;
import io.otlake.proto.ops.ServiceMain;
import java.util.Map;

/** {@code ./otlake gateway [--config FILE]}: runs the gateway until SIGTERM. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    ServiceMain.run(args, "gateway", "Receives OTLP over gRPC, validates it and produces it to Kafka.",
        GatewayConfig.DEF.describe(GatewayConfig.ENV_PREFIX),
        file -> GatewayServer.start(GatewayConfig.load(file, System.getenv(), Map.of())));
  }
}
