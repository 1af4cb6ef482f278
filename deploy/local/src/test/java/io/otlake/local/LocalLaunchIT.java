package io.otlake.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * {@code ./otlake local}'s checks before it starts anything, run as the launcher runs it (its own JVM): a second
 * instance on a running one's data folder or ports exits at once with one line and leaves the first alone; argument
 * errors are one line; child servers a killed launcher left behind are stopped by the next start.
 */
class LocalLaunchIT {
  /** What a run of {@code LocalMain} did. */
  record Run(int exitCode, List<String> stderr, List<String> stdout) {}

  static Run localMain(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), LocalMain.class.getName()));
    cmd.addAll(List.of(args));
    try {
      Path err = Files.createTempFile(Path.of("target").toAbsolutePath(), "local-main", ".err");
      Path out = Files.createTempFile(Path.of("target").toAbsolutePath(), "local-main", ".out");
      Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(out.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("LocalMain " + String.join(" ", args) + " did not exit within 60 s; stderr: "
            + Files.readString(err));
      }
      return new Run(p.exitValue(), Files.readAllLines(err, StandardCharsets.UTF_8),
          Files.readAllLines(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String port(String bootstrap) {
    return bootstrap.substring(bootstrap.lastIndexOf(':') + 1);
  }

  @Test
  void aSecondInstanceOnTheSameDataFolderExitsAtOnceAndLeavesTheFirstAlone() throws Exception {
    LocalInfra first = TestLake.infra();
    Path data = first.dataDir();
    Set<String> before = listing(data);
    // (stat only: opening and closing the lock file in this process would drop this process's lock on it)
    Path lock = data.resolve(DataFolder.LOCK_FILE);
    var lockBefore = List.of(Files.size(lock), Files.getLastModifiedTime(lock));

    Run second = localMain("--data", data.toString(), "--kafka-port", port(first.bootstrapServers()),
        "--s3-port", port(first.s3Endpoint()));

    assertThat(second.exitCode()).isEqualTo(2);
    assertThat(second.stderr()).hasSize(1);
    assertThat(second.stderr().get(0)).startsWith("otlake local: ").contains(data.toString())
        .contains("is in use by another ./otlake local (pid " + ProcessHandle.current().pid() + ")");
    assertThat(second.stdout()).isEmpty();
    // nothing of the first touched: same top-level entries, its lock and its children as they were
    assertThat(listing(data)).isEqualTo(before);
    assertThat(List.of(Files.size(lock), Files.getLastModifiedTime(lock))).isEqualTo(lockBefore);
    assertThat(ProcessHandle.of(first.kafkaPid()).map(ProcessHandle::isAlive)).hasValue(true);
    assertThat(ProcessHandle.of(first.s3Pid()).map(ProcessHandle::isAlive)).hasValue(true);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers()))) {
      assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).isNotEmpty();
    }
  }

  @Test
  void aSecondInstanceOnTheSamePortsExitsAtOnceNamingThePortAndItsFlag() throws Exception {
    LocalInfra first = TestLake.infra();
    Path other = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "second-");
    String kafkaPort = port(first.bootstrapServers());

    Run second = localMain("--data", other.toString(), "--grpc-port", "0", "--http-port", "0", "--rest-port", "0",
        "--metrics-port", "0", "--writer-metrics-port", "0", "--kafka-port", kafkaPort,
        "--kafka-controller-port", "0", "--s3-port", "0");

    assertThat(second.exitCode()).isEqualTo(2);
    assertThat(second.stderr()).containsExactly("otlake local: port " + kafkaPort + " (Kafka, --kafka-port) is"
        + " already in use on 127.0.0.1 (another ./otlake local?); stop what holds it or pick another with"
        + " --kafka-port N");
    // it started nothing: its folder holds only its (released) lock
    try (Stream<Path> files = Files.list(other)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(DataFolder.LOCK_FILE);
    }
    assertThat(ProcessHandle.of(first.kafkaPid()).map(ProcessHandle::isAlive)).hasValue(true);

    Run twice = localMain("--data", other.toString(), "--grpc-port", "14999", "--http-port", "14999");
    assertThat(twice.exitCode()).isEqualTo(2);
    assertThat(twice.stderr()).containsExactly(
        "otlake local: --grpc-port and --http-port both ask for port 14999; give one of them another port");
  }

  @Test
  void argumentErrorsAreOneLine() {
    for (String[] args : List.of(new String[] {"--grpc-port", "abc"}, new String[] {"--rest-port"},
        new String[] {"--data", "--listen-all"}, new String[] {"--open"})) {
      Run run = localMain(args);
      assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(run.stderr()).as(String.join(" ", args)).hasSize(1);
      assertThat(run.stderr().get(0)).startsWith("otlake local: ").endsWith("(see --help)");
    }
    assertThat(localMain("--grpc-port", "abc").stderr())
        .containsExactly("otlake local: --grpc-port takes a port 0..65535, got 'abc' (see --help)");
    assertThat(localMain("--data", "--listen-all").stderr())
        .containsExactly("otlake local: --data needs a value (see --help)");
  }

  @Test
  void childServersAKilledLauncherLeftAreStoppedByTheNextStart() throws Exception {
    Path data = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "leftover-");
    // what a launcher killed with -9 leaves: its Kafka child running, recorded in the folder's pid file
    Process orphan = sleeper();
    Path kafkaPid = ChildJvm.pidFile(KafkaBroker.dirIn(data), "kafka");
    Files.createDirectories(kafkaPid.getParent());
    ChildJvm.Recorded.of("kafka", orphan.toHandle(), SleepingChild.class.getName()).write(kafkaPid);
    // and a pid file whose pid now names another process (started at another time): not ours to stop
    Process stranger = sleeper();
    Path s3Pid = ChildJvm.pidFile(S3Server.dirIn(data), "s3proxy");
    Files.createDirectories(s3Pid.getParent());
    new ChildJvm.Recorded("s3proxy", stranger.pid(), 1_000L, "org.gaul.s3proxy.Main").write(s3Pid);
    try {
      List<String> lines;
      try (DataFolder folder = DataFolder.lock(data)) {
        lines = folder.stopLeftovers();
      }
      assertThat(orphan.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(lines).containsExactly("stopped the kafka (pid " + orphan.pid()
          + ") that an earlier ./otlake local on this folder left running");
      assertThat(stranger.isAlive()).isTrue();
      assertThat(kafkaPid).doesNotExist();
      assertThat(s3Pid).doesNotExist();
    } finally {
      orphan.destroyForcibly();
      stranger.destroyForcibly();
    }
  }

  @Test
  void aFolderHeldInThisProcessIsRefusedToo() throws Exception {
    Path data = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "held-");
    try (DataFolder held = DataFolder.lock(data)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> DataFolder.lock(data))
          .isInstanceOf(DataFolder.InUseException.class).hasMessageContaining("is in use");
    }
    DataFolder.lock(data).close();
  }

  private static Process sleeper() throws IOException {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m", "-cp",
        System.getProperty("java.class.path"), SleepingChild.class.getName()).start();
  }

  private static Set<String> listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return new TreeSet<>(files.map(p -> p.getFileName().toString()).toList());
    }
  }
}
