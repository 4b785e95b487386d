package io.quantix.agent.transport.vsock;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.VSockAddress;
import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.transport.ConnectRequest;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.Transport;
import io.quantix.agent.transport.internal.ConnectAttempt;
import io.quantix.agent.transport.internal.Errno;
import io.quantix.agent.transport.vsock.internal.VsockChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code vsock} transport: AF_VSOCK from the host to a guest's CID and port, on Netty's native
 * epoll transport (there is no AF_VSOCK in the JDK, so NIO event loops cannot carry it).
 *
 * <p>Failures are classified and name the endpoint:
 * <ul>
 *   <li>{@link ConnectFailure#NOT_SUPPORTED}: NIO event loops, a kernel without AF_VSOCK
 *       (EAFNOSUPPORT), or ENODEV on a machine without {@code /dev/vhost-vsock}: no vsock transport
 *       reaches the CID (for example this machine's own CID without the loopback transport);</li>
 *   <li>{@link ConnectFailure#VM_NOT_RUNNING}: ENODEV on a host with {@code /dev/vhost-vsock} (no
 *       running VM has the CID), EHOSTUNREACH, ENETUNREACH;</li>
 *   <li>{@link ConnectFailure#AGENT_NOT_READY}: ECONNRESET or ECONNREFUSED: the guest kernel
 *       answered, so the VM runs, but nothing listens on the port yet (the agent is starting or not
 *       installed). Retryable; preferred over VM_NOT_RUNNING because the VM demonstrably runs;</li>
 *   <li>{@link ConnectFailure#TIMEOUT}: the deadline passed, or the kernel gave up (ETIMEDOUT).</li>
 * </ul>
 * A failed attempt leaves no channel or descriptor behind. The request's pipeline handler is added
 * once the socket is connected, before {@code channelActive}; the future completes after it.
 *
 * <pre>{@code
 * Channel ch = new VsockTransport().connect(Endpoint.parse("vsock://42:9443"),
 *     new ConnectRequest(loops, Deadline.after(Duration.ofSeconds(3)), initializer,
 *         TransportOptions.DEFAULT)).join();
 * }</pre>
 */
public final class VsockTransport implements Transport {
  private static final Logger LOG = LoggerFactory.getLogger(VsockTransport.class);
  private static final Path VHOST_VSOCK = Path.of("/dev/vhost-vsock");

  /** For {@link java.util.ServiceLoader}. */
  public VsockTransport() {}

  @Override
  public Set<String> schemes() {
    return Set.of("vsock");
  }

  @Override
  public CompletableFuture<io.netty.channel.Channel> connect(Endpoint endpoint,
      ConnectRequest request) {
    if (!(endpoint instanceof Endpoint.Vsock)) {
      return ConnectAttempt.wrongEndpoint("vsock", endpoint);
    }
    Endpoint.Vsock vsock = (Endpoint.Vsock) endpoint;
    ConnectAttempt attempt = new ConnectAttempt(endpoint.uri());
    if (!request.eventLoops().isEpoll()) {
      attempt.fail(ConnectFailure.NOT_SUPPORTED, "AF_VSOCK needs Netty's native epoll transport"
          + " (Linux); these event loops run NIO", null);
      return attempt.result();
    }
    if (attempt.failIfExpired(request.deadline())) {
      return attempt.result();
    }
    return attempt.launch(request, loop -> open(loop, vsock, request, attempt));
  }

  private static void open(EventLoop loop, Endpoint.Vsock endpoint, ConnectRequest request,
      ConnectAttempt attempt) {
    if (attempt.isOverOrExpired()) {
      return;
    }
    VsockChannel channel;
    try {
      channel = new VsockChannel();
    } catch (RuntimeException e) {
      fail(attempt, endpoint, e);
      return;
    }
    attempt.channel(channel);
    channel.config().setConnectTimeoutMillis(0); // the attempt's own timer owns the deadline
    loop.register(channel).addListener((ChannelFuture registered) -> {
      if (!registered.isSuccess()) {
        fail(attempt, endpoint, registered.cause());
        return;
      }
      // On the promise before connect() starts: runs before Netty fires channelActive.
      ChannelPromise connected = channel.newPromise();
      connected.addListener((ChannelFuture f) -> onConnected(f, channel, endpoint, request, attempt));
      channel.connect(new VSockAddress((int) endpoint.cid(), endpoint.port()), connected);
    });
  }

  private static void onConnected(ChannelFuture f, VsockChannel channel, Endpoint.Vsock endpoint,
      ConnectRequest request, ConnectAttempt attempt) {
    if (!f.isSuccess()) {
      fail(attempt, endpoint, f.cause());
      return;
    }
    if (attempt.isOverOrExpired()) {
      channel.close();
      return;
    }
    if (!channel.hasPeer()) {
      attempt.fail(ConnectFailure.AGENT_NOT_READY, "the connect reported success but the socket"
          + " has no peer (getpeername failed)", null);
      return;
    }
    try {
      channel.pipeline().addLast(request.pipeline());
    } catch (RuntimeException e) {
      attempt.fail(ConnectFailure.HANDSHAKE_FAILED, "cannot set up the connected socket: " + e, e);
      return;
    }
    channel.eventLoop().execute(() -> attempt.succeed(channel));
  }

  private static void fail(ConnectAttempt attempt, Endpoint.Vsock endpoint, Throwable cause) {
    int errno = Errno.of(cause);
    String port = Integer.toUnsignedString(endpoint.port());
    switch (errno) {
      case Errno.EAFNOSUPPORT:
      case Errno.EPROTONOSUPPORT:
      case Errno.ESOCKTNOSUPPORT:
        attempt.fail(ConnectFailure.NOT_SUPPORTED, "this kernel has no AF_VSOCK ("
            + Errno.name(errno) + "): load the vsock modules", cause);
        return;
      case Errno.ENODEV:
        if (Files.exists(VHOST_VSOCK) && endpoint.cid() > 2) {
          attempt.fail(ConnectFailure.VM_NOT_RUNNING, "no running VM has CID " + endpoint.cid()
              + " (ENODEV from vhost-vsock)", cause);
        } else {
          attempt.fail(ConnectFailure.NOT_SUPPORTED, "no vsock transport reaches CID "
              + endpoint.cid() + " (ENODEV): this machine has no /dev/vhost-vsock to reach guests,"
              + " and no loopback transport for its own CID", cause);
        }
        return;
      case Errno.EHOSTUNREACH:
      case Errno.ENETUNREACH:
        attempt.fail(ConnectFailure.VM_NOT_RUNNING, "CID " + endpoint.cid() + " is unreachable ("
            + Errno.name(errno) + ")", cause);
        return;
      case Errno.ECONNRESET:
      case Errno.ECONNREFUSED:
        attempt.fail(ConnectFailure.AGENT_NOT_READY, "CID " + endpoint.cid() + " answered but"
            + " nothing listens on port " + port + " (" + Errno.name(errno)
            + "): the agent is not running yet", cause);
        return;
      case Errno.ETIMEDOUT:
        attempt.fail(ConnectFailure.TIMEOUT, "the kernel gave up connecting (ETIMEDOUT)", cause);
        return;
      default:
        LOG.debug("unclassified vsock connect failure for {}", attempt.endpoint(), cause);
        attempt.failWith(AgentException.of(AgentException.Code.UNAVAILABLE,
            "cannot connect to " + attempt.endpoint() + ": " + cause, cause));
    }
  }
}
