package io.quantix.agent.testkit.internal;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.quantix.agent.transport.EventLoops;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads fake agents run on: one small Netty event-loop group (epoll, or NIO domain sockets
 * when epoll is unavailable) and one bounded worker executor for handlers, command execution and
 * file I/O. One per agent, or one shared by a whole fleet. Not API.
 *
 * <p>The event loops are the SDK's own ({@link EventLoops#create(int, String, boolean)}): they sleep
 * without a timeout while no timer is due, so an idle loop woken by a host's request does not arm
 * and cancel a kernel timer every time.
 */
public final class AgentRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentRuntime.class);
  /** Work waiting for a worker beyond this is refused (and that request gets no reply). */
  static final int WORKER_QUEUE_LIMIT = 10_000;

  /** The runtime whose worker runs the current thread's task, if any. */
  private static final ThreadLocal<AgentRuntime> WORKING_FOR = new ThreadLocal<>();

  private final EventLoopGroup group;
  private final ThreadPoolExecutor workers;
  private final boolean nativeTransport;

  private AgentRuntime(int eventLoopThreads, int workerThreads, boolean preferNative, String name) {
    nativeTransport = preferNative && Epoll.isAvailable();
    if (preferNative && !nativeTransport) {
      log.info("epoll unavailable ({}); fake agent uses NIO domain sockets", Epoll.unavailabilityCause().toString());
    }
    group = EventLoops.create(eventLoopThreads, name + "-io", nativeTransport).group();
    workers = new ThreadPoolExecutor(workerThreads, workerThreads, 2, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(WORKER_QUEUE_LIMIT), new DefaultThreadFactory(name + "-worker", true)) {
      @Override
      protected void beforeExecute(Thread thread, Runnable task) {
        WORKING_FOR.set(AgentRuntime.this);
      }

      @Override
      protected void afterExecute(Runnable task, Throwable failure) {
        WORKING_FOR.remove();
      }
    };
    workers.allowCoreThreadTimeOut(true);
  }

  /** A runtime with its own threads; close it when done. */
  public static AgentRuntime create(int eventLoopThreads, int workerThreads, boolean preferNative, String name) {
    if (eventLoopThreads < 1 || workerThreads < 1) {
      throw new IllegalArgumentException("need at least one thread of each kind");
    }
    return new AgentRuntime(eventLoopThreads, workerThreads, preferNative, name);
  }

  /** The event loops. */
  public EventLoopGroup group() {
    return group;
  }

  /** True on one of this runtime's own threads, which must never wait for the runtime to stop. */
  public boolean onOwnThread() {
    return WORKING_FOR.get() == this || inEventLoop();
  }

  /** True on one of this runtime's event-loop threads (where nothing may wait). */
  public boolean inEventLoop() {
    for (EventExecutor loop : group) {
      if (loop.inEventLoop()) {
        return true;
      }
    }
    return false;
  }

  /** The worker executor (bounded queue; rejects when full). */
  public ExecutorService workers() {
    return workers;
  }

  /** True when running on epoll, false on NIO. */
  public boolean nativeTransport() {
    return nativeTransport;
  }

  /** Makes listening Unix-domain server channels of the runtime's transport. */
  public ChannelFactory<ServerChannel> serverChannelFactory() {
    return nativeTransport ? EpollServerDomainSocketChannel::new : NioServerDomainSocketChannel::new;
  }

  /** The transport's address for a socket file. */
  public SocketAddress address(Path path) {
    return nativeTransport ? new DomainSocketAddress(path.toString()) : UnixDomainSocketAddress.of(path);
  }

  /**
   * Stops the threads and waits (a few seconds at most) for them to end; called from one of its own
   * threads (a handler closing its agent), it only starts the shutdown.
   */
  @Override
  public void close() {
    workers.shutdownNow();
    io.netty.util.concurrent.Future<?> stopped = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    if (onOwnThread()) {
      return;
    }
    stopped.awaitUninterruptibly(10, TimeUnit.SECONDS);
    try {
      if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("fake agent workers still busy after 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
