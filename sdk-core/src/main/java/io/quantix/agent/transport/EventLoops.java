package io.quantix.agent.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.Executor;
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
    return create(threads, "quantix-agent-io", true);
  }

  /**
   * New loops with {@code threads} daemon threads named after {@code threadName}, epoll when
   * {@code preferEpoll} and available, else NIO; closed by {@link #close()}. Their threads sleep
   * without a timeout while no timer is due (Netty 4.2 would wake them every second).
   */
  public static EventLoops create(int threads, String threadName, boolean preferEpoll) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1: " + threads);
    }
    Objects.requireNonNull(threadName, "threadName");
    DefaultThreadFactory factory = new DefaultThreadFactory(threadName, true);
    boolean epoll = preferEpoll && Epoll.isAvailable();
    return new EventLoops(new UntimedEventLoopGroup(threads, factory,
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory()), epoll, true);
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

  /** Makes {@link UntimedEventLoop}s. */
  private static final class UntimedEventLoopGroup extends MultiThreadIoEventLoopGroup {
    UntimedEventLoopGroup(int threads, ThreadFactory threadFactory, IoHandlerFactory ioHandlerFactory) {
      super(threads, threadFactory, ioHandlerFactory);
    }

    @Override
    protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
      return new UntimedEventLoop(this, executor, ioHandlerFactory);
    }
  }

  /**
   * A Netty 4.2 event loop that blocks in epoll_wait/select with no timeout while no scheduled task
   * is pending, as Netty 4.1 did. Netty 4.2 otherwise wakes an idle loop at least once a second
   * ({@code SCHEDULE_PURGE_INTERVAL}): its epoll loop then calls {@code epoll_pwait2} with a 1 s
   * timeout on every sleep and its NIO loop {@code select(1000)}, so each wait arms and cancels a
   * kernel high-resolution timer. In a KVM guest that costs about 20 µs per request/reply round
   * trip (the timer reprogramming exits to the hypervisor, on the wake-up path), on the SDK's side
   * and the fake agent's alike. The SDK keeps its long timers (deadlines, keep-alive) off the loops
   * for the same reason. With a scheduled task pending (a
   * connect timeout, a reconnect backoff, a fake agent's telemetry tick) the loop waits for it as
   * before. Tasks scheduled from
   * another thread wake the loop through its wake-up fd, so nothing depends on the periodic wake.
   */
  static final class UntimedEventLoop extends SingleThreadIoEventLoop {
    UntimedEventLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory ioHandlerFactory) {
      super(parent, executor, ioHandlerFactory);
    }

    /** The next scheduled task's deadline, or -1 (the epoll loop's "none": wait untimed). */
    @Override
    protected long deadlineNanos() {
      return nextScheduledTaskDeadlineNanos();
    }

    /** The next scheduled task's delay, or {@code Long.MAX_VALUE} (the NIO loop's "none": select()). */
    @Override
    protected long delayNanos(long currentTimeNanos) {
      return nextScheduledTaskDeadlineNanos() == -1 ? Long.MAX_VALUE : super.delayNanos(currentTimeNanos);
    }
  }
}
