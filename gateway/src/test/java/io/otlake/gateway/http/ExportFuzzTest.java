package io.otlake.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.otlake.gateway.signals.logs.Logs;
import io.otlake.gateway.signals.metrics.Metrics;
import io.otlake.proto.signals.RandomRequests;
import io.otlake.gateway.receiver.ReceiverMetrics;
import io.otlake.gateway.receiver.RecordSink;
import io.otlake.gateway.receiver.Rejection;
import io.otlake.gateway.receiver.Intake;
import io.otlake.gateway.receiver.SignalReceiver;
import io.otlake.gateway.receiver.TestReceivers;
import io.otlake.gateway.signals.traces.Traces;
import io.otlake.proto.OtlpRecord;
import io.otlake.proto.json.OtlpJson;
import io.otlake.proto.wire.MalformedRequestException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Fuzzes the gateway's decoding and validation with mutated OTLP bodies, protobuf and JSON, through the same steps as
 * the OTLP/HTTP handler (decompression, JSON to protobuf, then {@code export}: wire scan, validation, split) with a
 * fake sink standing in for Kafka. Inputs are valid requests changed by seeded, deterministic mutators
 * ({@link WireMutator}, {@link JsonMutator}, {@link ByteMutator}); a few are also gzipped, and some of those have
 * their compressed bytes changed.
 *
 * <p>Every input must end in an accepted export or a clean refusal (a {@link MalformedRequestException} or a
 * {@link Rejection}, with a message of reasonable size), never any other exception, and within the per-input time
 * budget. What is accepted must make sense to protobuf itself: the request parses with the protobuf library, every
 * record handed to the sink parses too, and the records hold exactly the request's items.
 *
 * <p>System properties: {@code otlake.fuzz.inputs} (total over all paths and encodings, default 100,000),
 * {@code otlake.fuzz.seconds} (a time budget instead; with it alone, inputs are unlimited), {@code otlake.fuzz.seed},
 * {@code otlake.fuzz.budget-ms} (CPU time per input, default 200), {@code otlake.fuzz.only} (run one input index, to
 * reproduce a failure). A failing input is written to {@code target/fuzz-failures/}.
 */
class ExportFuzzTest {
  private static final long SEED = Long.getLong("otlake.fuzz.seed", 9L);
  private static final long SECONDS = Long.getLong("otlake.fuzz.seconds", 0L);
  private static final long INPUTS = Long.getLong("otlake.fuzz.inputs", SECONDS > 0 ? Long.MAX_VALUE : 100_000L);
  private static final long BUDGET_NANOS = Long.getLong("otlake.fuzz.budget-ms", 200L) * 1_000_000L;
  private static final long ONLY = Long.getLong("otlake.fuzz.only", -1L);
  private static final int POOL = 48;
  private static final int MAX_BODY_BYTES = 4 << 20;
  /** Small enough that a span made huge by a mutation exceeds it, so the splitter's refusal is reached too. */
  private static final int MAX_RECORD_BYTES = 64 << 10;
  /** A refusal's message must stay this short whatever the input (no echo of megabytes). */
  private static final int MAX_MESSAGE_CHARS = 2048;

  /** Turns OTLP/JSON into protobuf bytes, as the HTTP handler does before export. */
  interface JsonDecoder {
    byte[] toProto(byte[] json) throws MalformedRequestException;
  }

  /** The transport-neutral export of one signal: protobuf bytes in, the receiver's answer out. */
  interface Exporter {
    CompletableFuture<SignalReceiver.Accepted> export(byte[] request);
  }

  /**
   * One signal the gateway takes, as the fuzzer drives it: how to make valid requests, their JSON, the gateway's JSON
   * decoder, protobuf's parser (the oracle), how many items a request holds, and the receiver over a sink.
   */
  record SignalPath<M extends Message>(String name, Function<Random, M> seed, Function<M, byte[]> toJson,
      JsonDecoder fromJson, Parser<M> oracle, ToIntFunction<M> items, Function<RecordSink, Exporter> receiver) {}

  /** Every signal path; a new signal is one more entry. */
  static final List<SignalPath<?>> PATHS = List.of(
      new SignalPath<>("traces", TraceSeeds::request, OtlpJson::traceRequestToJson, OtlpJson::traceRequestToProto,
          ExportTraceServiceRequest.parser(), TraceSeeds::spanCount, sink -> receiver(Traces.UNIT, sink)),
      new SignalPath<>("logs", RandomRequests::logs, OtlpJson::requestToJson, OtlpJson::logsRequestToProto,
          ExportLogsServiceRequest.parser(), ExportFuzzTest::logRecords, sink -> receiver(Logs.UNIT, sink)),
      // it found metrics whose data oneof was set twice (gauge, then sum): protobuf keeps the last, the scan kept
      // both; such requests are refused now
      new SignalPath<>("metrics", RandomRequests::metrics, OtlpJson::requestToJson, OtlpJson::metricsRequestToProto,
          ExportMetricsServiceRequest.parser(), ExportFuzzTest::dataPoints, sink -> receiver(Metrics.UNIT, sink)));

