package io.otlake.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks, before anything starts, that every port local mode will listen on is free: binds each once on the address
 * it will serve on and lets it go. A port taken (by a second {@code ./otlake local}, or anything else) is refused
 * in one line that names the flag which moves it.
 */
final class PortCheck {
  private PortCheck() {}

  /** One port local mode opens: the flag that sets it, the address it binds, the port (0: picked free, not checked). */
  record Wanted(String flag, String what, String host, int port) {}

  /** A port that is taken or asked for twice. */
  static final class BusyException extends RuntimeException {
    BusyException(String message) {
      super(message);
    }
  }

  static void check(List<Wanted> ports) {
    Map<Integer, Wanted> seen = new HashMap<>();
    for (Wanted w : ports) {
      if (w.port() == 0) {
        continue;
      }
      Wanted before = seen.putIfAbsent(w.port(), w);
      if (before != null) {
        throw new BusyException(before.flag() + " and " + w.flag() + " both ask for port " + w.port()
            + "; give one of them another port");
      }
    }
    for (Wanted w : ports) {
      if (w.port() != 0 && !free(w.host(), w.port())) {
        throw new BusyException("port " + w.port() + " (" + w.what() + ", " + w.flag() + ") is already in use on "
            + w.host() + " (another ./otlake local?); stop what holds it or pick another with " + w.flag() + " N");
      }
    }
  }

  static boolean free(String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(host, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
