package io.quantix.agent.transport.virtio;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.transport.ConnectRequest;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.Transport;
import io.quantix.agent.transport.virtio.internal.ChannelLocks;
import io.quantix.agent.transport.internal.ConnectAttempt;
import io.quantix.agent.transport.internal.Errno;
import io.quantix.agent.transport.internal.UnixSockets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code unix} transport: a virtio-serial port reached through the Unix socket QEMU serves for
 * the VM's agent channel ({@code <channel type='unix'><source mode='bind' .../>}). QEMU serves one
 * client at a time; a second client is accepted by the kernel into the listen backlog and then
 * hears nothing until the first leaves.
 *
 * <p>Uses Netty's native epoll domain sockets when the event loops are epoll, the JDK's NIO domain
 * sockets otherwise. Failures are classified ({@link AgentException#connectFailure()}) and name the
 * endpoint:
 * <ul>
 *   <li>{@link ConnectFailure#NO_CHANNEL}: the socket file is missing or is not a socket (checked
 *       before connecting, and ENOENT/EACCES when connecting);</li>
 *   <li>{@link ConnectFailure#VM_NOT_RUNNING}: connection refused, the file is left over from a
 *       QEMU that is gone;</li>
 *   <li>{@link ConnectFailure#CHANNEL_BUSY}: the lock file is held (by another process or another
 *       connection of this one; the holder's pid is named), or QEMU's listen backlog is full;</li>
 *   <li>{@link ConnectFailure#HANDSHAKE_FAILED}: the peer does not run as
 *       {@link io.quantix.agent.transport.TransportOptions#expectedPeerUid() the expected uid};</li>
 *   <li>{@link ConnectFailure#TIMEOUT}: the deadline passed first.</li>
 * </ul>
 * With {@link io.quantix.agent.transport.TransportOptions#lockDirectory() a lock directory} the
 * transport takes an advisory lock per channel before connecting and holds it for the channel's
 * lifetime. A failed attempt leaves no channel, descriptor or lock behind. The request's pipeline
 * handler is added once the socket is connected and checked, before {@code channelActive}; the
 * future completes after {@code channelActive}.
 *
 * <pre>{@code
 * Transport unix = new VirtioSerialTransport();       // or Transports.load()
 * Channel ch = unix.connect(Endpoint.parse("unix:/var/run/quantix-kvm/vms/vm-42.agent.sock"),
 *     new ConnectRequest(loops, Deadline.after(Duration.ofSeconds(5)), initializer,
 *         TransportOptions.builder().lockDirectory(Path.of("/run/quantix-agent/locks")).build()))
 *     .join();
 * }</pre>
 */
public final class VirtioSerialTransport implements Transport {
  private static final Logger LOG = LoggerFactory.getLogger(VirtioSerialTransport.class);

  /** For {@link java.util.ServiceLoader}. */
  public VirtioSerialTransport() {}

  @Override
  public Set<String> schemes() {
    return Set.of("unix");
  }

  @Override
  public CompletableFuture<Channel> connect(Endpoint endpoint, ConnectRequest request) {
    if (!(endpoint instanceof Endpoint.Unix)) {
      return ConnectAttempt.wrongEndpoint("unix", endpoint);
    }
    Path path = ((Endpoint.Unix) endpoint).path();
    ConnectAttempt attempt = new ConnectAttempt(endpoint.uri());
    if (attempt.failIfExpired(request.deadline())
        || attempt.failIf(ConnectFailure.NO_CHANNEL, UnixSockets.checkSocketFile(path))) {
      return attempt.result();
    }
    if (request.options().lockDirectory().isPresent()) {
      Path directory = request.options().lockDirectory().get();
      try {
        ChannelLocks.Held held = ChannelLocks.acquire(directory, path);
        attempt.onCleanup(held::release);
      } catch (ChannelLocks.BusyException busy) {
        attempt.fail(ConnectFailure.CHANNEL_BUSY, "the channel is in use by "
            + (busy.sameProcess() ? "another connection of this process (pid "
                + busy.holderPid() + ")" : busy.holderPid() > 0 ? "process " + busy.holderPid()
                : "another process (pid unknown)")
            + "; lock file " + ChannelLocks.lockFile(directory, path), busy);
        return attempt.result();
      } catch (IOException | RuntimeException e) {
        attempt.failWith(AgentException.invalidArgument("cannot use lock directory " + directory
            + " for " + endpoint.uri() + ": " + e));
        return attempt.result();
      }
    }
    return attempt.launch(request, loop -> open(loop, path, request, attempt));
  }

  private static void open(EventLoop loop, Path path, ConnectRequest request,
      ConnectAttempt attempt) {
    if (attempt.isOverOrExpired()) {
      return;
    }
    boolean epoll = request.eventLoops().isEpoll();
    Channel channel;
    try {
      channel = UnixSockets.newChannel(epoll);
    } catch (RuntimeException e) {
      fail(attempt, e);
      return;
    }
    attempt.channel(channel);
    channel.config().setConnectTimeoutMillis(0); // the attempt's own timer owns the deadline
    loop.register(channel).addListener((ChannelFuture registered) -> {
      if (!registered.isSuccess()) {
        fail(attempt, registered.cause());
        return;
      }
      // The listener is on the promise before connect() starts, so it runs inside the connect
      // completion, before Netty fires channelActive: the pipeline is in place for that event.
      ChannelPromise connected = channel.newPromise();
      connected.addListener((ChannelFuture f) -> onConnected(f, request, attempt));
      channel.connect(UnixSockets.address(path, epoll), connected);
    });
  }

  private static void onConnected(ChannelFuture f, ConnectRequest request, ConnectAttempt attempt) {
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
    try {
      if (expectedUid.isPresent()) {
        String mismatch = UnixSockets.checkPeerUid(channel, expectedUid.getAsInt());
        if (mismatch != null) {
          attempt.fail(ConnectFailure.HANDSHAKE_FAILED, mismatch, null);
          return;
        }
      }
      channel.pipeline().addLast(request.pipeline());
    } catch (IOException | RuntimeException e) {
      attempt.fail(ConnectFailure.HANDSHAKE_FAILED, "cannot check or set up the connected socket: "
          + e, e);
      return;
    }
    // Complete after Netty's channelActive, which follows this listener in the same call.
    channel.eventLoop().execute(() -> attempt.succeed(channel));
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
