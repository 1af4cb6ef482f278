package io.otlake.gateway.http;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.otlake.gateway.receiver.Outcomes;
import io.otlake.gateway.receiver.Rejection;
import io.otlake.gateway.receiver.TraceReceiver;
import io.otlake.proto.json.OtlpJson;
import io.otlake.proto.wire.MalformedRequestException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection's OTLP/HTTP exchanges: {@code POST /v1/traces} with a binary protobuf ({@code application/x-protobuf})
 * or OTLP/JSON ({@code application/json}) body, optionally gzip- or deflate-compressed. The answer comes in the
 * request's encoding: an empty {@code ExportTraceServiceResponse} with 200 once Kafka acknowledged every span, or a
 * {@code google.rpc.Status} with 400 (bad data), 429 and Retry-After (overload) or 503 (Kafka unavailable), as the
 * OTLP specification's Failures and Throttling sections say.
 *
 * <p>The event loop only routes and copies the body out; decompression, JSON parsing, scanning and producing run on
 * the work executor, because a producer can block while Kafka's metadata is missing. A connection has one request in
 * work at a time; requests a client pipelines wait their turn, so answers keep HTTP/1.1's order.
 */
final class OtlpHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  static final String TRACES_PATH = "/v1/traces";
  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";
  private static final byte[] EMPTY_RESPONSE_JSON = OtlpJson.print(ExportTraceServiceResponse.getDefaultInstance());

  private final TraceReceiver traces;
  private final Executor work;
  private final int maxRequestBytes;
  private final AtomicInteger inFlight;
  private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
  private boolean busy;

  OtlpHttpHandler(TraceReceiver traces, Executor work, int maxRequestBytes, AtomicInteger inFlight) {
    super(false); // requests are released once handled, possibly after waiting their turn
    this.traces = traces;
    this.work = work;
    this.maxRequestBytes = maxRequestBytes;
    this.inFlight = inFlight;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (busy) {
      waiting.add(request);
    } else {
      handle(ctx, request);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    FullHttpRequest r;
    while ((r = waiting.poll()) != null) {
      r.release();
    }
    super.channelInactive(ctx);
  }

  /** A keep-alive connection idle for {@link OtlpHttpServer#IDLE_TIMEOUT_SECONDS} is closed; one in work is not. */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      if (!busy) {
        ctx.close();
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // a connection reset or a protocol error: the answer to a request still in work goes nowhere, and the client
    // treats the lost answer as any other transport failure (it retries)
    ctx.close();
  }

  /** On the event loop: route, check the headers, copy the body out, and hand the work over. */
  private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
    busy = true;
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    try {
      if (!request.decoderResult().isSuccess()) {
        respondText(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
        return;
      }
      String path = new QueryStringDecoder(request.uri()).path();
      if (!path.equals(TRACES_PATH)) {
        respondText(ctx, keepAlive, HttpResponseStatus.NOT_FOUND,
            "no OTLP endpoint at " + path + "; this gateway serves POST " + TRACES_PATH);
        return;
      }
      if (!request.method().equals(HttpMethod.POST)) {
        FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST");
        r.headers().set(HttpHeaderNames.ALLOW, "POST");
        respond(ctx, keepAlive, r);
        return;
      }
      boolean json;
      String type = mediaType(request.headers().get(HttpHeaderNames.CONTENT_TYPE));
      if (type.equals(PROTOBUF)) {
        json = false;
      } else if (type.equals(JSON)) {
        json = true;
      } else {
        respondText(ctx, keepAlive, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be " + PROTOBUF + " or " + JSON + ", got '" + type + "'");
        return;
      }
      Bodies.Coding coding = Bodies.coding(request.headers().get(HttpHeaderNames.CONTENT_ENCODING));
      if (coding == null) {
        respondText(ctx, keepAlive, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
            "Content-Encoding must be gzip, deflate or identity, got '"
                + request.headers().get(HttpHeaderNames.CONTENT_ENCODING) + "'");
        return;
      }
      byte[] body = ByteBufUtil.getBytes(request.content());
      inFlight.incrementAndGet();
      try {
        work.execute(() -> export(ctx, keepAlive, json, coding, body));
      } catch (RejectedExecutionException e) {
        inFlight.decrementAndGet();
        respondText(ctx, false, HttpResponseStatus.SERVICE_UNAVAILABLE, "the gateway is shutting down");
      }
    } finally {
      request.release();
    }
  }

  /** On the work executor: decode the body, export, answer. */
  private void export(ChannelHandlerContext ctx, boolean keepAlive, boolean json, Bodies.Coding coding, byte[] body) {
    byte[] proto;
    try {
      byte[] plain = Bodies.decode(body, coding, maxRequestBytes);
      proto = json ? OtlpJson.traceRequestToProto(plain) : plain;
    } catch (Bodies.TooLargeException e) {
      traces.refusedUnread();
      finish(ctx, keepAlive, error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, json,
          Outcomes.status(Outcomes.invalid(e.getMessage()))));
      return;
    } catch (MalformedRequestException | RuntimeException e) {
      // a RuntimeException here would be a decoder's bug on some odd input: still the body's fault, and answered
      traces.refusedUnread();
      Rejection r = Outcomes.invalid(e instanceof MalformedRequestException ? e.getMessage()
          : "could not read the body: " + e);
      finish(ctx, keepAlive, error(HttpResponseStatus.BAD_REQUEST, json, Outcomes.status(r)));
      return;
    }
    CompletableFuture<Void> exported;
    try {
      exported = traces.export(proto);
    } catch (RuntimeException e) {
      exported = CompletableFuture.failedFuture(e); // a bug, not the data's fault: answered as unavailable
    }
    exported.whenComplete((ok, failure) -> {
      if (failure == null) {
        finish(ctx, keepAlive, ok(json));
      } else {
        Rejection r = Outcomes.fromSink(failure);
        FullHttpResponse response =
            error(HttpResponseStatus.valueOf(Outcomes.httpStatus(r)), json, Outcomes.status(r));
        if (r.kind() == Rejection.Kind.OVERLOADED) {
          response.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(Outcomes.RETRY_AFTER_SECONDS));
        }
        finish(ctx, keepAlive, response);
      }
    });
  }

  private void finish(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
    ctx.executor().execute(() -> {
      inFlight.decrementAndGet();
      respond(ctx, keepAlive, response);
    });
  }

  private void respondText(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String message) {
    respond(ctx, keepAlive, text(status, message));
  }

  /** On the event loop: write the answer, then take the next waiting request, if any. */
  private void respond(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
    traces.answeredHttp(response.status().code());
    HttpUtil.setContentLength(response, response.content().readableBytes());
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      busy = false;
      return;
    }
    ctx.writeAndFlush(response);
    busy = false;
    FullHttpRequest next = waiting.poll();
    if (next != null) {
      handle(ctx, next);
    }
  }

  private static FullHttpResponse ok(boolean json) {
    byte[] body = json ? EMPTY_RESPONSE_JSON : new byte[0];
    return response(HttpResponseStatus.OK, json ? JSON : PROTOBUF, body);
  }

  static FullHttpResponse error(HttpResponseStatus status, boolean json, MessageLite rpcStatus) {
    byte[] body = json ? OtlpJson.print((com.google.protobuf.MessageOrBuilder) rpcStatus) : rpcStatus.toByteArray();
    return response(status, json ? JSON : PROTOBUF, body);
  }

  private static FullHttpResponse text(HttpResponseStatus status, String message) {
    return response(status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
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
