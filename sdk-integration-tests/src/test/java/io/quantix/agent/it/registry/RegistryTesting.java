package io.quantix.agent.it.registry;

import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.registry.StatusListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Helpers shared by the registry's integration tests. */
final class RegistryTesting {
  private RegistryTesting() {}

  /** The failure a future ended with. */
  static AgentException failure(CompletableFuture<?> f) {
    try {
      Object value = f.join();
      throw new AssertionError("expected a failure, got " + value);
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      return AgentException.from(e);
    }
  }

  /**
   * Leaves a socket file nobody listens on at {@code path}, as a stopped QEMU does: connecting
   * to it is refused.
   */
  static Path staleSocket(Path path) {
    try {
      Files.createDirectories(path.getParent());
      Files.deleteIfExists(path);
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        server.bind(UnixDomainSocketAddress.of(path));
      }
      return path;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A raw client that takes a single-client channel first (another process holding it). */
  static SocketChannel holdChannel(Path socket) {
    try {
      return SocketChannel.open(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Live threads the SDK owns (named quantix-agent-*). */
  static Set<String> sdkThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("quantix-agent-"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Open file descriptors of this process. */
  static long openFiles() {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Records every status transition, in delivery order. */
  static final class Transitions implements StatusListener {
    record Step(String vmId, AgentStatus previous, AgentStatus current, long nanos) {}

    final List<Step> steps = new CopyOnWriteArrayList<>();

    @Override
    public void onStatusChange(AgentStatus previous, AgentStatus current) {
      steps.add(new Step(current.vmId(), previous, current, System.nanoTime()));
    }

    /** The states {@code vmId} went through, starting with the state left first. */
    List<AgentState> states(String vmId) {
      List<AgentState> states = new ArrayList<>();
      for (Step s : steps) {
        if (!s.vmId().equals(vmId)) {
          continue;
        }
        if (states.isEmpty()) {
          states.add(s.previous().state());
        }
        states.add(s.current().state());
      }
      return states;
    }

    /** The states {@code vmId} went through after {@code fromStep}. */
    List<AgentState> statesSince(String vmId, int fromStep) {
      List<AgentState> states = new ArrayList<>();
      for (Step s : steps.subList(fromStep, steps.size())) {
        if (s.vmId().equals(vmId)) {
          states.add(s.current().state());
        }
      }
      return states;
    }

    /** Whether {@code expected} occurs in order (not necessarily adjacent) in {@code states}. */
    static boolean inOrder(List<AgentState> states, AgentState... expected) {
      int i = 0;
      for (AgentState s : states) {
        if (i < expected.length && s == expected[i]) {
          i++;
        }
      }
      return i == expected.length;
    }
  }
}
