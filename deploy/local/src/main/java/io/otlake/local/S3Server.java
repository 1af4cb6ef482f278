package io.otlake.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** S3Proxy, a real S3 API server, in its own JVM, storing objects as files under a folder (one folder a bucket). */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "otlake";
  public static final String SECRET_KEY = "otlake-local-secret";

  private final ChildJvm jvm;
  private final int port;

  private S3Server(ChildJvm jvm, int port) {
    this.jvm = jvm;
    this.port = port;
  }

  /** The server's folder inside local mode's data folder. */
  static Path dirIn(Path dataDir) {
    return dataDir.resolve("s3");
  }

  public static S3Server start(Path dir, Path libDir, int port, String bucket) {
    try {
      Path objects = dir.resolve("objects");
      Files.createDirectories(objects.resolve(bucket));
      Path conf = dir.resolve("s3proxy.conf");
      Files.writeString(conf, String.join("\n",
          "s3proxy.endpoint=http://127.0.0.1:" + port,
          "s3proxy.authorization=aws-v2-or-v4",
          "s3proxy.identity=" + ACCESS_KEY,
          "s3proxy.credential=" + SECRET_KEY,
          "s3proxy.ignore-unknown-headers=true",
          "jclouds.provider=filesystem-nio2",
          "jclouds.filesystem.basedir=" + objects.toAbsolutePath(),
          ""), StandardCharsets.UTF_8);
      Path logback = dir.resolve("logback.xml");
      Files.writeString(logback, String.join("\n",
          "<configuration>",
          "  <appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">",
          "    <encoder><pattern>%d %level %logger{20} %msg%n</pattern></encoder>",
          "  </appender>",
          "  <root level=\"${S3PROXY_LOG:-WARN}\"><appender-ref ref=\"OUT\"/></root>",
          "</configuration>",
          ""), StandardCharsets.UTF_8);
      ChildJvm jvm = ChildJvm.start("s3proxy", libDir,
          List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-Dlogback.configurationFile=" + logback.toAbsolutePath()),
          "org.gaul.s3proxy.Main", List.of("--properties", conf.toAbsolutePath().toString()), dir.resolve("s3proxy.log"));
      jvm.awaitPort(port, 120);
      return new S3Server(jvm, port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare S3Proxy in " + dir, e);
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The server's process id. */
  public long pid() {
    return jvm.pid();
  }

  @Override
  public void close() {
    jvm.close();
  }
}
