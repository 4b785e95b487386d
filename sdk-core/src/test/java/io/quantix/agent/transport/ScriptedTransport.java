package io.quantix.agent.transport;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/** A test transport for one scheme whose behaviour is a function; it records every call. */
final class ScriptedTransport implements Transport {
  /** One call: the endpoint, the time its deadline left, and the future handed back. */
  record Call(Endpoint endpoint, Duration share, CompletableFuture<Channel> future) {}

  private final String scheme;
  private final BiFunction<Endpoint, ConnectRequest, CompletableFuture<Channel>> behaviour;
  final List<Call> calls = new CopyOnWriteArrayList<>();

  ScriptedTransport(String scheme,
      BiFunction<Endpoint, ConnectRequest, CompletableFuture<Channel>> behaviour) {
    this.scheme = scheme;
    this.behaviour = behaviour;
  }

  @Override
  public Set<String> schemes() {
    return Set.of(scheme);
  }

  @Override
  public CompletableFuture<Channel> connect(Endpoint endpoint, ConnectRequest request) {
    Duration share = request.deadline().remaining();
    CompletableFuture<Channel> future = behaviour.apply(endpoint, request);
    calls.add(new Call(endpoint, share, future));
    return future;
  }
}
