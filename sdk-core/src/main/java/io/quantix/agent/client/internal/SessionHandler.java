package io.quantix.agent.client.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.framing.FrameDecoder;
import io.quantix.agent.framing.FrameEncoder;
import io.quantix.agent.framing.FrameFormat;
import io.quantix.agent.framing.FrameOutcome;
import io.quantix.agent.framing.FrameTooLargeException;
import io.quantix.agent.proto.AgentMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The session on one channel: writes calls with respect for writability, matches replies by
 * message_id, hands events to its {@link SessionOwner} and call outcomes to its
 * {@link SessionOwner.CallOutcomes}, and fails every pending call the moment the
 * channel ends. Confined to the channel's event loop.
 */
final class SessionHandler extends ChannelDuplexHandler {
  private final SessionOwner link;
  private final SessionOwner.CallOutcomes calls;
  private final FrameDecoder decoder;
  private final Map<String, Call<?>> pending = new HashMap<>();
  private final ArrayDeque<Call<?>> unwritten = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private Throwable closeCause;
  private boolean closed;
  private boolean ready;
  private int epoch;
  private int keepAliveMisses;
  private boolean heardSinceIdle;
  private long lastSkipped;
  private long lastDropped;
  private long lastDecodedBytes;

  SessionHandler(SessionOwner link, SessionOwner.CallOutcomes calls, FrameDecoder decoder) {
    this.link = link;
    this.calls = calls;
    this.decoder = decoder;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  boolean isReady() {
    return ready;
  }

  void markReady() {
    ready = true;
  }

  /** The channel, once the handler is in a pipeline. */
  io.netty.channel.Channel channel() {
    return ctx == null ? null : ctx.channel();
  }

  boolean isOpen() {
    return !closed && ctx != null && ctx.channel().isActive();
  }

  int pendingCount() {
    return pending.size() + unwritten.size();
  }

  /** Sends a call; on this session's loop. */
  void send(Call<?> call) {
    call.assignTo(this);
    if (closed) {
      calls.onCallFailed(call, AgentException.of(Code.UNAVAILABLE, "session closed"), false);
      return;
    }
    if (!unwritten.isEmpty() || !ctx.channel().isWritable()) {
      call.queueUnwritten();
      unwritten.addLast(call);
      return;
    }
    write(call);
  }

  private void write(Call<?> call) {
    String id = Ids.next();
    ByteBuf frame;
    try {
      frame = FrameEncoder.encodeStamped(call.request, id, System.currentTimeMillis(), ctx.alloc(),
          decoder.format() == FrameFormat.LEGACY ? FrameFormat.LEGACY : FrameFormat.MAGIC);
    } catch (FrameTooLargeException e) {
      call.detach();
      calls.onCallFailed(call, AgentException.of(Code.RESOURCE_EXHAUSTED, e.getMessage(), e), false);
      return;
    }
    int bytes = frame.readableBytes();
    call.writing(id, epoch, System.nanoTime());
    pending.put(id, call);
    ChannelFuture written = ctx.writeAndFlush(frame);
    if (written.isDone()) {
      onWritten(call, id, bytes, written);
    } else {
      written.addListener(f -> onWritten(call, id, bytes, (ChannelFuture) f));
    }
  }

  private void onWritten(Call<?> call, String id, int bytes, ChannelFuture f) {
    if (f.isSuccess()) {
      link.metrics().bytesOut(link.vmId(), bytes);
      call.written(this);
      return;
    }
    if (pending.remove(id) == call && !call.isDone()) {
      // A write that failed may have left part of a frame: the stream is unusable.
      calls.onCallFailed(call, AgentException.of(Code.UNAVAILABLE,
          "write to the agent failed: " + f.cause(), f.cause()), false);
      ctx.close();
    }
  }

  /** Removes a call that expired or was cancelled; true if a half-written frame forced a close. */
  void remove(Call<?> call) {
    switch (call.stage()) {
      case UNWRITTEN:
        unwritten.remove(call);
        break;
      case WRITING:
        pending.remove(call.messageId());
        ctx.close();
        break;
      case AWAITING:
        pending.remove(call.messageId());
        break;
      default:
        break;
    }
    call.detach();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof AgentMessage)) {
      ctx.fireChannelRead(msg);
      return;
    }
    heardSinceIdle = true;
    keepAliveMisses = 0;
    link.completions().open();
    AgentMessage m = (AgentMessage) msg;
    switch (m.getPayloadCase()) {
      case AGENT_READY:
        onAgentReady(m);
        break;
      case TELEMETRY:
        if (ready) {
          link.onTelemetry(this, m);
        } else {
          // Before the first pong/AgentReady: what the port held while no host read (stale,
          // often one report cut in two): dropped, never delivered as current.
          link.metrics().eventDropped(link.vmId());
        }
        break;
      case ERROR:
      case CLIPBOARD_CHANGED:
        link.onGuestEvent(this, m);
        break;
      default:
        onReply(m);
    }
  }

  private void onAgentReady(AgentMessage m) {
    if (ready) {
      // The guest reset its side: requests sent before may be lost; give them a grace period.
      int resetEpoch = ++epoch;
      long grace = link.resetGrace().toNanos();
      ctx.executor().schedule(() -> expireBefore(resetEpoch), grace, TimeUnit.NANOSECONDS);
    }
    ready = true;
    link.onAgentReady(this, m.getAgentReady());
  }

  private void expireBefore(int resetEpoch) {
    List<Call<?>> lost = new ArrayList<>();
    for (Call<?> c : pending.values()) {
      if (c.sessionEpoch() < resetEpoch && c.stage() == Call.Stage.AWAITING) {
        lost.add(c);
      }
    }
    for (Call<?> c : lost) {
      pending.remove(c.messageId());
      c.detach();
      calls.onCallFailed(c, AgentException.of(Code.UNAVAILABLE,
          "the guest agent reset its session; the request may have been lost"), true);
    }
  }

  private void onReply(AgentMessage m) {
    Call<?> call = pending.remove(m.getMessageId());
    if (call == null) {
      link.metrics().unknownReply(link.vmId());
      return;
    }
    call.detach();
    if (m.getPayloadCase() != call.operation.response()) {
      calls.onCallFailed(call, AgentException.of(Code.PROTOCOL, call.operation.metricName()
          + " was answered with " + m.getPayloadCase()), true);
      return;
    }
    call.answered(System.nanoTime());
    if (call.operation == Operation.PING) {
      boolean first = !ready;
      ready = true;
      link.onPong(this, m.getPong(), first);
    }
    calls.onReply(call, m);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    long decoded = decoder.stats().decodedBytes();
    if (decoded != lastDecodedBytes) {
      link.metrics().bytesIn(link.vmId(), decoded - lastDecodedBytes);
      lastDecodedBytes = decoded;
    }
    link.completions().flush();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof FrameOutcome) {
      long skipped = decoder.stats().skippedBytes();
      long dropped = decoder.stats().droppedFrames();
      link.metrics().resync(link.vmId(), skipped - lastSkipped, (int) (dropped - lastDropped));
      lastSkipped = skipped;
      lastDropped = dropped;
      if (evt instanceof FrameOutcome.FramingMismatch) {
        closeCause = AgentException.of(Code.PROTOCOL, ((FrameOutcome.FramingMismatch) evt).hint());
        ctx.close();
      } else if (evt instanceof FrameOutcome.ResyncFailed && closeCause == null) {
        closeCause = AgentException.of(Code.PROTOCOL,
            "stream unreadable: " + ((FrameOutcome.ResyncFailed) evt).reason());
        ctx.close();
      }
      return;
    }
    if (evt instanceof IdleStateEvent) {
      onIdle();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void onIdle() {
    if (!heardSinceIdle && ++keepAliveMisses >= link.keepAliveMisses()) {
      AgentException silent = AgentException.connectFailed(
          io.quantix.agent.ConnectFailure.AGENT_SILENT, link.endpointText(),
          keepAliveMisses + " keep-alive pings in a row went unanswered: "
              + io.quantix.agent.ConnectFailure.AGENT_SILENT.description(), null);
      closeCause = silent;
      link.onKeepAliveLost(this, silent);
      ctx.close();
      return;
    }
    heardSinceIdle = false;
    link.sendProbe(this);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    while (!unwritten.isEmpty() && ctx.channel().isWritable()) {
      Call<?> next = unwritten.pollFirst();
      if (!next.isDone()) {
        write(next);
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  /**
   * Fails every call of this session with {@code cause} at once (its link closes): written ones
   * with mayHaveRun, unwritten ones without. The channel's own inactive event comes later.
   */
  void failAll(AgentException cause) {
    List<Call<?>> written = new ArrayList<>(pending.values());
    pending.clear();
    List<Call<?>> notWritten = new ArrayList<>(unwritten);
    unwritten.clear();
    for (Call<?> c : written) {
      c.detach();
      calls.onCallFailed(c, cause, true);
    }
    for (Call<?> c : notWritten) {
      c.detach();
      calls.onCallFailed(c, cause, false);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    AgentException cause = closeCause instanceof AgentException ? (AgentException) closeCause
        : AgentException.of(Code.UNAVAILABLE, "connection to the agent lost"
            + (closeCause == null ? " (end of stream)" : ": " + closeCause), closeCause);
    link.onSessionClosed(this, cause);
    List<Call<?>> written = new ArrayList<>(pending.values());
    pending.clear();
    List<Call<?>> notWritten = new ArrayList<>(unwritten);
    unwritten.clear();
    for (Call<?> c : written) {
      c.detach();
      if (c.successOnDisconnect) {
        calls.onReply(c, AgentMessage.getDefaultInstance());
      } else {
        calls.onCallFailed(c, cause, true);
      }
    }
    for (Call<?> c : notWritten) {
      c.detach();
      calls.onCallFailed(c, cause, false);
    }
    link.completions().flush();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (closeCause == null) {
      closeCause = cause;
    }
    ctx.close();
  }
}
