package io.otlake.gateway.http;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.otlake.gateway.receiver.Admission;
import io.otlake.gateway.receiver.Intake;
import io.otlake.gateway.receiver.Outcomes;
import io.otlake.gateway.receiver.Rejection;
import io.otlake.gateway.receiver.SignalReceiver;
import io.otlake.proto.json.OtlpJson;
import io.otlake.proto.wire.MalformedRequestException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection's OTLP/HTTP exchanges: {@code POST} to a signal's path ({@code /v1/traces}, {@code /v1/logs},
 * {@code /v1/metrics}: one per registered signal) with a binary protobuf ({@code application/x-protobuf})
 * or OTLP/JSON ({@code application/json}) body, optionally gzip- or deflate-compressed. The answer comes in the
 * request's encoding: the signal's export response with 200 once Kafka acknowledged every valid item (with
 * {@code partial_success} when some were rejected), or a
 * {@code google.rpc.Status} with 400 (bad data), 429 and Retry-After (overload) or 503 (Kafka unavailable), as the
 * OTLP specification's Failures and Throttling sections say; protocol errors (404, 405, 413, 414, 415, 431) carry a
 * {@code google.rpc.Status} too, JSON when the request's encoding is unknown.
 *
 * <p>On the event loop, from the request's head and before its body is kept: routing, the bound on requests pipelined
 * on this connection ({@code http.max-pipelined-requests}), the body size ({@code http.max-request-bytes}) and the
 * admission of its bytes (the gateway-wide {@link Admission}: Content-Length at once, a chunked body chunk by chunk).
 * A request refused there is answered in its turn with 429 and Retry-After and its body is dropped as it arrives, so
 * it costs no memory, no decompression and no parsing. An admitted body is copied into one array of its size.
 * Decompression (taking its output from the same admission), JSON parsing, scanning and producing run on the work
 * executor, whose bounded queue ({@code http.max-queued-requests}) refuses with 429 on the event loop too.
 *
 * <p>A connection has one request in work at a time; requests a client pipelines wait their turn, so answers keep
 * HTTP/1.1's order. With twice {@code http.max-pipelined-requests} waiting (refused ones included), the connection
 * stops reading until answers drain. A malformed request (bad request line, header block too large, bad chunking) is
 * answered in its turn, and then the connection is closed: the HTTP decoder cannot find the next request after it.
 */
final class OtlpHttpHandler extends ChannelInboundHandlerAdapter {
  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";
  /** The array a chunked body (no Content-Length) starts with; it doubles as chunks arrive. */
  private static final int CHUNKED_INITIAL_BYTES = 8192;
  /** How long a connection that got its last answer may go on sending before it is closed. */
  static final int LINGER_SECONDS = 5;

  private final Routes routes;
  private final Intake intake;
  private final Admission admission;
  private final ExecutorService work;
  private final int maxRequestBytes;
  private final int maxPipelined;
  private final AtomicInteger inFlight;
  private final long bodyTimeoutMillis;

  /** Requests received whole (or refused at their head), waiting their turn, in arrival order. */
  private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
  /** The admitted request whose body is arriving, or null. */
  private Exchange receiving;
  /** The body arriving belongs to a refused request: it is dropped. */
  private boolean discarding;
  /** A request is in work or being answered. */
  private boolean busy;
  /** Nothing more is read from this connection: it closes after the answers queued so far. */
  private boolean ending;
  private boolean closed;

  /** The signals' receivers by path, and what they share. */
  static final class Routes {
    final Intake intake;
    final Map<String, SignalReceiver> byPath = new LinkedHashMap<>();
    final String paths;

    Routes(Intake intake, List<SignalReceiver> signals) {
      this.intake = intake;
      for (SignalReceiver r : signals) {
        byPath.put(r.unit().httpPath(), r);
      }
      paths = String.join(", ", byPath.keySet());
    }
  }

  OtlpHttpHandler(Routes routes, ExecutorService work, OtlpHttpServer.Limits limits, AtomicInteger inFlight) {
    this.routes = routes;
    this.intake = routes.intake;
    this.admission = intake.admission();
    this.work = work;
    this.maxRequestBytes = limits.maxRequestBytes();
    this.maxPipelined = limits.maxPipelinedRequests();
    this.bodyTimeoutMillis = limits.bodyTimeoutMillis();
    this.inFlight = inFlight;
  }

