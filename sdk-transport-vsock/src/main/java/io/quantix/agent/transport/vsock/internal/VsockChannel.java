package io.quantix.agent.transport.vsock.internal;

import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollChannelConfig;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.epoll.Native;
import io.netty.channel.epoll.VSockAddress;
import java.net.SocketAddress;
import java.nio.channels.UnsupportedAddressTypeException;

/**
 * A Netty stream channel over an AF_VSOCK socket, on the native epoll transport. Netty has vsock
 * sockets ({@link LinuxSocket#newVSockStream()}, {@link VSockAddress}) but no vsock channel, and
 * {@code EpollSocketChannel} cannot carry one (its config sets TCP options, which fail on vsock).
 * This channel uses Netty's epoll stream machinery with a plain config, connects with
 * {@code connectVSock}, and reports vsock addresses.
 *
 * <p>A non-blocking vsock connect is finished only when epoll reports the socket writable (or in
 * error); only then is {@code SO_ERROR} read. {@link #hasPeer()} cross-checks with
 * {@code getpeername} that the socket really is connected.
 *
 * <pre>{@code
 * VsockChannel ch = new VsockChannel();                 // AF_VSOCK, unconnected
 * epollLoop.register(ch).sync();
 * ch.connect(new VSockAddress(cid, 9443)).sync();
 * }</pre>
 */
public final class VsockChannel extends AbstractEpollStreamChannel {
  private final EpollChannelConfig config = new PlainConfig(this);
  private final boolean vsock;
  private volatile VSockAddress remote;
  private volatile VSockAddress local;

  /**
   * An unconnected AF_VSOCK stream socket.
   *
   * @throws io.netty.channel.ChannelException when the kernel has no AF_VSOCK (EAFNOSUPPORT) or
   *     the process is out of descriptors
   */
  public VsockChannel() {
    super(LinuxSocket.newVSockStream(), false);
    this.vsock = true;
  }

  /**
   * Wraps an already connected stream socket descriptor; the channel owns it from now on. Any
   * stream family works (the tests run this channel over an AF_UNIX socket, as there is no vsock
   * loopback on the build machines); addresses are only reported for vsock channels created by
   * {@link #VsockChannel()}.
   */
  public VsockChannel(int connectedFd) {
    super(connectedFd);
    this.vsock = false;
  }

  @Override
  public EpollChannelConfig config() {
    return config;
  }

  @Override
  protected boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress)
      throws Exception {
    if (!(remoteAddress instanceof VSockAddress)
        || localAddress != null && !(localAddress instanceof VSockAddress)) {
      throw new UnsupportedAddressTypeException();
    }
    VSockAddress target = (VSockAddress) remoteAddress;
    boolean done = false;
    try {
      if (localAddress != null) {
        socket.bindVSock((VSockAddress) localAddress);
      }
      boolean connected = socket.connectVSock(target);
      remote = target;
      if (!connected) {
        // EINPROGRESS: finish when epoll reports the socket writable, never before.
        setFlag(Native.EPOLLOUT);
      }
      done = true;
      return connected;
    } finally {
      if (!done) {
        doClose();
      }
    }
  }

  @Override
  protected void doBind(SocketAddress localAddress) throws Exception {
    if (!(localAddress instanceof VSockAddress)) {
      throw new UnsupportedAddressTypeException();
    }
    socket.bindVSock((VSockAddress) localAddress);
    local = socket.localVSockAddress();
  }

  /** Whether the kernel reports a peer ({@code getpeername}): the connect has really completed. */
  public boolean hasPeer() {
    return vsock ? isOpen() && socket.remoteVSockAddress() != null : isActive();
  }

  @Override
  protected SocketAddress localAddress0() {
    VSockAddress cached = local;
    if (cached == null && vsock && isActive()) {
      cached = socket.localVSockAddress();
      local = cached;
    }
    return cached;
  }

  @Override
  protected SocketAddress remoteAddress0() {
    return isActive() ? remote : null;
  }

  /** Stream options only: no TCP options, which AF_VSOCK rejects. */
  private static final class PlainConfig extends EpollChannelConfig {
    PlainConfig(VsockChannel channel) {
      super(channel);
    }
  }
}
