package io.quantix.agent.transport.vsock;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.epoll.VSockAddress;
import java.io.IOException;
import java.util.OptionalLong;

/**
 * What this machine's vsock can do, found without sending a packet: binding is local, and the
 * kernel lets a socket bind only to a CID it owns (EADDRNOTAVAIL otherwise).
 */
final class VsockProbe {
  private VsockProbe() {}

  /** Why AF_VSOCK sockets cannot be created here, or null when they can. */
  static String unavailableReason() {
    if (!Epoll.isAvailable()) {
      return "native epoll is not available: " + Epoll.unavailabilityCause();
    }
    try {
      LinuxSocket.newVSockStream().close();
      return null;
    } catch (RuntimeException | IOException e) {
      return "this kernel cannot create AF_VSOCK sockets: " + e;
    }
  }

  /** Whether the vsock loopback transport (CID 1) exists: a vsock peer can then run locally. */
  static boolean hasLoopback() {
    return canBind(VSockAddress.VMADDR_CID_LOCAL);
  }

  /** This machine's own guest CID (3 and up), by trying to bind to each in turn. */
  static OptionalLong ownCid() {
    try {
      LinuxSocket socket = LinuxSocket.newVSockStream();
      try {
        for (int cid = 3; cid <= 65_535; cid++) {
          try {
            socket.bindVSock(new VSockAddress(cid, VSockAddress.VMADDR_PORT_ANY));
            return OptionalLong.of(cid);
          } catch (IOException notOurs) {
            // EADDRNOTAVAIL: try the next one
          }
        }
        return OptionalLong.empty();
      } finally {
        socket.close();
      }
    } catch (RuntimeException | IOException e) {
      return OptionalLong.empty();
    }
  }

  private static boolean canBind(int cid) {
    try {
      LinuxSocket socket = LinuxSocket.newVSockStream();
      try {
        socket.bindVSock(new VSockAddress(cid, VSockAddress.VMADDR_PORT_ANY));
        return true;
      } finally {
        socket.close();
      }
    } catch (RuntimeException | IOException e) {
      return false;
    }
  }
}
