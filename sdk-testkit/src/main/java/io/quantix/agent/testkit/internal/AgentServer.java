package io.quantix.agent.testkit.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.quantix.agent.framing.FrameDecoder;
import io.quantix.agent.framing.FrameEncoder;
import io.quantix.agent.framing.FrameFormat;
import io.quantix.agent.proto.AgentMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The listening side of one fake agent: the Unix socket a host connects to, behaving like QEMU's
 * chardev in front of a virtio-serial port. In single-client mode the socket stops accepting while
 * a host is served, so a second connect completes in the kernel backlog and gets nothing until the
 * first host leaves. Frames the guest writes with no host connected go to the stale buffer and reach
 * the next host first. Thread-safe. Not API.
 */
public final class AgentServer {
  private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
  /** Within one read batch, flush anyway after this many replies (Netty's default). */
  static final int FLUSH_AFTER_FLUSHES = FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES;

  private final AgentSettings settings;
  private final Counters counters;
  private final GuestInfo guest;
  private final String label;
  private final ByteCounter byteCounter;
  private AgentRuntime runtime;
  private SessionContext context;
  private final List<Session> sessions = new ArrayList<>(1);
  private ArrayDeque<Channel> parked;
  private StaleBuffer stale;
  private ScheduledFuture<?> idleTelemetry;
  private Channel serverChannel;
  private long connections;
  private boolean closed;

  AgentServer(AgentSettings settings, Counters counters, GuestInfo guest, String label) {
    this.settings = settings;
    this.counters = counters;
    this.guest = guest;
    this.label = label;
    this.byteCounter = new ByteCounter(counters);
  }

  /**
   * Binds the socket on {@code runtime}'s threads, answering requests through {@code script} and
   * {@code router}; the future completes once it listens.
   */
  ChannelFuture bind(Path path, AgentRuntime runtime, Script script, RequestRouter router) {
    synchronized (this) {
      this.runtime = runtime;
      this.context = new SessionContext(settings, counters, guest, script, router, this, label);
      openPort();
    }
    ChannelFuture bound = new ServerBootstrap()
        .group(runtime.group())
        .channelFactory(runtime.serverChannelFactory())
        .option(ChannelOption.RECVBUF_ALLOCATOR, new ServerChannelRecvByteBufAllocator().maxMessagesPerRead(1))
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .handler(new AcceptGate())
        .childHandler(new ChildInit())
        .bind(runtime.address(path));
    synchronized (this) {
      // No idle telemetry before the first host: the real agent's AgentReady write blocks until a
      // host connects, and its telemetry loop starts only after it. Idle telemetry begins when a
      // host leaves.
      serverChannel = bound.channel();
    }
    return bound;
  }

  /**
   * What the guest port holds before the first host: the AgentReady the agent wrote when it opened
   * the port (in that mode), then the stale backlog. In port-open mode the agent runs from the
   * start, so its telemetry flows into the port while no host is connected.
   */
  private void openPort() {
    if (!staleEnabled()) {
      return;
    }
    int backlog = settings.staleBacklogBytes();
    if (backlog > 0) {
      stale = new StaleBuffer(Math.max(settings.staleBufferBytes(), backlog + (settings.agentReadyOnPortOpen()
          ? guest.agentReady().getSerializedSize() + 8 : 0)), settings.staleWholeFrames());
    }
    if (settings.agentReadyOnPortOpen()) {
      keep(guest.agentReady());
    }
    if (backlog > 0) {
      fillBacklog(backlog);
    }
    if (settings.agentReadyOnPortOpen()) {
      startIdleTelemetry();
    }
  }

  /** Old telemetry frames, whole ones then the last cut, adding up to exactly {@code bytes}. */
  private void fillBacklog(int bytes) {
    int left = bytes;
    while (left > 0) {
      for (AgentMessage report : guest.pastTelemetry(left / 200 + 2)) {
        ByteBuf frame = FrameEncoder.encode(report, ByteBufAllocator.DEFAULT, FrameFormat.MAGIC);
        int keep = Math.min(left, frame.readableBytes());
        stale.offer(frame.retainedSlice(frame.readerIndex(), keep));
        frame.release();
        left -= keep;
        if (left == 0) {
          return;
        }
      }
    }
  }

