package io.quantix.agent.qga.internal;

import io.netty.channel.Channel;
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
public final class QgaSession extends SessionWire {
  private static final Logger log = LoggerFactory.getLogger(QgaSession.class);

  private final Supplier<List<Endpoint>> endpoints;
  private final Transports transports;
  private final ArrayDeque<Command> queue = new ArrayDeque<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  private Command inFlight;
  private boolean closing;

  /**
   * A session over the endpoints {@code endpoints} names at each connect (auto-fallback; a
   * resolver may find a channel that moved), driven by one loop of {@code loops}.
   */
  public QgaSession(String label, Supplier<List<Endpoint>> endpoints, Transports transports,
      EventLoops loops, QgaOptions options) {
    super(label, loops.group().next(), options);
    this.endpoints = endpoints;
    this.transports = transports;
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
    write(c);
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
    ChannelInitializer<Channel> pipeline = pipeline();
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
    state.forgetInfo(); // a new connection may reach a restarted qemu-ga with another block list
    startSync();
  }

  @Override
  void onSyncTimeout(AgentException silent, boolean behindAbandoned) {
    if (!behindAbandoned) {
      failQueued(silent);
    }
    // Closing: the drain timer closes the channel; a reply may still come and must be read.
  }

  @Override
  void onLine(byte[] line) {
    QgaState s = state.state();
    if (s == QgaState.SYNCING || s == QgaState.NOT_RESPONDING) {
      if (syncedBy(line)) {
        if (closing) {
          closeNow();
          return;
        }
        if (options.fetchInfoOnConnect() && state.info() == null) {
          fetchInfo();
        }
        pump();
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

  @Override
  void onTooLong() {
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

  @Override
  void onInactive() {
    Channel was = channel;
    channel = null;
    decoder = null;
    owed = 0;
    cancelSyncTimer();
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

}
