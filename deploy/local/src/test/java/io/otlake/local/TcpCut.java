package io.otlake.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on 127.0.0.1 in front of one server, which a test can cut: {@link #cut} closes the listening socket and
 * every connection through it (both sides), so clients see their connections reset and new ones refused, as when a
 * network path or the server's host goes away; {@link #restore} listens again on the same port.
 */
final class TcpCut implements AutoCloseable {
  private final int port;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private ServerSocket listener;

  private TcpCut(int targetPort) {
    this.port = LocalInfra.freePort();
    this.targetPort = targetPort;
  }

  static TcpCut start(int targetPort) {
    TcpCut cut = new TcpCut(targetPort);
    cut.restore();
    return cut;
  }

  int port() {
    return port;
  }

  /** Listens again (a no-op while listening). */
  synchronized void restore() {
    if (listener != null) {
      return;
    }
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
      listener = s;
      Thread accept = new Thread(() -> accept(s), "tcp-cut-" + port);
      accept.setDaemon(true);
      accept.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + port + " again", e);
    }
  }

  /** Stops listening and closes every connection through the relay. */
  synchronized void cut() {
    if (listener != null) {
      closeQuietly(listener);
      listener = null;
    }
    open.forEach(TcpCut::closeQuietly);
    open.clear();
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      Socket client;
      try {
        client = s.accept();
      } catch (IOException closed) {
        return;
      }
      Socket server = new Socket();
      try {
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(server);
        continue;
      }
      synchronized (this) {
        if (listener != s) { // cut meanwhile
          closeQuietly(client);
          closeQuietly(server);
          return;
        }
        open.add(client);
        open.add(server);
      }
      pump(client, server);
      pump(server, client);
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed or was cut: close both
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
      }
    }, "tcp-cut-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    cut();
  }
}