  /** One request: what its answer depends on, its body, its admission permit; or the answer decided at its head. */
  private static final class Exchange {
    final boolean keepAlive;
    /** An HTTP/1.0 request asked to keep the connection: the answer says it is kept. */
    boolean http10;
    /** The body has no Content-Length: its bytes are admitted as they arrive. */
    boolean chunked;
    final boolean json;
    final Bodies.Coding coding;
    /** The signal the request is for (null for one answered at its head). */
    SignalReceiver receiver;
    Admission.Permit permit;
    /** Fires when the body did not arrive in time (http.body-timeout); cancelled once it did. */
    java.util.concurrent.ScheduledFuture<?> deadline;
    byte[] body;
    int length;
    FullHttpResponse answer;
    boolean closeAfter;

    Exchange(boolean keepAlive, boolean json, Bodies.Coding coding) {
      this.keepAlive = keepAlive;
      this.json = json;
      this.coding = coding;
    }

    void release() {
      if (deadline != null) {
        deadline.cancel(false);
        deadline = null;
      }
      if (permit != null) {
        permit.close();
      }
      if (answer != null) {
        answer.release();
        answer = null;
      }
      body = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (ending) {
        return; // after a malformed or oversized request: dropped until the connection closes
      }
      if (msg instanceof HttpRequest head) {
        onHead(ctx, head);
        if (ending) {
          return;
        }
      }
      if (msg instanceof HttpContent content) {
        onContent(ctx, content);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    closed = true;
    if (receiving != null) {
      receiving.release();
      receiving = null;
    }
    Exchange x;
    while ((x = waiting.poll()) != null) {
      x.release();
    }
    super.channelInactive(ctx);
  }

  /** A keep-alive connection idle for {@link OtlpHttpServer#IDLE_TIMEOUT_SECONDS} is closed; a busy one is not. */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      if (pending() == 0) {
        ctx.close();
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // a connection reset: the answer to a request still in work goes nowhere, and the client treats the lost answer
    // as any other transport failure (it retries)
    ctx.close();
  }

  /** Requests received or arriving and not yet answered. */
  private int pending() {
    return waiting.size() + (busy ? 1 : 0) + (receiving != null ? 1 : 0);
  }

  /** On the event loop: a request's head. Decides everything that can be decided before its body is kept. */
  private void onHead(ChannelHandlerContext ctx, HttpRequest head) {
    String type = mediaType(head.headers().get(HttpHeaderNames.CONTENT_TYPE));
    boolean answerJson = !type.equals(PROTOBUF); // the encoding of an error answer: JSON when unknown
    if (!head.decoderResult().isSuccess()) {
      malformed(ctx, head.decoderResult(), answerJson);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(head);
    // a refused request that expects 100-continue may not send its body: the connection closes after the answer
    boolean closeIfRefused = HttpUtil.is100ContinueExpected(head);
    if (pending() >= maxPipelined) {
      intake.refusedOverloaded("http", Intake.PIPELINED, Math.max(0, HttpUtil.getContentLength(head, 0L)));
      refuse(ctx, new Exchange(keepAlive && !closeIfRefused, answerJson, null), tooMany(answerJson), -1);
      return;
    }
    String path = new QueryStringDecoder(head.uri()).path();
    SignalReceiver receiver = routes.byPath.get(path);
    if (receiver == null) {
      refuse(ctx, new Exchange(keepAlive && !closeIfRefused, answerJson, null), protocolError(
          HttpResponseStatus.NOT_FOUND, answerJson,
          "no OTLP endpoint at " + path + "; this gateway serves POST " + routes.paths), -1);
      return;
    }
    if (!head.method().equals(HttpMethod.POST)) {
      FullHttpResponse r = protocolError(HttpResponseStatus.METHOD_NOT_ALLOWED, answerJson,
          "use POST for " + path + ", not " + head.method());
      r.headers().set(HttpHeaderNames.ALLOW, "POST");
      refuse(ctx, new Exchange(keepAlive && !closeIfRefused, answerJson, null), r, -1);
      return;
    }
    boolean json;
    if (type.equals(PROTOBUF)) {
      json = false;
    } else if (type.equals(JSON)) {
      json = true;
    } else {
      refuse(ctx, new Exchange(keepAlive && !closeIfRefused, true, null), protocolError(
          HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, true,
          "Content-Type must be " + PROTOBUF + " or " + JSON + ", got '" + type + "'"), -1);
      return;
    }
    Bodies.Coding coding = Bodies.coding(head.headers().get(HttpHeaderNames.CONTENT_ENCODING));
    if (coding == null) {
      refuse(ctx, new Exchange(keepAlive && !closeIfRefused, json, null), protocolError(
          HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, json, "Content-Encoding must be gzip, deflate or identity, got '"
              + head.headers().get(HttpHeaderNames.CONTENT_ENCODING) + "'"), -1);
      return;
    }
    long announced = HttpUtil.getContentLength(head, -1L);
    if (announced > maxRequestBytes) {
      tooLarge(ctx, json, receiver); // its body is not read: the connection ends after the answer
      return;
    }
    Admission.Permit permit = admission.tryAcquire(Math.max(0, announced));
    if (permit == null) {
      intake.refusedOverloaded("http", Intake.IN_FLIGHT_BYTES, Math.max(0, announced));
      refuse(ctx, new Exchange(keepAlive && !closeIfRefused, json, null), overloaded(json,
          Outcomes.overloaded(admission)), -1);
      return;
    }
    Exchange x = new Exchange(keepAlive, json, coding);
    x.receiver = receiver;
    x.http10 = keepAlive && !head.protocolVersion().isKeepAliveDefault();
    x.permit = permit;
    x.chunked = announced < 0;
    x.body = new byte[announced >= 0 ? (int) announced : CHUNKED_INITIAL_BYTES];
    receiving = x;
    x.deadline = ctx.executor().schedule(() -> bodyTimedOut(ctx, x), bodyTimeoutMillis, TimeUnit.MILLISECONDS);
    if (closeIfRefused && pending() == 1) {
      // admitted: ask for the body (only with nothing ahead of it, so that answers stay in order)
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
          Unpooled.EMPTY_BUFFER));
    }
  }

