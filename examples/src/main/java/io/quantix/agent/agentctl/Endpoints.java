package io.quantix.agent.agentctl;

import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.TransportOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Endpoint arguments, VM ids derived from them, and registries sized for a command line. */
final class Endpoints {
  /** A socket's file name ends with this in the Quantix layout; the rest is the VM id. */
  static final String SOCKET_SUFFIX = ".agent.sock";
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");
  /** Time for one connect attempt, unless --timeout is shorter. */
  private static final Duration CONNECT_TIMEOUT = AgentRegistry.Builder.DEFAULT_CONNECT_TIMEOUT;
  /** Time from connect to AgentReady, unless --timeout is shorter. */
  private static final Duration READY_TIMEOUT = AgentRegistry.Builder.DEFAULT_READY_TIMEOUT;

  private Endpoints() {}

  /**
   * Parses an endpoint argument: a URI, or a path (made absolute) meaning {@code unix:}.
   *
   * @throws CliError a usage error naming the wrong part
   */
  static Endpoint parse(String text) {
    String t = text.strip();
    try {
      if (t.isEmpty()) {
        throw new IllegalArgumentException("empty");
      }
      if (!SCHEME.matcher(t).matches()) {
        return Endpoint.unix(Path.of(t).toAbsolutePath().normalize());
      }
      return Endpoint.parse(t);
    } catch (IllegalArgumentException e) {
      throw CliError.usage("bad endpoint '" + text + "': " + e.getMessage());
    }
  }

  /** Parses every argument, in order. */
  static List<Endpoint> parseAll(List<String> texts) {
    List<Endpoint> all = new ArrayList<>();
    for (String t : texts) {
      all.add(parse(t));
    }
    return all;
  }

  /** The VM id an endpoint stands for: the socket name without {@code .agent.sock}, or the URI. */
  static String vmId(Endpoint endpoint) {
    Path socket = null;
    if (endpoint instanceof Endpoint.Unix u) {
      socket = u.path();
    } else if (endpoint instanceof Endpoint.HybridVsock h) {
      socket = h.path();
    }
    if (socket != null && socket.getFileName() != null) {
      String name = socket.getFileName().toString();
      if (name.endsWith(SOCKET_SUFFIX) && name.length() > SOCKET_SUFFIX.length()) {
        return name.substring(0, name.length() - SOCKET_SUFFIX.length());
      }
      return name;
    }
    return endpoint.uri().replace('/', '_');
  }

  /**
   * A registry builder for a short-lived command: one I/O thread, and connect and ready timeouts
   * inside {@code timeout} (when given) so a failure is reported with its classification rather
   * than as a bare deadline; advisory channel locks in {@code lockDir} (when not null).
   */
  static AgentRegistry.Builder registry(Duration timeout) {
    return registry(timeout, null);
  }

  /** {@link #registry(Duration)} with advisory channel locks in {@code lockDir} (when not null). */
  static AgentRegistry.Builder registry(Duration timeout, Path lockDir) {
    AgentRegistry.Builder b = AgentRegistry.builder().ioThreads(1)
        .transportOptions(transportOptions(lockDir));
    if (timeout != null) {
      Duration share = timeout.multipliedBy(3).dividedBy(4);
      if (share.isZero()) {
        share = timeout;
      }
      b.connectTimeout(min(CONNECT_TIMEOUT, share)).readyTimeout(min(READY_TIMEOUT, share));
    }
    return b;
  }

  /** Transport options: advisory lock files in {@code lockDir} when given (--lock-dir). */
  static TransportOptions transportOptions(Path lockDir) {
    if (lockDir == null) {
      return TransportOptions.DEFAULT;
    }
    if (!java.nio.file.Files.isDirectory(lockDir)) {
      throw CliError.usage("--lock-dir " + lockDir + " is not a directory");
    }
    return TransportOptions.builder().lockDirectory(lockDir).build();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
