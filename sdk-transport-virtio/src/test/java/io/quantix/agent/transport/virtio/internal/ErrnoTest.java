package io.quantix.agent.transport.virtio.internal;

import io.quantix.agent.transport.internal.UnixSockets;
import io.quantix.agent.transport.internal.Errno;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.unix.DomainSocketAddress;
import io.quantix.agent.ConnectFailure;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The errno behind real connect failures, as thrown by Netty's native sockets and by the JDK's NIO
 * sockets, and how a Unix-socket connect classifies it (even when the file vanished between the
 * pre-check and the connect, ENOENT from connect is NO_CHANNEL).
 */
class ErrnoTest {
  @TempDir Path dir;

  @BeforeAll
  static void loadNativeTransport() {
    Epoll.ensureAvailability();
  }

  private Throwable nativeConnect(Path path) throws IOException {
    LinuxSocket socket = LinuxSocket.newSocketDomain();
    try {
      return catchThrowable(() -> socket.connect(new DomainSocketAddress(path.toString())));
    } finally {
      socket.close();
    }
  }

  private static Throwable jdkConnect(Path path) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return catchThrowable(() -> channel.connect(UnixDomainSocketAddress.of(path)));
    }
  }

  private Path stale() throws IOException {
    Path path = dir.resolve("stale.sock");
    try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      s.bind(UnixDomainSocketAddress.of(path));
    }
    return path;
  }

  @Test
  void aMissingSocketIsEnoentAndNoChannel() throws IOException {
    Path missing = dir.resolve("missing.sock");
    for (Throwable t : new Throwable[] {nativeConnect(missing), jdkConnect(missing)}) {
      assertThat(Errno.of(t)).as(String.valueOf(t)).isEqualTo(Errno.ENOENT);
      assertThat(UnixSockets.classify(Errno.of(t))).isEqualTo(ConnectFailure.NO_CHANNEL);
    }
  }

  @Test
  void aStaleSocketIsEconnrefusedAndVmNotRunning() throws IOException {
    Path stale = stale();
    for (Throwable t : new Throwable[] {nativeConnect(stale), jdkConnect(stale)}) {
      assertThat(Errno.of(t)).as(String.valueOf(t)).isEqualTo(Errno.ECONNREFUSED);
      assertThat(UnixSockets.classify(Errno.of(t))).isEqualTo(ConnectFailure.VM_NOT_RUNNING);
    }
  }

  @Test
  void causesAreSearchedAndUnknownsAreZero() {
    assertThat(Errno.of(new RuntimeException("wrapped",
        new java.net.ConnectException("connect(..) failed with error(-111): whatever"))))
        .isEqualTo(Errno.ECONNREFUSED);
    assertThat(Errno.of(new IOException("something else"))).isZero();
    assertThat(Errno.of(null)).isZero();
    assertThat(Errno.name(Errno.EAGAIN)).isEqualTo("EAGAIN");
    assertThat(Errno.name(4242)).isEqualTo("errno 4242");
    assertThat(UnixSockets.classify(4242)).isNull();
  }
}
