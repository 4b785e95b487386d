package io.quantix.agent.qemu.support;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** Blocking JDK Unix sockets for the tier's hand-written peers (naive client, raw qemu-ga). */
final class UnixSockets {
  private UnixSockets() {}

  /** A blocking connection to {@code socket}; nothing is left open when it fails. */
  static SocketChannel connect(Path socket) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return channel;
  }
}