  /** On the event loop: a piece of a body. */
  private void onContent(ChannelHandlerContext ctx, HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (!content.decoderResult().isSuccess()) {
      boolean json = receiving == null || receiving.json;
      if (receiving != null) {
        receiving.release();
        receiving = null;
      }
      malformed(ctx, content.decoderResult(), json);
      return;
    }
    if (discarding) {
      discarding = !last;
      return;
    }
    Exchange x = receiving;
    if (x == null) {
      return; // the rest of a request another handler answered (a CORS refusal)
    }
    ByteBuf b = content.content();
    int n = b.readableBytes();
    if ((long) x.length + n > maxRequestBytes) {
      receiving = null;
      x.release();
      tooLarge(ctx, x.json, x.receiver);
      return;
    }
    if (x.chunked) {
      // no Content-Length: the body's bytes are admitted as they arrive
      if (!x.permit.grow(n)) {
        receiving = null;
        long had = x.length;
        x.release();
        intake.refusedOverloaded("http", Intake.IN_FLIGHT_BYTES, had + n);
        refuse(ctx, new Exchange(x.keepAlive, x.json, null), overloaded(x.json, Outcomes.overloaded(admission)),
            last ? 0 : -1);
        return;
      }
      if (x.length + n > x.body.length) {
        x.body = Arrays.copyOf(x.body,
            (int) Math.min(maxRequestBytes, Math.max(x.length + n, x.body.length * 2L)));
      }
    }
    b.getBytes(b.readerIndex(), x.body, x.length, n);
    x.length += n;
    if (last) {
      receiving = null;
      if (x.deadline != null) {
        x.deadline.cancel(false);
        x.deadline = null;
      }
      if (x.length < x.body.length) {
        x.body = Arrays.copyOf(x.body, x.length);
      }
      waiting.add(x);
      pauseIfFull(ctx);
      dispatch(ctx);
    }
  }

  /**
   * Queues an answer decided at a request's head, in its turn; its body, if any is still to come ({@code bodyLeft}
   * negative), is dropped as it arrives.
   */
  private void refuse(ChannelHandlerContext ctx, Exchange x, FullHttpResponse answer, int bodyLeft) {
    x.answer = answer;
    x.closeAfter = !x.keepAlive;
    discarding = bodyLeft != 0;
    waiting.add(x);
    pauseIfFull(ctx);
    dispatch(ctx);
  }

