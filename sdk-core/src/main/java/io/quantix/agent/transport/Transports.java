package io.quantix.agent.transport;

import io.netty.channel.Channel;
import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.Deadline;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The transports available on the classpath, by scheme, and connection with auto-fallback over an
 * ordered endpoint list: the first endpoint that connects wins; each attempt gets its share of the
 * remaining deadline; a missing channel, an unsupported transport or a refused connection moves on
 * at once; a total failure carries every attempt's cause as suppressed exceptions. A transport that
 * overruns its share is cut off shortly after it (TIMEOUT), and cancelling the returned future
 * abandons the attempt in flight.
 *
 * <pre>{@code
 * Transports transports = Transports.load();
 * Connection c = transports.connect(List.of(Endpoint.parse("vsock://42:9443"),
 *     Endpoint.parse("unix:/var/run/quantix-kvm/vms/vm-42.agent.sock")), request).join();
 * }</pre>
 */
public final class Transports {
  /**
   * The endpoint a channel was opened for, set by {@link #connect} before the request's pipeline
   * handler is installed, so that handler can pick the endpoint's framing.
   */
  public static final io.netty.util.AttributeKey<Endpoint> ENDPOINT =
      io.netty.util.AttributeKey.valueOf(Transports.class, "endpoint");

  /** How long after an attempt's deadline a transport that has not finished is cut off. */
  private static final long GUARD_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private final Map<String, Transport> byScheme;

  private Transports(Map<String, Transport> byScheme) {
    this.byScheme = Collections.unmodifiableMap(byScheme);
  }

  /** Transports found by {@link ServiceLoader} with this class's class loader. */
  public static Transports load() {
    return load(Transports.class.getClassLoader());
  }

  /** Transports found by {@link ServiceLoader} with {@code loader}. */
  public static Transports load(ClassLoader loader) {
    List<Transport> found = new ArrayList<>();
    ServiceLoader.load(Transport.class, loader).forEach(found::add);
    return of(found);
  }

  /** Exactly the given transports; a later one wins a scheme claimed twice. */
  public static Transports of(List<? extends Transport> transports) {
    Map<String, Transport> map = new HashMap<>();
    for (Transport t : transports) {
      for (String scheme : t.schemes()) {
        map.put(scheme, t);
      }
    }
    return new Transports(map);
  }

  /** The schemes that can be opened. */
  public java.util.Set<String> schemes() {
    return byScheme.keySet();
  }

  /**
   * The transport for {@code endpoint}'s scheme.
   *
   * @throws AgentException NOT_SUPPORTED when no transport module for the scheme is on the classpath
   */
  public Transport transportFor(Endpoint endpoint) {
    Transport t = byScheme.get(endpoint.scheme());
    if (t == null) {
      String module = endpoint.scheme().equals("unix") ? "quantix-agent-transport-virtio"
          : "quantix-agent-transport-vsock";
      throw AgentException.connectFailed(ConnectFailure.NOT_SUPPORTED, endpoint.uri(),
          "no transport for scheme '" + endpoint.scheme() + "' on the classpath (add " + module + ")",
          null);
    }
    return t;
  }

  /** Connects to the first endpoint of {@code endpoints} that answers; never blocks. */
  public CompletableFuture<Connection> connect(List<? extends Endpoint> endpoints,
      ConnectRequest request) {
    Objects.requireNonNull(endpoints, "endpoints");
    Objects.requireNonNull(request, "request");
    if (endpoints.isEmpty()) {
      return CompletableFuture.failedFuture(
          AgentException.invalidArgument("no endpoints to connect to"));
    }
    CompletableFuture<Connection> result = new CompletableFuture<>();
    attempt(List.copyOf(endpoints), 0, request, new ArrayList<>(), result);
    return result;
  }

