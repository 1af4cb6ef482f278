package io.otlake.bench;

import io.otlake.writer.testing.DemoTelemetry;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.otlake.gateway.GatewayServer;
import io.otlake.gateway.config.GatewayConfig;
import io.otlake.gateway.kafka.KafkaSink;
import io.otlake.gateway.receiver.RawBytes;
import io.otlake.local.LocalInfra;
import io.otlake.proto.OtlpRecord;
import io.otlake.proto.RecordHeaders;
import io.otlake.proto.RecordSplitter;
import io.otlake.gateway.signals.SignalUnit;
import io.otlake.gateway.signals.Signals;
import io.otlake.proto.Signal;
import io.otlake.proto.wire.ScannedRequest;
import io.otlake.writer.testing.DemoLogs;
import io.otlake.writer.testing.DemoMetrics;
import java.util.function.IntFunction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Acknowledged items (spans, log records, data points) per second through the gateway over OTLP/gRPC and over
 * OTLP/HTTP (protobuf), each driven by pre-serialized requests on many concurrent calls, against the ceiling of a
 * plain KafkaProducer sending the same records with the same settings to the same broker. One signal per call
 * ({@link Load}); its gRPC method, HTTP path, record split and topic come from the gateway's own unit of the signal.
 */
final class GatewayBench {
  private static final int CONCURRENCY = 32;
  /** The first round's warm-up: long enough for C2 to finish compiling the path (measured: a third of both cores for ~10 s). */
  private static final long WARMUP_SECONDS = 15;

  private GatewayBench() {}

  /**
   * One signal's load: its {@code --only} name, the suffix of its result keys (traces keep the keys they always
   * had), the item's name in keys (singular and plural), the gateway's unit, and its demo requests of ~512 items.
   */
  record Load(String benchName, String suffix, String item, String items, SignalUnit unit,
      IntFunction<List<byte[]>> requests) {}

  /** The three signals' loads: demo spans, demo logs, demo metrics (the five kinds in the demo's proportions). */
  static List<Load> loads() {
    long hourAgo = System.currentTimeMillis() * 1_000_000L - 3_600_000_000_000L;
    return List.of(
        new Load("gateway", "", "span", "spans", unit(Signal.TRACES), n -> {
          DemoTelemetry demo = new DemoTelemetry(7, hourAgo, 200, 1);
          return repeat(n, () -> demo.request(512).toByteArray());
        }),
        new Load("gateway-logs", "_logs", "log_record", "log_records", unit(Signal.LOGS), n -> {
          DemoLogs demo = new DemoLogs(7, hourAgo);
          return repeat(n, () -> demo.request(512).toByteArray());
        }),
        new Load("gateway-metrics", "_metrics", "data_point", "data_points", unit(Signal.METRICS), n -> {
          DemoMetrics demo = new DemoMetrics(7, hourAgo);
          return repeat(n, () -> demo.request(512).toByteArray());
        }));
  }

  private static SignalUnit unit(Signal signal) {
    return Signals.ALL.stream().filter(u -> u.contract().signal() == signal).findFirst().orElseThrow();
  }

