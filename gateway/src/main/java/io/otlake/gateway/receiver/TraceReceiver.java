package io.otlake.gateway.receiver;

import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.otlake.proto.OtlpRecord;
import io.otlake.proto.RecordTooLargeException;
import io.otlake.proto.Signal;
import io.otlake.proto.TraceSplitter;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * OTLP/gRPC {@code TraceService/Export}: validate, split into records keyed by trace id, hand to the sink, and answer
 * only once the sink has stored every record.
 */
public final class TraceReceiver extends TraceServiceGrpc.TraceServiceImplBase {
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

  @Override
  public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> response) {
    long receivedAt = clockMillis.getAsLong();
    String problem = validator.validate(request);
    if (problem != null) {
      metrics.refused(Signal.TRACES, spanCount(request));
      response.onError(Outcomes.invalid(problem));
      return;
    }
    List<OtlpRecord> records;
    try {
      records = splitter.split(request);
    } catch (RecordTooLargeException e) {
      metrics.refused(Signal.TRACES, spanCount(request));
      response.onError(Outcomes.invalid(e.getMessage()));
      return;
    }
    if (records.isEmpty()) {
      response.onNext(ExportTraceServiceResponse.getDefaultInstance());
      response.onCompleted();
      return;
    }
    int spans = records.stream().mapToInt(OtlpRecord::items).sum();
    sink.send(Signal.TRACES, records, receivedAt).whenComplete((ok, failure) -> {
      if (failure == null) {
        metrics.accepted(Signal.TRACES, spans);
        response.onNext(ExportTraceServiceResponse.getDefaultInstance());
        response.onCompleted();
      } else {
        metrics.failed(Signal.TRACES, spans);
        response.onError(Outcomes.fromSink(failure));
      }
    });
  }

  private static int spanCount(ExportTraceServiceRequest request) {
    int n = 0;
    for (var rs : request.getResourceSpansList()) {
      for (var ss : rs.getScopeSpansList()) {
        n += ss.getSpansCount();
      }
    }
    return n;
  }
}
