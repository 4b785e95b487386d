package io.quantix.agent.testkit.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.quantix.agent.framing.FrameOutcome;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.testkit.Fault;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One served host connection: sends stale bytes and AgentReady first, then telemetry; answers
 * scripted replies and cheap built-in handlers at once on the event loop, hands every other request
 * to its handler on the worker executor, and sends replies as they complete, through the fault
 * player. Reading pauses while too many requests are unanswered, while the host does not drain its
 * replies, or during a stall fault. Confined to the connection's event loop. Not API.
 */
final class Session extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(Session.class);
  /** A reverse-order batch that does not fill up is sent anyway after this long. */
  static final Duration BATCH_WINDOW = Duration.ofMillis(250);

  private final SessionContext context;
  private final Channel channel;
  private final long number;
  private final FrameWriter writer;
  private boolean handshaking;
  private boolean started;
  private boolean stalled;
  private int inFlight;
  /** True while {@link #done()} takes requests from the backlog (so that it does not recurse). */
  private boolean draining;
  private int epoch;
  private ScheduledFuture<?> telemetry;
  private List<Pending> batch;
  private ArrayDeque<AgentMessage> backlog;
  private ScheduledFuture<?> batchTimer;

  /** A reply ready to go out; {@code epoch} is the session epoch its request arrived in. */
  record Pending(AgentMessage request, long sequence, List<AgentMessage> replies, Fault fault, int epoch) {}

  Session(SessionContext context, Channel channel, long number) {
    this.context = context;
    this.channel = channel;
    this.number = number;
    this.writer = new FrameWriter(channel, context.counters(), this::updateReadGate);
  }

  Channel channel() {
    return channel;
  }

  FrameWriter writer() {
    return writer;
  }

  /** What this connection's agent gave it. */
  SessionContext context() {
    return context;
  }

  long number() {
    return number;
  }

  /** Runs {@code task} on this connection's event loop (dropped if the loop is gone). */
  void execute(Runnable task) {
    if (channel.eventLoop().inEventLoop()) {
      task.run();
      return;
    }
    try {
      channel.eventLoop().execute(task);
    } catch (RejectedExecutionException shuttingDown) {
      log.debug("fake agent {} is shutting down; task dropped", context.label());
    }
  }

  /** Reads a hybrid-vsock CONNECT line before the session starts. */
  void awaitHandshake() {
    handshaking = true;
    updateReadGate();
  }

  /** Starts the session: {@code prefix} (hybrid OK line), stale bytes and AgentReady in one write. */
  void start(ByteBuf prefix) {
    handshaking = false;
    started = true;
    ByteBuf first = channel.alloc().buffer();
    if (prefix != null) {
      first.writeBytes(prefix);
      prefix.release();
    }
    ByteBuf stale = context.server().drainStale(channel.alloc());
    if (stale != null) {
      first.writeBytes(stale);
      stale.release();
    }
    if (!context.settings().agentReadyOnPortOpen()) {
      ByteBuf ready = FrameWriter.encode(channel, context.guest().agentReady());
      first.writeBytes(ready);
      ready.release();
    }
    if (first.isReadable()) {
      writer.raw(first, context.settings().agentReadyOnPortOpen() ? 0 : 1);
    } else {
      first.release();
    }
    startTelemetry();
    updateReadGate();
  }

  /** Telemetry at once and every period, as the agent's interval timer does from its start. */
  private void startTelemetry() {
    Duration interval = context.settings().telemetryInterval();
    if (telemetry != null) {
      telemetry.cancel(false);
      telemetry = null;
    }
    if (!interval.isZero()) {
      sendTelemetry();
      long nanos = interval.toNanos();
      telemetry = channel.eventLoop().scheduleAtFixedRate(this::sendTelemetry, nanos, nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Writes an unsolicited message (event, AgentReady) if the session has started. */
  void send(AgentMessage message) {
    execute(() -> {
      if (started && channel.isActive()) {
        writer.frame(message);
      } else if (started) {
        // Closed between emit() choosing this session and now: the port still takes the frame.
        orphan(List.of(message));
      }
    });
  }

  /** Writes raw bytes if the session has started, else releases them. */
  void sendRaw(ByteBuf bytes, int frames) {
    execute(() -> {
      if (started && channel.isActive()) {
        writer.raw(bytes, frames);
      } else {
        bytes.release();
      }
    });
  }

  /** A guest reset: every reply still in flight is lost, then AgentReady. */
  void reset() {
    reset(false);
  }

  /**
   * The agent restarted behind the port: every reply still in flight is lost; the old process may
   * have died in the middle of a frame ({@code cutFrameFirst}: the first half of a telemetry frame);
   * then the new process's AgentReady, and its telemetry starts over at once.
   */
  void reset(boolean cutFrameFirst) {
    execute(() -> {
      epoch++;
      if (!started) {
        return;
      }
      if (!channel.isActive()) {
        // Closed since the reset chose this session: the port still takes the frame.
        orphan(List.of(context.guest().agentReady()));
        return;
      }
      if (cutFrameFirst) {
        ByteBuf frame = FrameWriter.encode(channel, context.guest().telemetry());
        writer.raw(frame.retainedSlice(frame.readerIndex(), frame.readableBytes() / 2), 0);
        frame.release();
      }
      writer.frame(context.guest().agentReady());
      startTelemetry();
    });
  }

  /** False once a guest reset lost the replies of {@code pending}'s epoch. */
  boolean current(Pending pending) {
    return pending.epoch() == epoch;
  }

  /** Loses the replies in flight, from any thread (the guest is going down). */
  void loseInFlight() {
    execute(() -> epoch++);
  }

  /** Loses the replies in flight (guest reset fault); on the event loop. */
  void bumpEpoch() {
    epoch++;
  }

  void stall(boolean on) {
    stalled = on;
    updateReadGate();
  }

  private void sendTelemetry() {
    if (!channel.isWritable()) {
      log.debug("fake agent {}: host not reading, telemetry tick skipped", context.label());
      return;
    }
    writer.frame(context.guest().telemetry());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    AgentMessage request = (AgentMessage) msg;
    context.counters().framesReceived.incrementAndGet();
    if (inFlight >= context.settings().maxInFlight() || (backlog != null && !backlog.isEmpty())) {
      // Frames decoded from the last read beyond the limit wait here; reading itself has stopped,
      // so this holds at most one read's worth.
      if (backlog == null) {
        backlog = new ArrayDeque<>();
      }
      backlog.addLast(request);
      return;
    }
    process(request);
  }

  private void process(AgentMessage request) {
    Script.Decision decision = context.script().receive(request, number);
    if (!Messages.isRequest(request.getPayloadCase())) {
      return;
    }
    inFlight++;
    List<Fault> steps = decision.fault().steps();
    if (!steps.isEmpty() && steps.get(0) instanceof Fault.Stall) {
      // A stall that opens a fault starts as the request is read, so nothing after it is read.
      stalled = true;
    }
    updateReadGate();
    int requestEpoch = epoch;
    List<AgentMessage> now = context.router().answerNow(request, decision);
    if (now != null) {
      ready(new Pending(request, decision.sequence(), now, decision.fault(), requestEpoch));
      return;
    }
    CompletionStage<List<AgentMessage>> replies = context.router().dispatch(request, decision);
    replies.whenComplete((messages, error) -> execute(() ->
        ready(new Pending(request, decision.sequence(), messages == null ? List.of() : messages,
            decision.fault(), requestEpoch))));
  }

  private void ready(Pending pending) {
    int batchSize = context.settings().reverseBatch();
    if (batchSize == 0 || !channel.isActive() || !current(pending)) {
      deliver(pending);
      return;
    }
    if (batch == null) {
      batch = new ArrayList<>(batchSize);
    }
    batch.add(pending);
    if (batch.size() >= batchSize) {
      flushBatch();
    } else if (batchTimer == null) {
      batchTimer = channel.eventLoop().schedule(this::flushBatch, BATCH_WINDOW.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void flushBatch() {
    if (batchTimer != null) {
      batchTimer.cancel(false);
      batchTimer = null;
    }
    List<Pending> out = batch;
    batch = null;
    if (out != null) {
      out.sort(Comparator.comparingLong(Pending::sequence).reversed());
      out.forEach(this::deliver);
    }
  }

  private void deliver(Pending pending) {
    new FaultPlayer(this, pending).play();
  }

  /**
   * One request fully dealt with: its reply handed to the writer, dropped or lost. Until then it
   * counts against maxInFlight, delays and batches included, so a host cannot pile up work.
   */
  void done() {
    inFlight--;
    if (draining) {
      // A request taken from the backlog below was answered at once; the loop takes the next one.
      return;
    }
    draining = true;
    try {
      AgentMessage next;
      while (inFlight < context.settings().maxInFlight() && backlog != null && (next = backlog.pollFirst()) != null) {
        process(next);
      }
    } finally {
      draining = false;
    }
    updateReadGate();
  }

  /** Replies that can no longer go out on this connection go to the guest's port instead. */
  void orphan(List<AgentMessage> replies) {
    context.server().orphan(replies);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof FrameOutcome.FrameDropped) {
      context.counters().framesDropped.incrementAndGet();
    } else if (evt instanceof FrameOutcome.ResyncFailed) {
      log.debug("fake agent {}: no frame magic in 64 KiB from the host; closing like the agent", context.label());
      ctx.close();
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    updateReadGate();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (telemetry != null) {
      telemetry.cancel(false);
    }
    if (batchTimer != null) {
      batchTimer.cancel(false);
    }
    if (batch != null) {
      batch.forEach(pending -> {
        orphan(pending.replies());
        inFlight--;
      });
      batch = null;
    }
    backlog = null;
    writer.dispose();
    context.server().sessionClosed(this);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("fake agent {}: connection {} failed", context.label(), number, cause);
    ctx.close();
  }

  private void updateReadGate() {
    int limit = context.settings().maxInFlight();
    boolean read = (started || handshaking) && !stalled && inFlight < limit && writer.backlog() < limit
        && channel.isWritable();
    if (channel.config().isAutoRead() != read) {
      channel.config().setAutoRead(read);
    }
  }
}
