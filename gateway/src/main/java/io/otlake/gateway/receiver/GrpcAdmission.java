package io.otlake.gateway.receiver;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Admission for OTLP/gRPC as a message arrives, not once it is whole. gRPC-java reads a requested message into its
 * own buffers as its DATA frames come in and hands it to the service only when it is complete, so a bound checked by
 * the service would let every open call buffer a whole message (up to {@code grpc.max-request-bytes}) first. This
 * stream tracer charges each call's message bytes to {@link Admission} as the transport reads them
 * ({@link #inboundWireSize}): a call is refused at its start when the bound is already full, and refused mid-message
 * once its bytes would pass the bound; either way RESOURCE_EXHAUSTED with RetryInfo, the rest of the message is
 * dropped unread, and its bytes are given back at once. A call that gets its whole message hands its {@link Charge}'s
 * permit to the export, which gives it back with the answer.
 *
 * <p>The {@link GrpcExportCall} of the call finds its charge in the call's {@link Context}, set by
 * {@link Charge#filterContext}.
 */
public final class GrpcAdmission extends ServerStreamTracer.Factory {
  static final Context.Key<Charge> CHARGE = Context.key("otlake-admission-charge");

  private final Intake intake;

  public GrpcAdmission(Intake intake) {
    this.intake = intake;
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    return new Charge(intake);
  }

  /** One call's share of the admission bound while its message arrives. */
  static final class Charge extends ServerStreamTracer {
    private final Intake intake;
    private ServerCall<?, ?> call; // guarded by this
    private Admission.Permit permit; // guarded by this
    private long read; // guarded by this
    private boolean refused; // guarded by this
    private boolean handedOver; // guarded by this

    Charge(Intake intake) {
      this.intake = intake;
    }

    @Override
    public Context filterContext(Context context) {
      return context.withValue(CHARGE, this);
    }

    /**
     * The call starts: false (and the call is answered) when the bound is already full, so that not a byte of its
     * message is read; otherwise its bytes are charged from here on.
     */
    synchronized boolean open(ServerCall<?, ?> started) {
      Admission admission = intake.admission();
      Admission.Permit p = admission.full() ? null : admission.tryAcquire(0);
      if (p == null) {
        refused = true;
        intake.refusedOverloaded("grpc", Intake.IN_FLIGHT_BYTES, 0);
        close(started, Outcomes.grpc(Outcomes.overloaded(admission)));
        return false;
      }
      call = started;
      permit = p;
      return true;
    }

    /** True once the call was refused for overload: its listener ignores what still arrives. */
    synchronized boolean refused() {
      return refused;
    }

    /**
     * The whole message has arrived: the permit, holding its wire bytes, now belongs to the export, which closes it
     * with the answer. Null when the call was refused or never opened.
     */
    synchronized Admission.Permit handOver() {
      if (refused || permit == null) {
        return null;
      }
      handedOver = true;
      return permit;
    }

    @Override
    public void inboundWireSize(long bytes) {
      StatusRuntimeException answer = null;
      ServerCall<?, ?> refusedCall = null;
      synchronized (this) {
        if (permit == null || refused) {
          return; // not opened (no admission here), or refused and the rest is dropped
        }
        if (permit.grow(bytes)) {
          read += bytes;
          return;
        }
        read += bytes;
        if (handedOver) {
          return; // a second message after the export took the permit: GrpcExportCall refuses it
        }
        refused = true;
        intake.refusedOverloaded("grpc", Intake.IN_FLIGHT_BYTES, read);
        permit.close();
        answer = Outcomes.grpc(Outcomes.overloaded(intake.admission()));
        refusedCall = call;
      }
      if (refusedCall != null) {
        close(refusedCall, answer);
      }
    }

    @Override
    public void streamClosed(Status status) {
      synchronized (this) {
        if (permit != null && !handedOver) {
          permit.close(); // refused, cancelled or failed before its message was whole
        }
      }
    }

    private static void close(ServerCall<?, ?> call, StatusRuntimeException answer) {
      try {
        call.close(answer.getStatus(), answer.getTrailers() == null ? new Metadata() : answer.getTrailers());
      } catch (IllegalStateException alreadyClosed) {
        // the client cancelled meanwhile
      }
    }
  }
}
