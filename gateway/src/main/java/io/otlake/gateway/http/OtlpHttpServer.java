package io.otlake.gateway.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.codec.http.cors.CorsHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.List;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.otlake.gateway.receiver.Intake;
import io.otlake.gateway.receiver.SignalReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The OTLP/HTTP server (HTTP/1.1 on Netty, epoll where available). Event loops parse HTTP, decide admission and move
 * bytes; the exports run on a fixed pool of work threads (twice the cores): decompressing and reading JSON are CPU work
 * that should not hold up the other connections of a loop. A connection has one request in work at a time, and at
 * most {@link Limits#maxQueuedRequests} wait for a work thread; past that a request is answered 429 on its event
 * loop. The header block is bounded by Netty's decoder defaults (request line 4 KiB, headers 8 KiB; past them 414 and
 * 431).
 */
public final class OtlpHttpServer implements AutoCloseable {
  /** Keep-alive connections without traffic for this long are closed (clients reconnect on their next export). */
  static final int IDLE_TIMEOUT_SECONDS = 120;

  /**
   * The server's bounds: {@code http.max-request-bytes}, {@code http.max-pipelined-requests},
   * {@code http.max-queued-requests}, {@code http.body-timeout}.
   */
  public record Limits(int maxRequestBytes, int maxPipelinedRequests, int maxQueuedRequests, long bodyTimeoutMillis) {
    public Limits(int maxRequestBytes, int maxPipelinedRequests, int maxQueuedRequests) {
      this(maxRequestBytes, maxPipelinedRequests, maxQueuedRequests, 30_000);
    }

    /** The configured defaults for pipelining, the work queue and the body timeout, with the given body bound. */
    public static Limits of(int maxRequestBytes) {
      return new Limits(maxRequestBytes, 8, 256);
    }
  }

  private final EventLoopGroup loops;
  private final ExecutorService work;
  private final Channel listener;
  private final AtomicInteger inFlight;

  private OtlpHttpServer(EventLoopGroup loops, ExecutorService work, Channel listener, AtomicInteger inFlight) {
    this.loops = loops;
    this.work = work;
    this.listener = listener;
    this.inFlight = inFlight;
  }

  /**
   * Binds and starts serving; throws UncheckedIOException when the address cannot be bound. {@code corsOrigins} lists the browser origins allowed to export (the OpenTelemetry
   * web SDK posts OTLP/JSON from pages), {@code *} for any; empty turns CORS off.
   */
  public static OtlpHttpServer start(String host, int port, int maxRequestBytes, List<String> corsOrigins,
      Intake intake, List<SignalReceiver> signals) {
    return start(host, port, Limits.of(maxRequestBytes), corsOrigins, intake, signals);
  }

  /**
   * {@link #start(String, int, int, List, Intake, List)} with all of the server's bounds given; each signal is served
   * at its unit's path.
   */
  public static OtlpHttpServer start(String host, int port, Limits limits, List<String> corsOrigins,
      Intake intake, List<SignalReceiver> signals) {
    OtlpHttpHandler.Routes routes = new OtlpHttpHandler.Routes(intake, signals);
    CorsConfig cors = corsOrigins.isEmpty() ? null
        : (corsOrigins.contains("*") ? CorsConfigBuilder.forAnyOrigin()
            : CorsConfigBuilder.forOrigins(corsOrigins.toArray(String[]::new)))
            .allowedRequestMethods(HttpMethod.POST)
            .allowedRequestHeaders("Content-Type", "Content-Encoding", "Authorization")
            .maxAge(7200)
            .shortCircuit() // a request from an origin not allowed is refused with 403
            .build();
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
        new DefaultThreadFactory("otlp-http-loop", true), io);
    int threads = 2 * Runtime.getRuntime().availableProcessors();
    ExecutorService work = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(limits.maxQueuedRequests()), daemonThreads("otlp-http-export"),
        new ThreadPoolExecutor.AbortPolicy());
    AtomicInteger inFlight = new AtomicInteger();
    Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    try {
      Channel listener = new ServerBootstrap()
          .group(loops)
          .channel(channel)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new HttpServerCodec());
              if (cors != null) {
                ch.pipeline().addLast(new CorsHandler(cors));
              }
              ch.pipeline()
                  .addLast(new IdleStateHandler(0, 0, IDLE_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                  .addLast(new OtlpHttpHandler(routes, work, limits, inFlight));
            }
          })
          .bind(new InetSocketAddress(host, port))
          .syncUninterruptibly()
          .channel();
      return new OtlpHttpServer(loops, work, listener, inFlight);
    } catch (Exception e) { // Netty rethrows a bind failure (an IOException) unchecked
      loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      work.shutdownNow();
      throw new UncheckedIOException("cannot listen for OTLP/HTTP on " + host + ":" + port,
          e instanceof IOException ioe ? ioe : new IOException(e));
    }
  }

  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Stops accepting connections, waits up to {@code grace} for exports in work to be answered, then stops. */
  public void close(Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    listener.close().syncUninterruptibly();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    work.shutdown();
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
