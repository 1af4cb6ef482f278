package io.otlake.gateway.receiver;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.otlake.proto.OtlpRecord;
import io.otlake.proto.RecordTooLargeException;
import io.otlake.proto.Signal;
import io.otlake.proto.SplitTooLargeException;
import io.otlake.proto.TraceSplitter;
import io.otlake.proto.wire.MalformedRequestException;
import io.otlake.proto.wire.ScannedTraces;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * OTLP/gRPC {@code TraceService/Export}: scan the request bytes, validate, split into records keyed by trace id, hand
 * them to the sink, and answer only once the sink has stored every record. The request is never decoded into
 * messages: gRPC hands over its bytes, and records are cut from them.
 */
public final class TraceReceiver {
  /** The key of the splitter's total bound, named when a request passes it. */
  public static final String MAX_SPLIT_BYTES = "request.max-split-bytes";
  private static final ExportTraceServiceResponse OK = ExportTraceServiceResponse.getDefaultInstance();

  private final SpanValidator validator;
  private final TraceSplitter splitter;
  private final RecordSink sink;
  private final LongSupplier clockMillis;
  private final ReceiverMetrics metrics;
  private final Admission admission;

  /** A receiver without a bound of its own on request bytes in flight (the sink's bound still holds). */
  public TraceReceiver(SpanValidator validator, TraceSplitter splitter, RecordSink sink, LongSupplier clockMillis,
      ReceiverMetrics metrics) {
    this(validator, splitter, sink, clockMillis, metrics, new Admission(Long.MAX_VALUE));
  }

  /** A receiver whose requests of both transports share {@code admission}'s bound on request bytes in flight. */
  public TraceReceiver(SpanValidator validator, TraceSplitter splitter, RecordSink sink, LongSupplier clockMillis,
      ReceiverMetrics metrics, Admission admission) {
    this.validator = validator;
    this.splitter = splitter;
    this.sink = sink;
    this.clockMillis = clockMillis;
    this.metrics = metrics;
    this.admission = admission;
    metrics.inFlightBytes(admission);
  }

  /** The bound on request bytes in flight both transports take their permits from. */
  public Admission admission() {
    return admission;
  }

  /**
   * The gRPC service: {@code opentelemetry.proto.collector.trace.v1.TraceService/Export} taking raw bytes. A message
   * over {@code maxRequestBytes} once decompressed is answered RESOURCE_EXHAUSTED naming {@code limitKey}. Answers
   * are counted by {@link GrpcAnswers}, which sees the calls gRPC refuses before this service too.
   */
  public ServerServiceDefinition service(int maxRequestBytes, String limitKey) {
    MethodDescriptor<GrpcRequest, ExportTraceServiceResponse> export = TraceServiceGrpc.getExportMethod()
        .toBuilder(new GrpcRequest.Marshaller(maxRequestBytes, limitKey), ProtoUtils.marshaller(OK))
        .build();
    return ServerServiceDefinition.builder(TraceServiceGrpc.SERVICE_NAME)
        .addMethod(export, ServerCalls.asyncUnaryCall(this::export))
        .build();
  }

  private void export(GrpcRequest request, StreamObserver<ExportTraceServiceResponse> response) {
    if (request.refusal() != null) {
      metrics.refused(Signal.TRACES, 0);
      response.onError(request.refusal().asRuntimeException());
      return;
    }
    // admitted by size before the scan: a refusal costs a compare-and-set, not the request's processing
    // (every gRPC answer is counted by GrpcAnswers)
    Admission.Permit permit = admission.tryAcquire(request.bytes().length);
    if (permit == null) {
      refusedOverloaded("grpc", IN_FLIGHT_BYTES, request.bytes().length);
      response.onError(Outcomes.grpc(Outcomes.overloaded(admission)));
      return;
    }
    CompletableFuture<Void> exported;
    try {
      exported = export(request.bytes());
    } catch (RuntimeException e) {
      exported = CompletableFuture.failedFuture(e); // a bug, not the data's fault: answered, and the permit returned
    }
    exported.whenComplete((ok, failure) -> {
      permit.close();
      if (failure == null) {
        response.onNext(OK);
        response.onCompleted();
      } else {
        response.onError(Outcomes.grpc(failure));
      }
    });
  }

  /**
   * Takes one serialized {@code ExportTraceServiceRequest}, whatever transport brought it. The future completes when
   * Kafka acknowledged every record of it, or exceptionally with a {@link Rejection} that says why not.
   */
  public CompletableFuture<Void> export(byte[] request) {
    long receivedAt = clockMillis.getAsLong();
    ScannedTraces scanned;
    try {
      scanned = ScannedTraces.scan(request);
    } catch (MalformedRequestException e) {
      metrics.refused(Signal.TRACES, 0);
      return CompletableFuture.failedFuture(
          Outcomes.invalid("not a valid ExportTraceServiceRequest: " + e.getMessage()));
    }
    String problem = validator.validate(scanned);
    if (problem != null) {
      metrics.refused(Signal.TRACES, scanned.spanCount());
      return CompletableFuture.failedFuture(Outcomes.invalid(problem));
    }
    List<OtlpRecord> records;
    try {
      records = splitter.split(scanned);
    } catch (SplitTooLargeException e) {
      metrics.refused(Signal.TRACES, scanned.spanCount());
      return CompletableFuture.failedFuture(Outcomes.invalid("request would become more than " + e.limit()
          + " bytes of Kafka records (each trace's record repeats its resource and scope), over " + MAX_SPLIT_BYTES
          + "=" + e.limit() + "; send fewer traces per request or smaller resources"));
    } catch (RecordTooLargeException e) {
      metrics.refused(Signal.TRACES, scanned.spanCount());
      return CompletableFuture.failedFuture(Outcomes.recordTooLarge(e.getMessage(), splitter.maxRecordBytes()));
    }
    if (records.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    int spans = scanned.spanCount();
    return sink.send(Signal.TRACES, records, receivedAt).handle((ok, failure) -> {
      if (failure == null) {
        metrics.accepted(Signal.TRACES, spans);
        return null;
      }
      metrics.failed(Signal.TRACES, spans);
      throw Outcomes.fromSink(failure);
    });
  }

  /** Counts an OTLP/HTTP answer by its status code. */
  public void answeredHttp(int status) {
    metrics.answered("http", Integer.toString(status));
  }

  /**
   * Counts a request refused by {@link #admission()} before anything was read of it: {@code bytes} its size as far as
   * known (gRPC: the message; OTLP/HTTP: Content-Length, or the body so far); {@code reason} the bound that refused
   * it ({@link #IN_FLIGHT_BYTES}, {@link #PIPELINED}, {@link #WORK_QUEUE}).
   */
  public void refusedOverloaded(String transport, String reason, long bytes) {
    metrics.refusedUnread(transport, reason, bytes);
  }

  /** Refused by {@code admission.max-in-flight-bytes}. */
  public static final String IN_FLIGHT_BYTES = "in_flight_bytes";
  /** Refused by {@code http.max-pipelined-requests}. */
  public static final String PIPELINED = "pipelined";
  /** Refused by {@code http.max-queued-requests}. */
  public static final String WORK_QUEUE = "work_queue";

  /** Counts a request refused before it reached {@link #export(byte[])} (e.g. an undecodable OTLP/JSON body). */
  public void refusedUnread() {
    metrics.refused(Signal.TRACES, 0);
  }
}