  /**
   * On the event loop: an admitted request's body did not arrive within http.body-timeout (a client trickling it
   * would hold its admitted bytes, and with a few connections every other client's admission): its bytes are given
   * back, it is answered 408 in turn, and the connection ends.
   */
  private void bodyTimedOut(ChannelHandlerContext ctx, Exchange x) {
    if (receiving != x || closed) {
      return;
    }
    receiving = null;
    x.deadline = null;
    x.release();
    Exchange answer = new Exchange(false, x.json, null);
    answer.answer = protocolError(HttpResponseStatus.REQUEST_TIMEOUT, x.json, "the request's body did not arrive"
        + " within " + bodyTimeoutMillis + " ms of its head (http.body-timeout)");
    end(ctx, answer);
  }

  /** The body is over http.max-request-bytes: answered 413 in turn, and the connection ends (its body is not read). */
  private void tooLarge(ChannelHandlerContext ctx, boolean json, SignalReceiver receiver) {
    intake.refusedUnread(receiver.unit().contract().signal());
    Exchange x = new Exchange(false, json, null);
    x.answer = error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, json, Outcomes.status(Outcomes.invalid(
        "the request is larger than " + maxRequestBytes + " bytes (http.max-request-bytes)")));
    end(ctx, x);
  }

  /** A request the HTTP decoder could not read: answered in turn, then the connection closes. */
  private void malformed(ChannelHandlerContext ctx, DecoderResult result, boolean json) {
    Throwable cause = result.cause();
    HttpResponseStatus status;
    String message;
    if (cause instanceof TooLongHttpHeaderException) {
      status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
      message = "the request's header block is too large: " + cause.getMessage();
    } else if (cause instanceof TooLongHttpLineException) {
      status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
      message = "the request line is too long: " + cause.getMessage();
    } else {
      status = HttpResponseStatus.BAD_REQUEST;
      message = "malformed HTTP request: " + (cause == null ? "unreadable" : cause.getMessage());
    }
    Exchange x = new Exchange(false, json, null);
    x.answer = protocolError(status, json, message);
    end(ctx, x);
  }

  private void end(ChannelHandlerContext ctx, Exchange x) {
    x.closeAfter = true;
    ending = true;
    discarding = false;
    waiting.add(x);
    dispatch(ctx);
  }

  /** With twice the pipelining bound waiting, stops reading from the socket until answers drain. */
  private void pauseIfFull(ChannelHandlerContext ctx) {
    if (pending() >= 2 * maxPipelined) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  /** On the event loop: starts the next waiting request when none is in work. */
  private void dispatch(ChannelHandlerContext ctx) {
    while (!busy && !closed) {
      Exchange x = waiting.poll();
      if (x == null) {
        return;
      }
      busy = true;
      if (x.answer != null) {
        FullHttpResponse answer = x.answer;
        x.answer = null;
        respond(ctx, x, answer);
        continue;
      }
      inFlight.incrementAndGet();
      try {
        work.execute(() -> export(ctx, x));
      } catch (RejectedExecutionException e) {
        inFlight.decrementAndGet();
        if (work.isShutdown()) {
          x.closeAfter = true;
          respond(ctx, x, protocolError(HttpResponseStatus.SERVICE_UNAVAILABLE, x.json,
              "the gateway is shutting down"));
        } else {
          intake.refusedOverloaded("http", Intake.WORK_QUEUE, x.length);
          respond(ctx, x, overloaded(x.json, Outcomes.overloaded("every OTLP/HTTP work thread is busy and the"
              + " queue of waiting requests is full (http.max-queued-requests); retry later")));
        }
      }
    }
  }

  /** On the work executor: decode the body, export, answer. */
  private void export(ChannelHandlerContext ctx, Exchange x) {
    byte[] proto;
    try {
      byte[] plain = Bodies.decode(x.body, x.coding, maxRequestBytes, x.permit::grow);
      x.body = null;
      proto = x.json ? x.receiver.unit().jsonToProto(plain) : plain;
    } catch (Bodies.TooLargeException e) {
      intake.refusedUnread(x.receiver.unit().contract().signal());
      finish(ctx, x, error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, x.json,
          Outcomes.status(Outcomes.invalid(e.getMessage()))));
      return;
    } catch (Bodies.OverloadedException e) {
      intake.refusedOverloaded("http", Intake.IN_FLIGHT_BYTES, x.length);
      finish(ctx, x, overloaded(x.json, Outcomes.overloaded(e.getMessage())));
      return;
    } catch (MalformedRequestException | RuntimeException e) {
      // a RuntimeException here would be a decoder's bug on some odd input: still the body's fault, and answered
      intake.refusedUnread(x.receiver.unit().contract().signal());
      Rejection r = Outcomes.invalid(e instanceof MalformedRequestException ? e.getMessage()
          : "could not read the body: " + e);
      finish(ctx, x, error(HttpResponseStatus.BAD_REQUEST, x.json, Outcomes.status(r)));
      return;
    }
    CompletableFuture<SignalReceiver.Accepted> exported;
    try {
      exported = x.receiver.export(proto);
    } catch (RuntimeException e) {
      exported = CompletableFuture.failedFuture(e); // a bug, not the data's fault: answered as unavailable
    }
    exported.whenComplete((accepted, failure) -> {
      if (failure == null) {
        finish(ctx, x, ok(x.json, x.receiver.unit().response(accepted.rejected(), accepted.message())));
      } else {
        Rejection r = Outcomes.fromSink(failure);
        FullHttpResponse response = r.kind() == Rejection.Kind.OVERLOADED ? overloaded(x.json, r)
            : error(HttpResponseStatus.valueOf(Outcomes.httpStatus(r)), x.json, Outcomes.status(r));
        finish(ctx, x, response);
      }
    });
  }

