package io.quantix.agent.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import java.io.FileNotFoundException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A deliberately small unix transport for core tests (the real one lives in a module that depends
 * on core): epoll domain sockets, ENOENT and ECONNREFUSED classified, nothing else.
 */
final class TinyUnixTransport implements Transport {
  @Override
  public Set<String> schemes() {
    return Set.of("unix");
  }

  @Override
  public CompletableFuture<Channel> connect(Endpoint endpoint, ConnectRequest request) {
    CompletableFuture<Channel> result = new CompletableFuture<>();
    ChannelFuture f = new Bootstrap().group(request.eventLoops().group())
        .channel(EpollDomainSocketChannel.class).handler(request.pipeline())
        .connect(new DomainSocketAddress(((Endpoint.Unix) endpoint).path().toString()));
    f.addListener((ChannelFuture done) -> {
      if (done.isSuccess()) {
        if (!result.complete(done.channel())) {
          done.channel().close();
        }
        return;
      }
      Throwable cause = done.cause();
      ConnectFailure failure = cause instanceof FileNotFoundException ? ConnectFailure.NO_CHANNEL
          : String.valueOf(cause.getMessage()).contains("refused") ? ConnectFailure.VM_NOT_RUNNING
          : null;
      result.completeExceptionally(failure == null
          ? AgentException.of(AgentException.Code.UNAVAILABLE, endpoint + ": " + cause, cause)
          : AgentException.connectFailed(failure, endpoint.uri(), cause.toString(), cause));
    });
    result.whenComplete((ch, e) -> {
      if (e != null) {
        f.channel().close();
      }
    });
    return result;
  }
}
