package io.quantix.agent.qga.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.Deadline;
import io.quantix.agent.qga.QgaInfo;
import io.quantix.agent.qga.QgaOptions;
import io.quantix.agent.qga.QgaState;
import io.quantix.agent.transport.ConnectRequest;
import io.quantix.agent.transport.Connection;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.EventLoops;
import io.quantix.agent.transport.Transports;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session with one qemu-ga channel. Everything here runs on one event loop, which also
 * serves the channel, so a reply never changes threads before its command is settled.
 *
 * <p>qemu-ga is strictly serial: one command is on the wire at a time, the rest wait in a bounded
 * queue. Every new connection, and every command abandoned on the wire (deadline or cancel),
 * forces {@code 0xFF guest-sync-delimited} with a fresh random id before the next command: the
 * decoder drops everything up to the 0xFF sentinel, and a sentinel line that is not our id sends
 * it back to dropping. The session counts the reply lines qemu-ga still owes, and
 * {@link #close()} waits for them (up to the drain time): a unix-listen qemu-ga 7.2 exits when a
 * client leaves with a reply unread.
 */
public final class QgaSession {
  private static final Logger log = LoggerFactory.getLogger(QgaSession.class);
  private static final byte[] RESYNC = {(byte) 0xFF};

  private final String label;
  private final Supplier<List<Endpoint>> endpoints;
  private final Transports transports;
  private final EventLoop loop;
  private final QgaOptions options;
  private final SessionState state = new SessionState();
  private final ArrayDeque<Command> queue = new ArrayDeque<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  private Channel channel;
  private ReplyDecoder decoder;
  private Command inFlight;
  private long syncId;
  private boolean needSync;
  /** Reply lines qemu-ga still owes on this connection (requests written, replies not read). */
  private int owed;
  private boolean closing;
  private java.util.concurrent.ScheduledFuture<?> syncTimer;

  /**
   * A session over the endpoints {@code endpoints} names at each connect (auto-fallback; a
   * resolver may find a channel that moved), driven by one loop of {@code loops}.
   */
  public QgaSession(String label, Supplier<List<Endpoint>> endpoints, Transports transports,
      EventLoops loops, QgaOptions options) {
    this.label = label;
    this.endpoints = endpoints;
    this.transports = transports;
    this.loop = loops.group().next();
    this.options = options;
  }

  /** Whether the caller runs on this session's event loop (and so must never block). */
  public boolean inEventLoop() {
    return loop.inEventLoop();
  }

  /** Cached status and guest-info; no I/O. */
  public SessionState state() {
    return state;
  }

  /** The label (VM id or endpoint) used in messages. */
  public String label() {
    return label;
  }

  /**
   * Queues a command; the future completes on the event loop with its reply line, or fails typed.
   */
  CompletableFuture<byte[]> submit(Command command) {
    try {
      loop.execute(() -> enqueue(command));
    } catch (RejectedExecutionException e) {
      command.reply.completeExceptionally(AgentException.of(AgentException.Code.UNAVAILABLE,
          label + ": the qemu-ga client is closed"));
    }
    return command.reply;
  }

  /** Schedules {@code task} on this session's loop; a stopped loop runs nothing. */
  java.util.concurrent.ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    try {
      return loop.schedule(task, delay, unit);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /** Abandons a command (its caller cancelled it): dequeued, or forces a resync if on the wire. */
  void abandon(Command command) {
    try {
      loop.execute(() -> expire(command, AgentException.of(AgentException.Code.CANCELLED,
          command.name + " cancelled")));
    } catch (RejectedExecutionException ignored) {
      // The loop is gone, so is the channel: nothing is left to abandon.
    }
  }

  private void enqueue(Command c) {
    if (closing) {
      c.reply.completeExceptionally(AgentException.of(AgentException.Code.UNAVAILABLE,
          label + ": the qemu-ga client is closed"));
      return;
    }
    if (c.deadline.isExpired()) {
      c.reply.completeExceptionally(AgentException.of(AgentException.Code.DEADLINE_EXCEEDED,
          c.name + ": deadline expired before it was sent"));
      return;
    }
    if (queue.size() >= options.maxQueued()) {
      c.reply.completeExceptionally(AgentException.of(AgentException.Code.RESOURCE_EXHAUSTED,
          c.name + ": " + queue.size() + " qemu-ga calls already wait on " + label
              + " (maxQueued); qemu-ga runs one command at a time"));
      return;
    }
    c.timer = loop.schedule(() -> expire(c, AgentException.of(
        AgentException.Code.DEADLINE_EXCEEDED, c.name + ": deadline exceeded"
            + (c.written ? " (qemu-ga may still run it; the session resyncs)" : " while queued"))),
        c.deadline.remaining(TimeUnit.NANOSECONDS), TimeUnit.NANOSECONDS);
    queue.addLast(c);
    pump();
  }

  private void expire(Command c, AgentException failure) {
    if (c.reply.isDone()) {
      return;
    }
    c.cancelTimer();
    if (queue.remove(c)) {
      c.reply.completeExceptionally(failure.withMayHaveRun(false));
      return;
    }
    if (c == inFlight) {
      inFlight = null;
      c.reply.completeExceptionally(failure.withMayHaveRun(true));
      // Its reply will still come: resync now, so the late reply is dropped with the stale bytes.
      if (channel != null && state.state() == QgaState.READY) {
        startSync();
      } else {
        needSync = true;
      }
    }
  }

  private void pump() {
    if (closing || queue.isEmpty()) {
      return;
    }
    QgaState s = state.state();
    if (channel == null && s != QgaState.CONNECTING) {
      connect();
      return;
    }
    if (s == QgaState.NOT_RESPONDING && channel != null) {
      startSync();
      return;
    }
    if (s != QgaState.READY || inFlight != null) {
      return;
    }
    if (needSync) {
      startSync();
      return;
    }
    Command c = queue.pollFirst();
    inFlight = c;
    c.written = true;
    owed++;
    channel.writeAndFlush(Unpooled.wrappedBuffer(c.request));
  }

  private void connect() {
    List<Endpoint> targets;
    try {
      targets = List.copyOf(endpoints.get());
    } catch (RuntimeException e) {
      targets = List.of();
    }
    if (targets.isEmpty()) {
      AgentException none = AgentException.connectFailed(ConnectFailure.NO_CHANNEL, label,
          "no qemu-ga channel (org.qemu.guest_agent.0) found for " + label, null);
      state.failed(none);
      failQueued(none);
      return;
    }
    state.set(QgaState.CONNECTING, "connecting to " + targets.get(0).uri(), null);
    ChannelInitializer<Channel> pipeline = new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new ReplyDecoder(options.maxReplyBytes()), new Handler());
      }
    };
    ConnectRequest request = new ConnectRequest(EventLoops.wrap(loop),
        Deadline.after(options.connectTimeout()), pipeline, options.transportOptions());
    CompletableFuture<Connection> connecting;
    try {
      connecting = transports.connect(targets, request);
    } catch (RuntimeException e) {
      connecting = CompletableFuture.failedFuture(e);
    }
    connecting.whenComplete((c, e) -> {
      try {
        loop.execute(() -> connected(c, e));
      } catch (RejectedExecutionException rejected) {
        if (c != null) {
          c.channel().close();
        }
      }
    });
  }

  private void connected(Connection c, Throwable error) {
    if (error != null) {
      AgentException failure = AgentException.from(error);
      state.failed(failure);
      log.debug("{}: qemu-ga connect failed: {}", label, failure.getMessage());
      failQueued(failure);
      if (closing) {
        closed.complete(null);
      }
      return;
    }
    channel = c.channel();
    decoder = channel.pipeline().get(ReplyDecoder.class);
    if (closing) {
      channel.close();
      return;
    }
    if (!channel.isActive()) {
      onInactive(); // closed before this loop saw the connection: its inactive event was ignored
      return;
    }
    owed = 0;
    startSync();
  }

  private void startSync() {
    needSync = false;
    syncId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    decoder.discardUntilSentinel();
    owed += 2; // the 0xFF costs one GenericError line, then the sync reply
    state.set(QgaState.SYNCING, "syncing with qemu-ga on " + label, null);
    byte[] sync = Json.request("guest-sync-delimited", Json.object().put("id", syncId));
    channel.write(Unpooled.wrappedBuffer(RESYNC));
    channel.writeAndFlush(Unpooled.wrappedBuffer(sync));
    if (syncTimer != null) {
      syncTimer.cancel(false);
    }
    long id = syncId;
    syncTimer = loop.schedule(() -> syncTimedOut(id), options.syncTimeout().toNanos(),
        TimeUnit.NANOSECONDS);
  }

  private void syncTimedOut(long id) {
    if (id != syncId || state.state() != QgaState.SYNCING) {
      return;
    }
    AgentException silent = AgentException.connectFailed(ConnectFailure.AGENT_SILENT,
        label, "qemu-ga did not answer guest-sync-delimited within "
            + options.syncTimeout().toMillis() + " ms: not installed or not running in the guest,"
            + " or busy with an earlier client's command", null);
    state.set(QgaState.NOT_RESPONDING, silent.getMessage(), ConnectFailure.AGENT_SILENT);
    failQueued(silent);
    if (closing) {
      closeNow();
    }
  }

  private void onLine(byte[] line) {
    QgaState s = state.state();
    if (s == QgaState.SYNCING || s == QgaState.NOT_RESPONDING) {
      if (Json.isSyncReply(line, syncId)) {
        owed = 0; // qemu-ga is serial: every earlier reply came before this one
        if (syncTimer != null) {
          syncTimer.cancel(false);
        }
        state.set(QgaState.READY, "qemu-ga answers on " + label, null);
        if (closing) {
          closeNow();
          return;
        }
        if (options.fetchInfoOnConnect() && state.info() == null) {
          fetchInfo();
        }
        pump();
      } else {
        decoder.discardUntilSentinel(); // a stale sync reply or a stray line: scan on
      }
      return;
    }
    owed = Math.max(0, owed - 1);
    Command c = inFlight;
    if (c == null) {
      log.debug("{}: dropped an unsolicited qemu-ga line ({} bytes)", label, line.length);
    } else {
      inFlight = null;
      c.cancelTimer();
      c.reply.complete(line);
    }
    if (closing) {
      if (owed == 0) {
        closeNow();
      }
      return;
    }
    pump();
  }

  private void fetchInfo() {
    byte[] request = Json.request("guest-info", null);
    Command info = new Command("guest-info", request,
        Deadline.after(options.syncTimeout()), false);
    info.timer = loop.schedule(() -> expire(info, AgentException.of(
        AgentException.Code.DEADLINE_EXCEEDED, "guest-info: deadline exceeded")),
        options.syncTimeout().toNanos(), TimeUnit.NANOSECONDS);
    info.reply.thenAccept(line -> {
      try {
        state.info(Parsers.info(Json.returnValue("guest-info", line)));
      } catch (RuntimeException e) {
        log.debug("{}: guest-info on connect failed: {}", label, e.getMessage());
      }
    });
    queue.addFirst(info);
  }

  private void onTooLong() {
    owed = Math.max(0, owed - 1);
    Command c = inFlight;
    if (c != null) {
      inFlight = null;
      c.cancelTimer();
      c.reply.completeExceptionally(AgentException.of(AgentException.Code.RESOURCE_EXHAUSTED,
          c.name + ": qemu-ga's reply is longer than maxReplyBytes ("
              + options.maxReplyBytes() + ")").withMayHaveRun(true));
    }
    pump();
  }

  private void onInactive() {
    Channel was = channel;
    channel = null;
    decoder = null;
    owed = 0;
    if (syncTimer != null) {
      syncTimer.cancel(false);
    }
    Command c = inFlight;
    inFlight = null;
    if (c != null) {
      c.cancelTimer();
      if (c.successOnEof) {
        c.reply.complete(null);
      } else {
        c.reply.completeExceptionally(AgentException.of(AgentException.Code.UNAVAILABLE,
            c.name + ": the qemu-ga channel closed before the reply").withMayHaveRun(true));
      }
    }
    if (closing) {
      state.set(QgaState.CLOSED, "closed", null);
      closed.complete(null);
      return;
    }
    if (was != null) {
      state.set(QgaState.DISCONNECTED, "the qemu-ga channel " + label + " closed", null);
    }
    pump(); // calls still queued reconnect
  }

  private void failQueued(AgentException failure) {
    while (!queue.isEmpty()) {
      Command c = queue.pollFirst();
      c.cancelTimer();
      c.reply.completeExceptionally(failure.withMayHaveRun(false));
    }
  }

  /**
   * Stops taking calls, fails the queued ones, waits (up to the drain time) for the replies
   * qemu-ga still owes, then closes the channel. The future completes once it is closed.
   */
  public CompletableFuture<Void> close() {
    try {
      loop.execute(this::beginClose);
    } catch (RejectedExecutionException e) {
      closed.complete(null);
    }
    return closed;
  }

  private void beginClose() {
    if (closing) {
      return;
    }
    closing = true;
    failQueued(AgentException.of(AgentException.Code.UNAVAILABLE,
        label + ": the qemu-ga client is closed"));
    if (channel == null) {
      if (state.state() != QgaState.CONNECTING) {
        state.set(QgaState.CLOSED, "closed", null);
        closed.complete(null);
      }
      return;
    }
    if (owed == 0) {
      closeNow();
      return;
    }
    log.debug("{}: waiting for {} qemu-ga replies before closing", label, owed);
    loop.schedule(() -> {
      if (channel != null) {
        log.warn("{}: closing with {} qemu-ga replies unread after {} ms", label, owed,
            options.closeDrain().toMillis());
        closeNow();
      }
    }, options.closeDrain().toNanos(), TimeUnit.NANOSECONDS);
  }

  private void closeNow() {
    if (channel != null) {
      channel.close();
    } else {
      state.set(QgaState.CLOSED, "closed", null);
      closed.complete(null);
    }
  }

  /** The channel's handler: hands every decoded item to the session, on this loop. */
  private final class Handler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (ctx.channel() != channel) {
        return;
      }
      if (msg instanceof byte[]) {
        onLine((byte[]) msg);
      } else if (msg == ReplyDecoder.TOO_LONG) {
        onTooLong();
      }
      // SENTINEL: the decoder has already skipped to it; the next line is checked as a sync reply.
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (ctx.channel() == channel) {
        onInactive();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("{}: qemu-ga channel failed: {}", label, cause.toString());
      ctx.close();
    }
  }
}
