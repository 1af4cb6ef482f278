package io.otlake.gateway.receiver;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.otlake.gateway.signals.SignalUnit;
import io.otlake.proto.OtlpRecord;
import io.otlake.proto.RecordSplitter;
import io.otlake.proto.RecordTooLargeException;
import io.otlake.proto.Signal;
import io.otlake.proto.SplitTooLargeException;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * One signal's export, whatever transport brought it: scan the request bytes with the signal's wire table, check
 * every item, split the valid ones into records by the signal's key, hand them to the sink, and answer only once the
 * sink has stored every record. The request is never decoded into messages: records are cut from its bytes.
 *
 * <p>Items that fail their checks are left out one by one and reported in the answer's {@code partial_success}
 * (OTLP's "Partial Success"), while the others are stored; a request that cannot be parsed at all, or that passes a
 * request-wide bound (fan-out, split size, an item too large for any record), is refused whole with
 * INVALID_ARGUMENT / 400.
 */
public final class SignalReceiver {
  /** The key of the splitter's total bound, named when a request passes it. */
  public static final String MAX_SPLIT_BYTES = "request.max-split-bytes";
  /** The key of the bound on one Kafka record, named (and counted) when a single item is larger. */
  static final String MAX_RECORD_BYTES = "kafka.max-record-bytes";
  /** How many item problems a partial-success message quotes. */
  static final int QUOTED_PROBLEMS = 3;
  /** How much of one item's description or problem a partial-success message quotes. */
  static final int QUOTED_CHARS = 160;

  private final SignalUnit unit;
  private final Signal signal;
  private final SignalUnit.ItemCheck check;
  private final FanOutLimits limits;
  private final RecordSplitter splitter;
  private final RecordSink sink;
  private final LongSupplier clockMillis;
  private final Intake intake;
  private final ReceiverMetrics metrics;
  private final boolean recordPerKey;

  /** The export was stored: {@code rejected} items were left out, for the reason {@code message} gives. */
  public record Accepted(long rejected, String message) {
    static final Accepted ALL = new Accepted(0, "");
  }

  /** A receiver making one record per partition the sink knows of (config {@code kafka.records}: per-partition). */
  public SignalReceiver(SignalUnit unit, FanOutLimits limits, RecordSplitter splitter, RecordSink sink,
      LongSupplier clockMillis, Intake intake) {
    this(unit, limits, splitter, sink, clockMillis, intake, false);
  }

  /**
   * @param clockMillis the gateway's clock: received times, and the "not more than a day ahead" check
   * @param recordPerKey one record per record key (config {@code kafka.records}: per-key), else one per partition
   *     when the sink knows the topic's partitions ({@link RecordSink#partitioner})
   */
  public SignalReceiver(SignalUnit unit, FanOutLimits limits, RecordSplitter splitter, RecordSink sink,
      LongSupplier clockMillis, Intake intake, boolean recordPerKey) {
    this.recordPerKey = recordPerKey;
    this.unit = unit;
    this.signal = unit.contract().signal();
    this.check = unit.check(() -> clockMillis.getAsLong() * 1_000_000L);
    this.limits = limits;
    this.splitter = splitter;
    this.sink = sink;
    this.clockMillis = clockMillis;
    this.intake = intake;
    this.metrics = intake.metrics();
  }

  public SignalUnit unit() {
    return unit;
  }

  public Intake intake() {
    return intake;
  }

  /**
   * The gRPC service of the signal ({@code .../Export} taking raw bytes). A message over {@code maxRequestBytes} once
   * decompressed is answered RESOURCE_EXHAUSTED naming {@code limitKey}. Admitted as the message arrives when the
   * server has {@link GrpcAdmission}, else once it is read ({@link GrpcExportCall}). Answers are counted by
   * {@link GrpcAnswers}, which sees the calls gRPC refuses before this service too.
   */
  public ServerServiceDefinition service(int maxRequestBytes, String limitKey) {
    MethodDescriptor<GrpcRequest, Message> export = unit.exportMethod()
        .toBuilder(new GrpcRequest.Marshaller(maxRequestBytes, limitKey), ProtoUtils.marshaller(unit.response(0, "")))
        .build();
    return ServerServiceDefinition.builder(unit.exportMethod().getServiceName())
        .addMethod(export, new GrpcExportCall(intake,
            bytes -> export(bytes).thenApply(a -> unit.response(a.rejected(), a.message())),
            () -> metrics.refused(signal, 0)))
        .build();
  }

  /**
   * Takes one serialized export request of the signal. The future completes when Kafka acknowledged every record of
   * its valid items (saying how many were rejected and why), or exceptionally with a {@link Rejection}.
   */
  public CompletableFuture<Accepted> export(byte[] request) {
    RequestContext context = new RequestContext(clockMillis.getAsLong());
    ScannedRequest scanned;
    try {
      scanned = ScannedRequest.scan(request, unit.contract().tree());
    } catch (MalformedRequestException e) {
      metrics.refused(signal, 0);
      return CompletableFuture.failedFuture(Outcomes.invalid(
          "not a valid " + unit.contract().tree().requestName() + ": " + e.getMessage()));
    }
    int items = scanned.itemCount();
    boolean[] rejected = null;
    int rejectedCount = 0;
    StringBuilder problems = null;
    for (int i = 0; i < items; i++) {
      String problem = check.problem(scanned, i);
      if (problem == null) {
        continue;
      }
      if (rejected == null) {
        rejected = new boolean[items];
        problems = new StringBuilder();
      }
      rejected[i] = true;
      if (rejectedCount++ < QUOTED_PROBLEMS) {
        // each part clipped: ids, names and paths come from the client and may be megabytes long
        problems.append(rejectedCount == 1 ? "" : "; ").append(clip(scanned.path(i))).append(": ")
            .append(clip(unit.contract().describe(scanned, i))).append(": ").append(clip(problem));
      }
    }
    Accepted accepted = Accepted.ALL;
    if (rejectedCount > 0) {
      metrics.refused(signal, rejectedCount);
      accepted = new Accepted(rejectedCount, rejectedCount + " of " + items + " " + signal.items()
          + " rejected: " + problems + (rejectedCount > QUOTED_PROBLEMS
              ? "; and " + (rejectedCount - QUOTED_PROBLEMS) + " more" : ""));
    }
    int valid = items - rejectedCount;
    FanOutLimits.Exceeded tooMuch = limits.check(scanned, rejected, unit);
    if (tooMuch != null) {
      metrics.refused(signal, valid);
      metrics.overLimit(tooMuch.limit());
      return CompletableFuture.failedFuture(Outcomes.invalid(tooMuch.message()));
    }
    List<OtlpRecord> records;
    try {
      records = splitter.split(scanned, rejected, unit.contract(), recordPerKey ? null : sink.partitioner(signal));
    } catch (SplitTooLargeException e) {
      metrics.refused(signal, valid);
      metrics.overLimit(MAX_SPLIT_BYTES);
      return CompletableFuture.failedFuture(Outcomes.invalid("request would become more than " + e.limit()
          + " bytes of Kafka records (each record repeats its resource and scope), over " + MAX_SPLIT_BYTES
          + "=" + e.limit() + "; send fewer " + signal.items() + " per request or smaller resources"));
    } catch (RecordTooLargeException e) {
      metrics.refused(signal, valid);
      metrics.overLimit(MAX_RECORD_BYTES);
      return CompletableFuture.failedFuture(Outcomes.recordTooLarge(e.getMessage(), splitter.maxRecordBytes()));
    }
    if (records.isEmpty()) {
      return CompletableFuture.completedFuture(accepted);
    }
    Accepted answer = accepted;
    return sink.send(signal, records, context).handle((ok, failure) -> {
      if (failure == null) {
        metrics.accepted(signal, valid);
        return answer;
      }
      metrics.failed(signal, valid);
      throw Outcomes.fromSink(failure);
    });
  }

  /** A client-derived text cut to {@value #QUOTED_CHARS} characters for an answer's message. */
  static String clip(String text) {
    return text.length() <= QUOTED_CHARS ? text : text.substring(0, QUOTED_CHARS) + "...";
  }
}
