package io.otlake.writer;

import io.otlake.proto.ops.ServiceMain;
import io.otlake.writer.config.WriterConfig;
import java.util.Map;

/** {@code ./otlake writer [--config FILE]}: runs one writer of the consumer group until SIGTERM. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    ServiceMain.run(args, "writer",
        "Consumes OTLP records from Kafka and commits them to Iceberg tables exactly once.",
        WriterConfig.DEF.describe(WriterConfig.ENV_PREFIX),
        file -> WriterService.start(WriterConfig.load(file, System.getenv(), Map.of())));
  }
}