  private static Exporter receiver(io.otlake.gateway.signals.SignalUnit unit, RecordSink sink) {
    SignalReceiver r = TestReceivers.of(unit, sink, TraceSeeds.NOW,
        Intake.unbounded(new ReceiverMetrics(new SimpleMeterRegistry())), MAX_RECORD_BYTES);
    return r::export;
  }

  private static int logRecords(ExportLogsServiceRequest r) {
    return r.getResourceLogsList().stream().flatMap(rl -> rl.getScopeLogsList().stream())
        .mapToInt(sl -> sl.getLogRecordsCount()).sum();
  }

  private static int dataPoints(ExportMetricsServiceRequest r) {
    int n = 0;
    for (var rm : r.getResourceMetricsList()) {
      for (var sm : rm.getScopeMetricsList()) {
        for (var m : sm.getMetricsList()) {
          n += switch (m.getDataCase()) {
            case GAUGE -> m.getGauge().getDataPointsCount();
            case SUM -> m.getSum().getDataPointsCount();
            case HISTOGRAM -> m.getHistogram().getDataPointsCount();
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
            case SUMMARY -> m.getSummary().getDataPointsCount();
            default -> 0;
          };
        }
      }
    }
    return n;
  }

  /** How an input ended; each must be reached by a share of the inputs, or the mutators miss part of the pipeline. */
  private enum Outcome {
    ACCEPTED(200), ACCEPTED_IN_PART(200), REFUSED_UNREAD(200), REFUSED_BY_RECEIVER(5000);

    /** At least one input in this many ends so. */
    final int oneIn;

    Outcome(int oneIn) {
      this.oneIn = oneIn;
    }
  }

  @TestFactory
  Stream<DynamicTest> everyInputIsAcceptedSanelyOrRefusedCleanlyAndQuickly() {
    List<DynamicTest> tests = new ArrayList<>();
    int runs = PATHS.size() * 2;
    for (SignalPath<?> path : PATHS) {
      for (boolean json : new boolean[] {false, true}) {
        String name = path.name() + (json ? " as OTLP/JSON" : " as protobuf");
        tests.add(DynamicTest.dynamicTest(name, () -> run(path, json, name, runs)));
      }
    }
    return tests.stream();
  }

