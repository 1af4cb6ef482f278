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

  public TraceReceiver(SpanValidator validator, TraceSplitter splitter, RecordSink sink, LongSupplier clockMillis,
      ReceiverMetrics metrics) {
    this.validator = validator;
    this.splitter = splitter;
    this.sink = sink;
    this.clockMillis = clockMillis;
    this.metrics = metrics;
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
    export(request.bytes()).whenComplete((ok, failure) -> {
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
      return CompletableFuture.failedFuture(Outcomes.invalid(e.getMessage() + " (kafka.max-record-bytes)"));
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

  /** Counts a request refused before it reached {@link #export(byte[])} (e.g. an undecodable OTLP/JSON body). */
  public void refusedUnread() {
    metrics.refused(Signal.TRACES, 0);
  }
}
