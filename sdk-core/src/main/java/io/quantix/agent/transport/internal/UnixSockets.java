package io.quantix.agent.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.PeerCredentials;
import io.quantix.agent.ConnectFailure;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Unix-domain-socket plumbing shared by the transports that connect to a socket file: the
 * "is there a socket here" check, the channel and address types for epoll and NIO event loops, the
 * {@code SO_PEERCRED} check, and the classification of connect errors.
 *
 * <p>It lives in sdk-core, shared by the transport modules (which must not depend on each other);
 * only the transport tree uses it ({@code PackageOrderTest}).
 *
 * <pre>{@code
 * String problem = UnixSockets.checkSocketFile(path);     // null when it is a socket
 * Channel ch = UnixSockets.newChannel(loops.isEpoll());
 * ch.connect(UnixSockets.address(path, loops.isEpoll()), promise);
 * }</pre>
 */
public final class UnixSockets {
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;

  private UnixSockets() {}

  /**
   * Why {@code path} cannot be a listening Unix socket (missing, or a file of another type), or
   * null when it is a socket or when only connecting can tell (for example no permission to look).
   */
  public static String checkSocketFile(Path path) {
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode");
      if ((mode & S_IFMT) == S_IFSOCK) {
        return null;
      }
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      return path + " is " + kind(attributes) + ", not a socket";
    } catch (NoSuchFileException e) {
      return "socket file " + path + " does not exist";
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // No "unix" attribute view (not Linux/Unix): fall back to what the basic view can tell.
      if (!Files.exists(path)) {
        return "socket file " + path + " does not exist";
      }
      return Files.isDirectory(path) || Files.isRegularFile(path)
          ? path + " is not a socket" : null;
    } catch (IOException | SecurityException e) {
      return null;
    }
  }

  private static String kind(BasicFileAttributes attributes) {
    if (attributes.isDirectory()) {
      return "a directory";
    }
    if (attributes.isRegularFile()) {
      return "a regular file";
    }
    return "a special file";
  }

  /** A new, unregistered domain-socket channel for the event loops' I/O type. */
  public static Channel newChannel(boolean epoll) {
    return epoll ? new EpollDomainSocketChannel() : new NioDomainSocketChannel();
  }

  /** The remote address of {@code path} for a channel from {@link #newChannel(boolean)}. */
  public static SocketAddress address(Path path, boolean epoll) {
    return epoll ? new DomainSocketAddress(path.toString()) : UnixDomainSocketAddress.of(path);
  }

  /**
   * Checks the connected peer's uid with {@code SO_PEERCRED}.
   *
   * @return null when the peer runs as {@code expectedUid}, otherwise a message naming both uids
   * @throws IOException when the credentials cannot be read
   */
  public static String checkPeerUid(Channel channel, int expectedUid) throws IOException {
    if (channel instanceof EpollDomainSocketChannel) {
      PeerCredentials credentials = ((EpollDomainSocketChannel) channel).peerCredentials();
      return credentials.uid() == expectedUid ? null
          : "the socket's peer runs as uid " + credentials.uid() + " (pid " + credentials.pid()
              + "), expected uid " + expectedUid;
    }
    UnixDomainPrincipal principal =
        channel.config().getOption(NioChannelOption.of(ExtendedSocketOptions.SO_PEERCRED));
    if (principal == null) {
      throw new IOException("SO_PEERCRED is not available on " + channel);
    }
    // A numeric name that matches no account resolves to that uid, so this compares uids.
    UserPrincipal expected = FileSystems.getDefault().getUserPrincipalLookupService()
        .lookupPrincipalByName(Integer.toString(expectedUid));
    return principal.user().equals(expected) ? null
        : "the socket's peer runs as user '" + principal.user().getName() + "', expected uid "
            + expectedUid;
  }

  /**
   * The classification of a failure to connect to a Unix socket, or null when it is none of the
   * known kinds.
   */
  public static ConnectFailure classify(int errno) {
    switch (errno) {
      case Errno.ENOENT:
      case Errno.ENOTSOCK:
      case Errno.EACCES:
      case Errno.EPERM:
        return ConnectFailure.NO_CHANNEL;
      case Errno.ECONNREFUSED:
      case Errno.ECONNRESET:
        return ConnectFailure.VM_NOT_RUNNING;
      case Errno.EAGAIN:
        return ConnectFailure.CHANNEL_BUSY;
      case Errno.ETIMEDOUT:
        return ConnectFailure.TIMEOUT;
      default:
        return null;
    }
  }

  /** A sentence explaining {@code errno} for a Unix socket connect, for failure messages. */
  public static String explain(int errno) {
    switch (errno) {
      case Errno.ENOENT:
        return "the socket file does not exist (ENOENT)";
      case Errno.ENOTSOCK:
        return "the path is not a socket (ENOTSOCK)";
      case Errno.EACCES:
      case Errno.EPERM:
        return "permission denied (" + Errno.name(errno)
            + "): the channel exists but this process may not open it";
      case Errno.ECONNREFUSED:
        return "connection refused (ECONNREFUSED): nothing listens on the socket, the VM is not running";
      case Errno.ECONNRESET:
        return "connection reset while connecting (ECONNRESET)";
      case Errno.EAGAIN:
        return "the socket's listen backlog is full (EAGAIN): the single-client channel is busy";
      case Errno.ETIMEDOUT:
        return "connect timed out (ETIMEDOUT)";
      default:
        return "connect failed (" + Errno.name(errno) + ")";
    }
  }
}
