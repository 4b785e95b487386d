package io.quantix.agent.transport.vsock;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.transport.ConnectRequest;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.Transport;
import io.quantix.agent.transport.internal.ConnectAttempt;
import io.quantix.agent.transport.internal.Errno;
import io.quantix.agent.transport.vsock.internal.HybridVsockHandshake;
import io.quantix.agent.transport.internal.UnixSockets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code hvsock} transport: Firecracker / Cloud Hypervisor hybrid vsock. The VMM exposes the
 * guest's vsock device as a Unix socket on the host; a client connects, sends
 * {@code CONNECT <port>\n} and reads {@code OK <n>\n}, after which the stream is connected to the
 * guest's listener on that port. Every stage runs under the request's deadline.
 *
 * <p>Failures are classified and name the endpoint:
 * <ul>
 *   <li>{@link ConnectFailure#NO_CHANNEL}: the socket file is missing or not a socket;</li>
 *   <li>{@link ConnectFailure#VM_NOT_RUNNING}: connection refused (the VMM is gone);</li>
 *   <li>{@link ConnectFailure#AGENT_NOT_READY}: the VMM closed the connection before answering:
 *       nothing listens on the guest port yet (retryable);</li>
 *   <li>{@link ConnectFailure#HANDSHAKE_FAILED}: any answer other than {@code OK <n>} (quoted), an
 *       over-long answer, or a peer that does not run as the
 *       {@link io.quantix.agent.transport.TransportOptions#expectedPeerUid() expected uid};</li>
 *   <li>{@link ConnectFailure#TIMEOUT}: the deadline passed first.</li>
 * </ul>
 * The lock-directory option does not apply: the VMM multiplexes any number of connections, each to
 * its own guest port. Bytes that follow the OK line, even in the same read, reach the request's
 * pipeline, which is installed (and sees {@code channelActive}) only after OK; the future completes
 * after OK. A failed attempt leaves no channel or descriptor behind.
 *
 * <pre>{@code
 * Channel ch = new HybridVsockTransport().connect(
 *     Endpoint.parse("hvsock:/var/lib/firecracker/vm-42/v.sock?port=9443"),
 *     new ConnectRequest(loops, Deadline.after(Duration.ofSeconds(3)), initializer,
 *         TransportOptions.DEFAULT)).join();
 * }</pre>
 */
public final class HybridVsockTransport implements Transport {
  private static final Logger LOG = LoggerFactory.getLogger(HybridVsockTransport.class);

  /** For {@link java.util.ServiceLoader}. */
  public HybridVsockTransport() {}

  @Override
  public Set<String> schemes() {
    return Set.of("hvsock");
  }

  @Override
  public CompletableFuture<Channel> connect(Endpoint endpoint, ConnectRequest request) {
    if (!(endpoint instanceof Endpoint.HybridVsock)) {
      return ConnectAttempt.wrongEndpoint("hvsock", endpoint);
    }
    Endpoint.HybridVsock hybrid = (Endpoint.HybridVsock) endpoint;
    ConnectAttempt attempt = new ConnectAttempt(endpoint.uri());
    if (attempt.failIfExpired(request.deadline())
        || attempt.failIf(ConnectFailure.NO_CHANNEL, UnixSockets.checkSocketFile(hybrid.path()))) {
      return attempt.result();
    }
    return attempt.launch(request, loop -> open(loop, hybrid, request, attempt));
  }

  private static void open(EventLoop loop, Endpoint.HybridVsock endpoint, ConnectRequest request,
      ConnectAttempt attempt) {
    if (attempt.isOverOrExpired()) {
      return;
    }
    boolean epoll = request.eventLoops().isEpoll();
    Path path = endpoint.path();
    Channel channel;
    try {
      channel = UnixSockets.newChannel(epoll);
    } catch (RuntimeException e) {
      fail(attempt, e);
      return;
    }
    attempt.channel(channel);
    channel.config().setConnectTimeoutMillis(0); // the attempt's own timer owns the deadline
    HybridVsockHandshake handshake =
        new HybridVsockHandshake(endpoint.port(), request.pipeline(), attempt);
    loop.register(channel).addListener((ChannelFuture registered) -> {
      if (!registered.isSuccess()) {
        fail(attempt, registered.cause());
        return;
      }
      channel.pipeline().addLast("quantix-hvsock-handshake", handshake);
      ChannelPromise connected = channel.newPromise();
      connected.addListener((ChannelFuture f) -> onConnected(f, handshake, request, attempt));
      channel.connect(UnixSockets.address(path, epoll), connected);
    });
  }

  private static void onConnected(ChannelFuture f, HybridVsockHandshake handshake,
      ConnectRequest request, ConnectAttempt attempt) {
    Channel channel = f.channel();
    if (!f.isSuccess()) {
      fail(attempt, f.cause());
      return;
    }
    if (attempt.isOverOrExpired()) {
      channel.close();
      return;
    }
    OptionalInt expectedUid = request.options().expectedPeerUid();
    if (expectedUid.isPresent()) {
      try {
        String mismatch = UnixSockets.checkPeerUid(channel, expectedUid.getAsInt());
        if (mismatch != null) {
          attempt.fail(ConnectFailure.HANDSHAKE_FAILED, mismatch, null);
          return;
        }
      } catch (IOException | RuntimeException e) {
        attempt.fail(ConnectFailure.HANDSHAKE_FAILED, "cannot read the peer's credentials: " + e, e);
        return;
      }
    }
    handshake.start();
  }

  private static void fail(ConnectAttempt attempt, Throwable cause) {
    int errno = Errno.of(cause);
    ConnectFailure failure = UnixSockets.classify(errno);
    if (failure != null) {
      attempt.fail(failure, UnixSockets.explain(errno), cause);
    } else {
      LOG.debug("unclassified connect failure for {}", attempt.endpoint(), cause);
      attempt.failWith(AgentException.of(AgentException.Code.UNAVAILABLE,
          "cannot connect to " + attempt.endpoint() + ": " + cause, cause));
    }
  }
}