  private void attempt(List<? extends Endpoint> endpoints, int index, ConnectRequest request,
      List<Connection.Attempt> failures, CompletableFuture<Connection> result) {
    if (result.isDone()) {
      return;
    }
    Endpoint endpoint = endpoints.get(index);
    int left = endpoints.size() - index;
    if (request.deadline().isExpired()) {
      failures.add(new Connection.Attempt(endpoint, AgentException.connectFailed(
          ConnectFailure.TIMEOUT, endpoint.uri(), "deadline expired before this attempt", null)));
      result.completeExceptionally(total(failures));
      return;
    }
    Deadline attemptDeadline = request.deadline().share(left);
    CompletableFuture<Channel> attempt;
    try {
      ConnectRequest perAttempt = new ConnectRequest(request.eventLoops(), attemptDeadline,
          tagged(endpoint, request.pipeline()), request.options());
      attempt = transportFor(endpoint).connect(endpoint, perAttempt);
      if (attempt == null) {
        attempt = CompletableFuture.failedFuture(AgentException.of(AgentException.Code.UNAVAILABLE,
            "the transport for " + endpoint.uri() + " returned no future"));
      }
    } catch (RuntimeException e) {
      attempt = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Channel> current = attempt;
    // Cancelling (or otherwise completing) the whole connect abandons the attempt in flight.
    result.whenComplete((c, e) -> {
      if (e != null) {
        current.cancel(false);
      }
    });
    Future<?> guard = guard(request, attemptDeadline, endpoint, current);
    current.whenComplete((channel, error) -> {
      guard.cancel(false);
      try {
        if (error == null && channel != null) {
          if (!result.complete(new Connection(channel, endpoint, failures))) {
            channel.close();
          }
          return;
        }
        AgentException failure = error != null ? AgentException.from(error)
            : AgentException.of(AgentException.Code.UNAVAILABLE,
                "the transport for " + endpoint.uri() + " completed without a channel");
        failures.add(new Connection.Attempt(endpoint, failure));
        if (index + 1 < endpoints.size()) {
          attempt(endpoints, index + 1, request, failures, result);
        } else {
          result.completeExceptionally(total(failures));
        }
      } catch (RuntimeException | Error e) {
        if (channel != null) {
          channel.close();
        }
        result.completeExceptionally(e);
      }
    });
  }

  private static io.netty.channel.ChannelHandler tagged(Endpoint endpoint,
      io.netty.channel.ChannelHandler pipeline) {
    return new io.netty.channel.ChannelInitializer<io.netty.channel.Channel>() {
      @Override
      protected void initChannel(io.netty.channel.Channel ch) {
        ch.attr(ENDPOINT).set(endpoint);
        ch.pipeline().addLast(pipeline);
      }
    };
  }

  /**
   * A safety net for transports that overrun their share of the deadline: shortly after it, the
   * attempt is failed with TIMEOUT (which, per the SPI contract, makes the transport abandon it).
   */
  private static Future<?> guard(ConnectRequest request, Deadline attemptDeadline,
      Endpoint endpoint, CompletableFuture<Channel> attempt) {
    if (attempt.isDone()) {
      return CompletableFuture.completedFuture(null);
    }
    long delay = attemptDeadline.remaining(TimeUnit.NANOSECONDS) + GUARD_GRACE_NANOS;
    try {
      return request.eventLoops().group().schedule(() -> {
        attempt.completeExceptionally(AgentException.connectFailed(ConnectFailure.TIMEOUT,
            endpoint.uri(), "the transport did not finish within its share of the deadline", null));
      }, delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(null);
    }
  }

  private static AgentException total(List<Connection.Attempt> failures) {
    List<Connection.Attempt> all = new ArrayList<>(failures);
    if (all.size() == 1) {
      return all.get(0).failure();
    }
    // The most telling classification decides: a channel that exists beats one that does not.
    AgentException best = all.get(0).failure();
    StringBuilder message = new StringBuilder("no endpoint connected:");
    for (Connection.Attempt a : all) {
      message.append("\n  ").append(a.failure().getMessage());
      if (rank(a.failure()) > rank(best)) {
        best = a.failure();
      }
    }
    // An unclassified failure stays unclassified: it is not evidence of a missing channel.
    AgentException total = best.connectFailure() == null
        ? AgentException.of(best.code(), message.toString(), best)
        : AgentException.connectFailed(best.connectFailure(), best.endpoint().orElse("?"),
            message.toString(), best);
    for (Connection.Attempt a : all) {
      if (a.failure() != best) {
        total.addSuppressed(a.failure());
      }
    }
    return total;
  }

  private static int rank(AgentException e) {
    ConnectFailure f = e.connectFailure();
    if (f == null) {
      return 0;
    }
    switch (f) {
      case NOT_SUPPORTED:
        return 1;
      case NO_CHANNEL:
        return 2;
      case VM_NOT_RUNNING:
        return 3;
      default:
        return 4;
    }
  }
}