  private void finish(ChannelHandlerContext ctx, Exchange x, FullHttpResponse response) {
    ctx.executor().execute(() -> {
      inFlight.decrementAndGet();
      respond(ctx, x, response);
      dispatch(ctx);
    });
  }

  /** On the event loop: writes the answer and gives the request's bytes back. */
  private void respond(ChannelHandlerContext ctx, Exchange x, FullHttpResponse response) {
    intake.answeredHttp(response.status().code());
    x.release();
    busy = false;
    HttpUtil.setContentLength(response, response.content().readableBytes());
    if (closed) {
      response.release();
      return;
    }
    if (!x.keepAlive || x.closeAfter) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(f -> closeAfterAnswer(ctx));
      closed = true;
      ending = true;
      Exchange rest;
      while ((rest = waiting.poll()) != null) {
        rest.release(); // nothing after a closing answer can be answered on this connection
      }
      return;
    }
    if (x.http10) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    ctx.writeAndFlush(response);
    if (!ctx.channel().config().isAutoRead() && pending() < maxPipelined) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  /**
   * Ends the connection after its last answer: shuts the output down (the client reads the answer, then end of
   * stream) and closes once the client has closed its side or {@link #LINGER_SECONDS} passed. Closing at once while
   * the client is still sending (a body that will not be read) would reset the connection, and the client could lose
   * the answer.
   */
  private static void closeAfterAnswer(ChannelHandlerContext ctx) {
    if (ctx.channel() instanceof DuplexChannel duplex && duplex.isActive()) {
      ctx.channel().config().setAutoRead(true); // read and drop what the client still sends, to see its close
      duplex.shutdownOutput().addListener(f -> ctx.executor().schedule(() -> {
        ctx.close();
      }, LINGER_SECONDS, TimeUnit.SECONDS));
    } else {
      ctx.close();
    }
  }

  private FullHttpResponse tooMany(boolean json) {
    return overloaded(json, Outcomes.overloaded("more than " + maxPipelined + " requests pipelined on one"
        + " connection (http.max-pipelined-requests); retry later"));
  }

  /** 429 with Retry-After and a RESOURCE_EXHAUSTED status. */
  private static FullHttpResponse overloaded(boolean json, Rejection r) {
    FullHttpResponse response = error(HttpResponseStatus.valueOf(Outcomes.httpStatus(r)), json, Outcomes.status(r));
    response.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(Outcomes.RETRY_AFTER_SECONDS));
    return response;
  }

  private static FullHttpResponse ok(boolean json, com.google.protobuf.Message answer) {
    byte[] body = json ? OtlpJson.print(answer) : answer.toByteArray();
    return response(HttpResponseStatus.OK, json ? JSON : PROTOBUF, body);
  }

  private static FullHttpResponse protocolError(HttpResponseStatus status, boolean json, String message) {
    return error(status, json, Outcomes.protocolStatus(status.code(), message));
  }

  static FullHttpResponse error(HttpResponseStatus status, boolean json, MessageLite rpcStatus) {
    byte[] body = json ? OtlpJson.print((com.google.protobuf.MessageOrBuilder) rpcStatus) : rpcStatus.toByteArray();
    return response(status, json ? JSON : PROTOBUF, body);
  }

  private static FullHttpResponse response(HttpResponseStatus status, String type, byte[] body) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    return r;
  }

  /** The media type without parameters, lower-cased: {@code application/json; charset=utf-8} is {@code application/json}. */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
  }
}