  /**
   * The agent opened its port again (restart, guest reset): each served host gets AgentReady; with
   * none connected, in port-open mode the AgentReady waits in the port for the next host.
   */
  void portReopened(boolean cutFrameFirst) {
    List<Session> targets;
    synchronized (this) {
      targets = liveSessions();
      if (targets.isEmpty()) {
        if (settings.agentReadyOnPortOpen()) {
          keep(guest.agentReady());
        }
        return;
      }
    }
    targets.forEach(session -> session.reset(cutFrameFirst));
  }

  /** Accepts one connection at a time in single-client mode. */
  @Sharable
  private final class AcceptGate extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object child) {
      if (settings.singleClient()) {
        ctx.channel().config().setAutoRead(false);
      }
      ctx.fireChannelRead(child);
    }
  }

  @Sharable
  private final class ChildInit extends ChannelInitializer<Channel> {
    @Override
    protected void initChannel(Channel child) {
      accepted(child);
    }
  }

  private void accepted(Channel child) {
    synchronized (this) {
      if (closed) {
        child.close();
        return;
      }
      if (settings.singleClient() && (!sessions.isEmpty() || (parked != null && !parked.isEmpty()))) {
        if (parked == null) {
          parked = new ArrayDeque<>(2);
        }
        parked.addLast(child);
        return;
      }
    }
    activate(child);
  }

  private void activate(Channel child) {
    if (!child.eventLoop().inEventLoop()) {
      child.eventLoop().execute(() -> activate(child));
      return;
    }
    if (!child.isActive()) {
      child.close();
      sessionClosed(null);
      return;
    }
    Session session;
    synchronized (this) {
      if (closed) {
        child.close();
        return;
      }
      session = new Session(context, child, ++connections);
      sessions.add(session);
      cancelIdleTelemetry();
    }
    counters.connectionsAccepted.incrementAndGet();
    child.pipeline().addLast(byteCounter);
    // Replies are written with writeAndFlush; this turns the flushes made while one read batch is
    // handled into one at channelReadComplete, and those made outside a read (timers, worker
    // completions, emitted events) into one at the end of the event loop's current task. It flushes
    // before a close, so bytes written before a close still go out first.
    child.pipeline().addLast(new FlushConsolidationHandler(FLUSH_AFTER_FLUSHES, true));
    int hybridPort = settings.hybridVsockPort();
    if (hybridPort > 0) {
      child.pipeline().addLast(new HybridVsockHandshake(hybridPort, session));
    }
    child.pipeline().addLast(new FrameDecoder(FrameFormat.MAGIC, false), session);
    if (hybridPort > 0) {
      session.awaitHandshake();
    } else {
      session.start(null);
    }
  }

  /** Called once a served connection has closed: serves the next host, if one waits. */
  void sessionClosed(Session session) {
    Channel next = null;
    synchronized (this) {
      sessions.remove(session);
      notifyAll();
      if (closed) {
        return;
      }
      if (settings.singleClient()) {
        next = parked == null ? null : parked.pollFirst();
        if (next == null && serverChannel != null) {
          serverChannel.config().setAutoRead(true);
        }
      }
      if (sessions.isEmpty() && next == null) {
        startIdleTelemetry();
      }
    }
    if (next != null) {
      activate(next);
    }
  }

  /** Host connections open now, served or waiting. */
  public synchronized int openConnections() {
    return sessions.size() + (parked == null ? 0 : parked.size());
  }

  /** Waits until at most {@code max} host connections are open; false on timeout. */
  public synchronized boolean awaitOpenConnections(int max, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (openConnections() > max) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /** Writes an unsolicited frame to every served host, or keeps it for the next one. */
  public void emit(AgentMessage message) {
    List<Session> targets;
    synchronized (this) {
      targets = liveSessions();
      if (targets.isEmpty()) {
        keep(message);
        return;
      }
    }
    targets.forEach(session -> session.send(message));
  }

  /** Writes raw bytes to every served host, or keeps them for the next one; releases them. */
  public void emitRaw(ByteBuf bytes) {
    List<Session> targets;
    synchronized (this) {
      targets = liveSessions();
      if (targets.isEmpty()) {
        if (staleEnabled()) {
          staleBuffer().offer(bytes);
        } else {
          bytes.release();
        }
        return;
      }
    }
    for (int i = 0; i < targets.size(); i++) {
      targets.get(i).sendRaw(i == targets.size() - 1 ? bytes : bytes.retainedDuplicate(), 0);
    }
  }

  /**
   * Sessions whose connection is still open. A closed connection stays in {@code sessions} until its
   * event loop runs channelInactive; writing to it meanwhile would lose what a port would keep.
   */
  private List<Session> liveSessions() {
    List<Session> live = new ArrayList<>(sessions.size());
    for (Session session : sessions) {
      if (session.channel().isActive()) {
        live.add(session);
      }
    }
    return live;
  }

  /** Replies whose connection closed: the guest still writes them to its port (single client). */
  void orphan(List<AgentMessage> replies) {
    if (settings.singleClient()) {
      replies.forEach(this::emit);
    }
  }

  /** Applies {@code action} to every served connection. */
  void forEachSession(java.util.function.Consumer<Session> action) {
    List<Session> targets;
    synchronized (this) {
      targets = List.copyOf(sessions);
    }
    targets.forEach(action);
  }

  /** Closes every host connection, as a VM that powers off would. */
  public void closeConnections() {
    List<Channel> channels = new ArrayList<>();
    synchronized (this) {
      sessions.forEach(session -> channels.add(session.channel()));
      if (parked != null) {
        channels.addAll(parked);
        parked.clear();
      }
      notifyAll();
    }
    channels.forEach(Channel::close);
  }

  synchronized ByteBuf drainStale(ByteBufAllocator alloc) {
    return stale == null ? null : stale.drain(alloc);
  }

  /** Bytes waiting for the next host. */
  public synchronized int staleBytes() {
    return stale == null ? 0 : stale.size();
  }

  /** Stops listening and closes every connection; waits unless called on an event loop. */
  void close() {
    List<Channel> channels = new ArrayList<>();
    Channel listener;
    synchronized (this) {
      closed = true;
      cancelIdleTelemetry();
      listener = serverChannel;
      sessions.forEach(session -> channels.add(session.channel()));
      if (parked != null) {
        channels.addAll(parked);
        parked = null;
      }
      stale = null;
    }
    if (listener != null) {
      channels.add(0, listener);
    }
    boolean mayWait = runtime != null && !runtime.onOwnThread();
    for (Channel channel : channels) {
      ChannelFuture closing = channel.close();
      if (mayWait) {
        closing.awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
    }
  }

  private boolean staleEnabled() {
    return settings.staleBufferBytes() > 0 && settings.hybridVsockPort() == 0;
  }

  private StaleBuffer staleBuffer() {
    if (stale == null) {
      stale = new StaleBuffer(settings.staleBufferBytes(), settings.staleWholeFrames());
    }
    return stale;
  }

  private void keep(AgentMessage message) {
    if (!closed && staleEnabled()) {
      staleBuffer().offer(FrameEncoder.encode(message, ByteBufAllocator.DEFAULT, FrameFormat.MAGIC));
    }
  }

  private void startIdleTelemetry() {
    Duration interval = settings.telemetryInterval();
    if (closed || idleTelemetry != null || interval.isZero() || !staleEnabled()
        || !settings.telemetryWhileDisconnected()) {
      return;
    }
    long nanos = interval.toNanos();
    idleTelemetry = runtime.group().next().scheduleAtFixedRate(
        () -> emit(guest.telemetry()), nanos, nanos, TimeUnit.NANOSECONDS);
  }

  private void cancelIdleTelemetry() {
    if (idleTelemetry != null) {
      idleTelemetry.cancel(false);
      idleTelemetry = null;
    }
  }
}
