package io.otlake.gateway.receiver;

import com.google.protobuf.Message;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletableFuture;

/**
 * The server side of one unary OTLP/gRPC Export call: admitted as its message arrives ({@link GrpcAdmission}; a
 * server without that tracer admits the whole message once read), one request message, one answer. Used instead of
 * gRPC's own unary handler so that a call refused while its message arrives is answered once, by the refusal, and
 * what still arrives for it is ignored.
 */
final class GrpcExportCall implements ServerCallHandler<GrpcRequest, Message> {
  /** The export of an admitted request's bytes: completes with the response, or exceptionally with the refusal. */
  interface Export {
    CompletableFuture<Message> export(byte[] request);
  }

  private final Intake intake;
  private final Export export;
  private final Runnable refusedUnread;

  /** @param refusedUnread counts a request whose message could not be read (too large, corrupt) */
  GrpcExportCall(Intake intake, Export export, Runnable refusedUnread) {
    this.intake = intake;
    this.export = export;
    this.refusedUnread = refusedUnread;
  }

  @Override
  public ServerCall.Listener<GrpcRequest> startCall(ServerCall<GrpcRequest, Message> call, Metadata headers) {
    GrpcAdmission.Charge charge = GrpcAdmission.CHARGE.get();
    if (charge != null && !charge.open(call)) {
      return new ServerCall.Listener<>() {}; // answered already; the message is never asked for
    }
    call.request(2); // one is the request; a second is an error, noticed instead of waiting for a half-close
    return new ServerCall.Listener<>() {
      private GrpcRequest message;
      private boolean answered;

      private boolean done() {
        return answered || (charge != null && charge.refused());
      }

      @Override
      public void onMessage(GrpcRequest m) {
        if (done()) {
          return;
        }
        if (message != null) {
          answered = true;
          close(call, Status.INVALID_ARGUMENT.withDescription("an Export call takes one request message"));
          return;
        }
        message = m;
      }

      @Override
      public void onHalfClose() {
        if (done()) {
          return;
        }
        answered = true;
        if (message == null) {
          close(call, Status.INVALID_ARGUMENT.withDescription("an Export call takes one request message, got none"));
          return;
        }
        answer(call, message, charge == null ? null : charge.handOver());
      }

      @Override
      public void onCancel() {
        answered = true; // the charge's permit, if not handed over, goes back as the stream closes
      }
    };
  }

  private void answer(ServerCall<GrpcRequest, Message> call, GrpcRequest request, Admission.Permit charged) {
    if (request.refusal() != null) {
      if (charged != null) {
        charged.close();
      }
      refusedUnread.run();
      close(call, request.refusal());
      return;
    }
    byte[] bytes = request.bytes();
    Admission admission = intake.admission();
    Admission.Permit permit = charged;
    if (permit == null) {
      permit = admission.tryAcquire(bytes.length);
    } else if (!permit.grow(bytes.length - permit.bytes())) { // decompressed: larger than it came
      permit.close();
      permit = null;
    }
    if (permit == null) {
      intake.refusedOverloaded("grpc", Intake.IN_FLIGHT_BYTES, bytes.length);
      close(call, Outcomes.grpc(Outcomes.overloaded(admission)));
      return;
    }
    CompletableFuture<Message> exported;
    try {
      exported = export.export(bytes);
    } catch (RuntimeException e) {
      exported = CompletableFuture.failedFuture(e); // a bug, not the data's fault: answered, and the permit returned
    }
    Admission.Permit held = permit;
    exported.whenComplete((response, failure) -> {
      held.close();
      if (failure == null) {
        try {
          call.sendHeaders(new Metadata());
          call.sendMessage(response);
          call.close(Status.OK, new Metadata());
        } catch (IllegalStateException cancelled) {
          // the client went away while its records were being stored
        }
      } else {
        close(call, Outcomes.grpc(failure));
      }
    });
  }

  private static void close(ServerCall<?, ?> call, Status status) {
    close(call, status.asRuntimeException());
  }

  private static void close(ServerCall<?, ?> call, StatusRuntimeException answer) {
    try {
      call.close(answer.getStatus(), answer.getTrailers() == null ? new Metadata() : answer.getTrailers());
    } catch (IllegalStateException alreadyClosed) {
      // the client cancelled meanwhile
    }
  }
}