  private static List<byte[]> repeat(int n, java.util.function.Supplier<byte[]> request) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(request.get());
    }
    return out;
  }

  static void run(LocalInfra infra, boolean quick, Load load, Results results) throws Exception {
    int requests = quick ? 40 : 120;
    long seconds = quick ? 12 : 25;
    SignalUnit unit = load.unit();
    Signal signal = unit.contract().signal();
    String x = load.suffix();
    List<byte[]> payloads = load.requests().apply(requests);
    List<Integer> itemCounts = new ArrayList<>();
    for (byte[] p : payloads) {
      itemCounts.add(ScannedRequest.scan(p, unit.contract().tree()).itemCount());
    }

    // created up front, each partition answering: producing into topics the broker auto-created raced with their
    // leader election (NOT_LEADER_OR_FOLLOWER, then OUT_OF_ORDER_SEQUENCE_NUMBER retried inside the first window)
    for (String topic : List.of("bench_gateway" + x, "bench_ceiling" + x, "bench_ceiling_sink" + x)) {
      Bench.ensureTopic(infra, topic);
    }
    Map<String, String> settings = new HashMap<>();
    settings.put("kafka.bootstrap.servers", infra.bootstrapServers());
    settings.put(GatewayConfig.topicKey(signal), "bench_gateway" + x);
    settings.put("grpc.host", "127.0.0.1");
    settings.put("grpc.port", "0");
    settings.put("http.host", "127.0.0.1");
    settings.put("http.port", "0");
    settings.put("http.max-request-bytes", "16MiB");
    settings.put("metrics.port", "-1");
    GatewayConfig config = GatewayConfig.load(null, Map.of(), settings);

    Map<String, String> sinkSettings = new HashMap<>(settings);
    sinkSettings.put(GatewayConfig.topicKey(signal), "bench_ceiling_sink" + x);
    GatewayConfig sinkConfig = GatewayConfig.load(null, Map.of(), sinkSettings);
    // rounds of the four peers one after the other, ratios per round and their medians: single runs here move by
    // +-15%, and a round's phases are close enough in time to share the machine's mood
    int rounds = quick ? 1 : 3;
    List<Rate> plains = new ArrayList<>();
    List<Rate> sinks = new ArrayList<>();
    List<Rate> grpcs = new ArrayList<>();
    List<Rate> https = new ArrayList<>();
    try (GatewayServer server = GatewayServer.start(config)) {
      for (int round = 0; round < rounds; round++) {
        long warmup = round == 0 ? WARMUP_SECONDS : 5;
        plains.add(ceiling(config, unit, "bench_ceiling" + x, payloads, itemCounts, new Window(seconds, warmup)));
        sinks.add(ceilingThroughSink(sinkConfig, unit, itemCounts, payloads, new Window(seconds, warmup)));
        grpcs.add(drive(server.grpcPort(), unit, payloads, itemCounts, new Window(seconds, warmup)));
        https.add(driveHttp(server.httpPort(), unit, payloads, itemCounts, new Window(seconds, warmup)));
      }
    }
    List<Rate> ceilings = new ArrayList<>();
    List<Double> grpcRatios = new ArrayList<>();
    List<Double> httpRatios = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      Rate c = plains.get(r).itemsPerSecond() >= sinks.get(r).itemsPerSecond() ? plains.get(r) : sinks.get(r);
      ceilings.add(c);
      grpcRatios.add(grpcs.get(r).itemsPerSecond() / c.itemsPerSecond());
      httpRatios.add(https.get(r).itemsPerSecond() / c.itemsPerSecond());
    }
    String items = load.items();
    String item = load.item();
    Map<String, Object> s = results.section("gateway" + x);
    s.put(items + "_per_second", Math.round(median(grpcs, Rate::itemsPerSecond)));
    s.put("http_protobuf_" + items + "_per_second", Math.round(median(https, Rate::itemsPerSecond)));
    s.put("ceiling_" + items + "_per_second", Math.round(median(ceilings, Rate::itemsPerSecond)));
    s.put("rounds", rounds);
    s.put("grpc_" + items + "_per_second_runs", runs(grpcs, Rate::itemsPerSecond));
    s.put("http_" + items + "_per_second_runs", runs(https, Rate::itemsPerSecond));
    s.put("ceiling_plain_producer_one_thread_runs", runs(plains, Rate::itemsPerSecond));
    s.put("ceiling_gateway_sink_runs", runs(sinks, Rate::itemsPerSecond));
    s.put("grpc_ratio_runs", grpcRatios.stream().map(v -> Results.round(v, 3)).toList());
    s.put("http_ratio_runs", httpRatios.stream().map(v -> Results.round(v, 3)).toList());
    s.put("ceiling_note", "per round, the higher of a plain KafkaProducer sending the split records from one thread"
        + " and the gateway's own KafkaSink sending them from memory; headline ratios are medians of the rounds' ratios");
    s.put("cpu_us_per_" + item + "_grpc", Results.round(median(grpcs, Rate::cpuMicrosPerItem), 3));
    s.put("cpu_us_per_" + item + "_http", Results.round(median(https, Rate::cpuMicrosPerItem), 3));
    s.put("cpu_us_per_" + item + "_ceiling", Results.round(median(ceilings, Rate::cpuMicrosPerItem), 3));
    s.put("cpu_note", "CPU time of the bench JVM (gateway, load generator or producer) and the broker inside the"
        + " measuring window, per acknowledged " + item.replace('_', ' ')
        + "; ceiling CPU / gateway CPU is the ratio a quiet machine would show");
    s.put("cpu_ratio_grpc", Results.round(median(ceilings, Rate::cpuMicrosPerItem)
        / median(grpcs, Rate::cpuMicrosPerItem), 3));
    s.put("cpu_ratio_http", Results.round(median(ceilings, Rate::cpuMicrosPerItem)
        / median(https, Rate::cpuMicrosPerItem), 3));
    s.put("concurrent_calls", CONCURRENCY);
    double meanItems = itemCounts.stream().mapToInt(Integer::intValue).average().orElse(0);
    s.put(items + "_per_request", Results.round(meanItems, 1));
    s.put("records_per_request", Results.round(recordsPerRequest(config, unit, payloads), 1));
    s.put("request_bytes_mean", Math.round(payloads.stream().mapToInt(p -> p.length).average().orElse(0)));
    s.put("measured_seconds_per_run", seconds);
    results.put("gateway" + x + "_ratio", Results.round(median(grpcRatios, v -> v), 3));
    results.put("gateway" + x + "_http_ratio", Results.round(median(httpRatios, v -> v), 3));
  }

  private static double recordsPerRequest(GatewayConfig config, SignalUnit unit, List<byte[]> payloads)
      throws Exception {
    long records = 0;
    for (List<OtlpRecord> r : splitAll(config, unit, payloads)) {
      records += r.size();
    }
    return (double) records / payloads.size();
  }

  private static <T> double median(List<T> values, java.util.function.ToDoubleFunction<T> f) {
    double[] v = values.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static <T> List<Long> runs(List<T> values, java.util.function.ToDoubleFunction<T> f) {
    return values.stream().map(v -> Math.round(f.applyAsDouble(v))).toList();
  }

  /** The records the gateway makes of each request. */
  private static List<List<OtlpRecord>> splitAll(GatewayConfig config, SignalUnit unit, List<byte[]> payloads)
      throws Exception {
    RecordSplitter splitter = new RecordSplitter(config.maxRecordBytes());
    List<List<OtlpRecord>> split = new ArrayList<>();
    for (byte[] p : payloads) {
      split.add(splitter.split(ScannedRequest.scan(p, unit.contract().tree()), null, unit.contract(),
          Bench.partitioner(config)));
    }
    return split;
  }

  /** Acknowledged items per second in a measuring window, and the CPU they took. */
  record Rate(double itemsPerSecond, double cpuMicrosPerItem) {}

  /** The same records as the gateway would produce, from a plain producer with the gateway's settings. */
  private static Rate ceiling(GatewayConfig config, SignalUnit unit, String topic, List<byte[]> payloads,
      List<Integer> spanCounts, Window w) throws Exception {
    List<List<OtlpRecord>> split = splitAll(config, unit, payloads);
    Map<String, Object> props = KafkaSink.producerProperties(config);
    // the headers the gateway's records carry, so that the ceiling sends the same bytes
    List<org.apache.kafka.common.header.Header> headers = List.of(
        header(RecordHeaders.SIGNAL, unit.contract().signal().headerValue()), header(RecordHeaders.ENCODING, "otlp_proto"),
        header(RecordHeaders.RECEIVED_AT_MS, Long.toString(System.currentTimeMillis())),
        header(RecordHeaders.FORMAT_VERSION, RecordHeaders.CURRENT_FORMAT_VERSION));
    // one sending thread: the producer compresses inside send, under the partition batch's lock, and two threads
    // sending the same records made 0.93M spans/s in one run, one thread 1.2-1.5M in the runs around it (the gateway's
    // sink gives each thread its own partitions)
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      return pump(w, spanCounts, (k, done) -> {
        List<OtlpRecord> records = split.get(k);
        AtomicLong pending = new AtomicLong(records.size());
        for (OtlpRecord r : records) {
          producer.send(new ProducerRecord<>(topic, r.partition() >= 0 ? r.partition() : null, r.key(), r.value(),
              headers), (m, e) -> {
            if (pending.decrementAndGet() == 0) {
              done.accept(e == null);
            }
          });
        }
      });
    }
  }

  /** The same records through the gateway's own sink, straight from memory: its producing path without receiving. */
  private static Rate ceilingThroughSink(GatewayConfig config, SignalUnit unit, List<Integer> spanCounts,
      List<byte[]> payloads, Window w) throws Exception {
    List<List<OtlpRecord>> split = splitAll(config, unit, payloads);
    try (KafkaSink sink = KafkaSink.create(config)) {
      return pump(w, spanCounts, (k, done) -> sink.send(unit.contract().signal(), split.get(k),
          new io.otlake.gateway.receiver.RequestContext(System.currentTimeMillis())).whenComplete((v, e) -> done.accept(e == null)));
    }
  }

  private static org.apache.kafka.common.header.Header header(String key, String value) {
    return new org.apache.kafka.common.header.internals.RecordHeader(key, RecordHeaders.utf8(value));
  }

  private static Rate drive(int port, SignalUnit unit, List<byte[]> payloads, List<Integer> spanCounts, Window w)
      throws Exception {
    MethodDescriptor<byte[], byte[]> export = unit.exportMethod().toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE)
        .build();
    List<ManagedChannel> channels = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor()
          .maxInboundMessageSize(16 << 20).build());
    }
    AtomicLong failed = new AtomicLong();
    Rate rate = pump(w, spanCounts, (k, done) -> ClientCalls.asyncUnaryCall(
        channels.get(k % channels.size()).newCall(export, CallOptions.DEFAULT), payloads.get(k),
        new StreamObserver<>() {
          @Override
          public void onNext(byte[] value) {
            done.accept(true);
          }

          @Override
          public void onError(Throwable t) {
            failed.incrementAndGet();
            done.accept(false);
          }

          @Override
          public void onCompleted() {}
        }));
    channels.forEach(ManagedChannel::shutdownNow);
    if (failed.get() > 0) {
      System.out.println("  gateway: " + failed.get() + " calls failed (retryable answers under load)");
    }
    return rate;
  }

  /** Sends one request (by index); calls {@code done} once with whether every span of it was acknowledged. */
  interface Sending {
    void send(int request, java.util.function.Consumer<Boolean> done);
  }

  /**
   * Sends request after request, at most {@link #CONCURRENCY} in flight, until the window is over; counts the spans
   * of the requests acknowledged inside it.
   */
  private static Rate pump(Window w, List<Integer> spanCounts, Sending sending) throws InterruptedException {
    AtomicLong acked = new AtomicLong();
    Semaphore inFlight = new Semaphore(CONCURRENCY);
    w.start();
    int i = 0;
    while (!w.over()) {
      int k = i++ % spanCounts.size();
      int spans = spanCounts.get(k);
      inFlight.acquire();
      sending.send(k, ok -> {
        if (ok) {
          w.count(acked, spans);
        }
        inFlight.release();
      });
    }
    inFlight.acquire(CONCURRENCY);
    return new Rate(w.rate(acked), w.cpuMicrosPer(acked));
  }

  /**
   * OTLP/HTTP with protobuf bodies: {@link #CONCURRENCY} keep-alive connections, each with one request at a time as
   * OTLP/HTTP exporters send them, written from pre-built bytes (request line, headers and body) and read back by
   * status line and Content-Length: the cheapest client there can be, so that what is measured is the server.
   */
  private static Rate driveHttp(int port, SignalUnit unit, List<byte[]> payloads, List<Integer> spanCounts,
      Window w) throws Exception {
    List<byte[]> wire = new ArrayList<>();
    for (byte[] p : payloads) {
      byte[] head = ("POST " + unit.httpPath() + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
          + "\r\nContent-Type: application/x-protobuf\r\nContent-Length: " + p.length + "\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      byte[] all = java.util.Arrays.copyOf(head, head.length + p.length);
      System.arraycopy(p, 0, all, head.length, p.length);
      wire.add(all);
    }
    AtomicLong acked = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    w.start();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < CONCURRENCY; c++) {
      int first = c;
      Thread t = new Thread(() -> {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
          socket.setTcpNoDelay(true);
          java.io.OutputStream out = socket.getOutputStream();
          java.io.InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 4096);
          for (int i = first; !w.over(); i += CONCURRENCY) {
            out.write(wire.get(i % wire.size()));
            out.flush();
            if (readStatus(in) == 200) {
              w.count(acked, spanCounts.get(i % wire.size()));
            } else {
              failed.incrementAndGet();
            }
          }
        } catch (java.io.IOException e) {
          failed.incrementAndGet();
        }
      }, "bench-http-" + c);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failed.get() > 0) {
      System.out.println("  gateway over HTTP: " + failed.get() + " requests failed (retryable answers under load)");
    }
    return new Rate(w.rate(acked), w.cpuMicrosPer(acked));
  }

  /** Reads one HTTP/1.1 response that has a Content-Length; returns its status code. */
  static int readStatus(java.io.InputStream in) throws java.io.IOException {
    StringBuilder line = new StringBuilder();
    int status = -1;
    int length = 0;
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new java.io.EOFException("connection closed");
      }
      if (c != '\n') {
        if (c != '\r') {
          line.append((char) c);
        }
        continue;
      }
      if (line.length() == 0) {
        break; // end of the headers
      }
      String l = line.toString();
      if (status < 0) {
        status = Integer.parseInt(l.substring(9, 12));
      } else if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(l.substring(15).trim());
      }
      line.setLength(0);
    }
    in.skipNBytes(length);
    return status;
  }

  /**
   * A measuring window after a warm-up: counts only what completes inside it, and takes the CPU time this JVM and its
   * child processes (the broker) spent inside it, which a noisy neighbour cannot inflate the way it slows the rate.
   */
  static final class Window {
    private final long seconds;
    private final long warmupSeconds;
    volatile long warmupEnd;
    volatile long end;
    private volatile long cpuAtStart = -1;
    private volatile long cpuAtEnd = -1;

    /** A window of {@code seconds} after {@code warmupSeconds}, both counted from {@link #start()}. */
    Window(long seconds, long warmupSeconds) {
      this.seconds = seconds;
      this.warmupSeconds = warmupSeconds;
    }

    void start() {
      long now = System.nanoTime();
      warmupEnd = now + warmupSeconds * 1_000_000_000L;
      end = warmupEnd + seconds * 1_000_000_000L;
      Thread sampler = new Thread(() -> {
        sleepUntil(warmupEnd);
        cpuAtStart = cpuNanos();
        sleepUntil(end);
        cpuAtEnd = cpuNanos();
      }, "bench-cpu-sampler");
      sampler.setDaemon(true);
      sampler.start();
    }

    boolean over() {
      return System.nanoTime() >= end;
    }

    void count(AtomicLong counter, int n) {
      long now = System.nanoTime();
      if (now >= warmupEnd && now < end) {
        counter.addAndGet(n);
      }
    }

    double rate(AtomicLong counter) {
      return counter.get() / ((end - warmupEnd) / 1e9);
    }

    /** CPU microseconds per counted item inside the window (this JVM and its children). */
    double cpuMicrosPer(AtomicLong counter) {
      while (cpuAtEnd < 0) {
        Bench.sleep(10);
      }
      return (cpuAtEnd - cpuAtStart) / 1e3 / Math.max(1, counter.get());
    }

    private static void sleepUntil(long nanoTime) {
      long wait;
      while ((wait = nanoTime - System.nanoTime()) > 0) {
        Bench.sleep(Math.max(1, wait / 1_000_000));
      }
    }

    private static long cpuNanos() {
      long total = Cpu.processCpuNanos();
      for (ProcessHandle child : ProcessHandle.current().descendants().toList()) {
        total += child.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
      }
      return total;
    }
  }
}
