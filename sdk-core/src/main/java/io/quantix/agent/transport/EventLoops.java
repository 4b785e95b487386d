package io.quantix.agent.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The Netty event loops that drive every connection of an SDK instance: native epoll on Linux,
 * NIO elsewhere. A couple of threads serve thousands of sessions; never a thread per VM.
 *
 * <pre>{@code
 * try (EventLoops loops = EventLoops.create(2)) {
 *   ... // share with AgentRegistry.builder().eventLoops(loops)
 * }
 * }</pre>
 */
public final class EventLoops implements AutoCloseable {
  /** Default thread count: two, enough for thousands of mostly idle sessions. */
  public static final int DEFAULT_THREADS = 2;

  private final EventLoopGroup group;
  private final boolean epoll;
  private final boolean owned;

  private EventLoops(EventLoopGroup group, boolean epoll, boolean owned) {
    this.group = group;
    this.epoll = epoll;
    this.owned = owned;
  }

  /** New loops with {@code threads} threads, epoll when available; closed by {@link #close()}. */
  public static EventLoops create(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1: " + threads);
    }
    DefaultThreadFactory factory = new DefaultThreadFactory("quantix-agent-io", true);
    if (Epoll.isAvailable()) {
      return new EventLoops(
          new MultiThreadIoEventLoopGroup(threads, factory, EpollIoHandler.newFactory()), true, true);
    }
    return new EventLoops(
        new MultiThreadIoEventLoopGroup(threads, factory, NioIoHandler.newFactory()), false, true);
  }

  /** Wraps a caller's group (epoll or NIO); {@link #close()} leaves it running. */
  public static EventLoops wrap(EventLoopGroup group) {
    Objects.requireNonNull(group, "group");
    boolean epoll = group instanceof io.netty.channel.IoEventLoopGroup
        && ((io.netty.channel.IoEventLoopGroup) group).isIoType(EpollIoHandler.class);
    return new EventLoops(group, epoll, false);
  }

  /** The group. */
  public EventLoopGroup group() {
    return group;
  }

  /** Whether the loops run native epoll (so epoll channel classes must be used). */
  public boolean isEpoll() {
    return epoll;
  }

  /** Shuts owned loops down without a quiet period and waits briefly for their threads. */
  @Override
  public void close() {
    if (!owned) {
      return;
    }
    Future<?> done = group.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    done.awaitUninterruptibly(10, TimeUnit.SECONDS);
  }
}