  private static <M extends Message> void run(SignalPath<M> path, boolean json, String name, int runs)
      throws Exception {
    Random poolRandom = new Random(SEED ^ path.name().hashCode());
    byte[][] pool = new byte[POOL][];
    for (int i = 0; i < POOL; i++) {
      M request = path.seed().apply(poolRandom);
      pool[i] = json ? path.toJson().apply(request) : request.toByteArray();
    }
    Harness<M> h = new Harness<>(path, json);
    // the valid requests themselves must all be accepted, or the mutations would start from refusals
    for (byte[] valid : pool) {
      assertThat(h.run(valid, false)).as("a valid %s request", name).isEqualTo(Outcome.ACCEPTED);
    }
    long inputs = INPUTS == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, INPUTS / runs);
    long deadline = SECONDS > 0 ? System.nanoTime() + SECONDS * 1_000_000_000L / runs : Long.MAX_VALUE;
    Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    long i = ONLY >= 0 ? ONLY : 0;
    long end = ONLY >= 0 ? ONLY + 1 : inputs;
    long mutatingNanos = 0;
    long runningNanos = 0;
    for (; i < end && System.nanoTime() < deadline; i++) {
      long m0 = cpuNanos();
      Random r = new Random(SEED * 0x9E3779B97F4A7C15L + (name.hashCode() * 0xBF58476D1CE4E5B9L) + i);
      byte[] input = pool[r.nextInt(POOL)];
      byte[] other = pool[r.nextInt(POOL)];
      int mutations = r.nextInt(16) == 0 ? 0 : 1 + r.nextInt(3);
      for (int m = 0; m < mutations; m++) {
        input = json ? JsonMutator.mutate(r, input, other) : WireMutator.mutate(r, input, other);
      }
      boolean gzip = r.nextInt(32) == 0;
      if (gzip) {
        input = gzip(input);
        if (r.nextBoolean()) {
          input = ByteMutator.mutate(r, input, input);
        }
      }
      String where = name + " input " + i + " (-Dotlake.fuzz.seed=" + SEED + " -Dotlake.fuzz.only=" + i + ")";
      Outcome outcome;
      long t0 = cpuNanos();
      mutatingNanos += t0 - m0;
      try {
        outcome = h.run(input, gzip);
      } catch (Throwable t) {
        throw new AssertionError(where + ": " + t + "; " + describe(input, name, i), t);
      }
      long took = cpuNanos() - t0;
      runningNanos += took;
      if (took > BUDGET_NANOS) {
        // CPU time, so that other processes on the machine do not count; a collector's pause or a JIT compilation
        // is not the input's fault either: the fastest of three runs counts
        for (int again = 0; again < 2 && took > BUDGET_NANOS; again++) {
          t0 = cpuNanos();
          h.run(input, gzip);
          took = Math.min(took, cpuNanos() - t0);
        }
        if (took > BUDGET_NANOS) {
          throw new AssertionError(where + " took " + took / 1_000_000 + " ms of CPU, over the budget of "
              + BUDGET_NANOS / 1_000_000 + " ms; " + describe(input, name, i));
        }
      }
      counts.merge(outcome, 1L, Long::sum);
    }
    System.out.printf("fuzz %s: %d inputs from seed %d: %s; %d ms of CPU mutating, %d ms in the gateway's code%n", name,
        counts.values().stream().mapToLong(x -> x).sum(), SEED, counts, mutatingNanos / 1_000_000,
        runningNanos / 1_000_000);
    if (ONLY < 0 && i >= 1000) {
      // a fuzzer that only ever reached one outcome would be testing little
      for (Outcome o : Outcome.values()) {
        assertThat(counts.getOrDefault(o, 0L)).as("%s inputs ending %s", name, o).isGreaterThan(i / o.oneIn);
      }
    }
  }

  /** One input through the steps the OTLP/HTTP handler takes, with every check on the way. */
  private static final class Harness<M extends Message> {
    private final SignalPath<M> path;
    private final boolean json;
    private final List<OtlpRecord> stored = new ArrayList<>();
    private final Exporter exporter;

    Harness(SignalPath<M> path, boolean json) {
      this.path = path;
      this.json = json;
      this.exporter = path.receiver().apply((signal, records, receivedAtMs) -> {
        stored.addAll(records);
        return CompletableFuture.completedFuture(null);
      });
    }

    Outcome run(byte[] body, boolean gzip) throws InvalidProtocolBufferException {
      stored.clear();
      byte[] proto;
      try {
        byte[] plain = Bodies.decode(body, gzip ? Bodies.Coding.GZIP : Bodies.Coding.IDENTITY, MAX_BODY_BYTES, bytes -> true);
        proto = json ? path.fromJson().toProto(plain) : plain;
      } catch (MalformedRequestException e) {
        checkMessage(e.getMessage());
        return Outcome.REFUSED_UNREAD;
      } catch (Bodies.TooLargeException e) {
        return Outcome.REFUSED_UNREAD;
      } catch (Bodies.OverloadedException e) {
        throw new AssertionError("admission cannot refuse: the fuzz test's reserve always has room", e);
      }
      CompletableFuture<SignalReceiver.Accepted> answer = exporter.export(proto); // throwing here fails the test
      assertThat(answer).as("the answer is given at once with a sink that answers at once").isDone();
      try {
        answer.join();
      } catch (CompletionException e) {
        Throwable cause = e.getCause();
        if (!(cause instanceof Rejection r) || r.kind() != Rejection.Kind.INVALID) {
          throw new AssertionError("not a clean refusal: " + cause, cause);
        }
        checkMessage(r.getMessage());
        assertThat(stored).as("nothing stored for a refused request").isEmpty();
        return Outcome.REFUSED_BY_RECEIVER;
      }
      // accepted: protobuf must agree that it is a request, and the records must hold all of it
      M request = path.oracle().parseFrom(proto);
      int items = 0;
      int itemsSaid = 0;
      for (OtlpRecord record : stored) {
        items += path.items().applyAsInt(path.oracle().parseFrom(record.value()));
        itemsSaid += record.items();
      }
      // partial success: the items the receiver rejected one by one are left out of the records, and counted
      long rejected = answer.join().rejected();
      assertThat(items).as("items in the records").isEqualTo(path.items().applyAsInt(request) - rejected)
          .isEqualTo(itemsSaid);
      if (rejected > 0) {
        checkMessage(answer.join().message());
        return Outcome.ACCEPTED_IN_PART;
      }
      return Outcome.ACCEPTED;
    }

    private static void checkMessage(String message) {
      assertThat(message).as("a refusal's message").isNotBlank();
      assertThat(message.length()).as("length of the message %s", message.substring(0, Math.min(200,
          message.length()))).isLessThanOrEqualTo(MAX_MESSAGE_CHARS);
    }
  }

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /** This thread's CPU time. */
  private static long cpuNanos() {
    return THREADS.getCurrentThreadCpuTime();
  }

  private static byte[] gzip(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The input's size and start, and where the whole of it was written. */
  private static String describe(byte[] input, String name, long i) {
    Path file = Path.of("target", "fuzz-failures", name.replace(' ', '-').replace('/', '-') + "-" + SEED + "-" + i
        + ".bin");
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, input);
    } catch (IOException e) {
      file = null;
    }
    byte[] head = java.util.Arrays.copyOf(input, Math.min(input.length, 512));
    return input.length + " bytes" + (file == null ? "" : ", written to " + file.toAbsolutePath())
        + ", the first " + head.length + " in base64: " + Base64.getEncoder().encodeToString(head);
  }
}
