package io.quantix.agent.client.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.Future;

/**
 * Fires {@link IdleStateEvent}s of the reader-idle kind when a session has read nothing for
 * {@code idleNanos}, as Netty's {@link IdleStateHandler} does, but waits on the link's
 * {@link LinkTimers} rather than on the channel's event loop, so the loop keeps no timer pending
 * between events (see {@link LinkTimers} for why that matters). Like {@code IdleStateHandler}, it
 * notes the time once per read batch, not per message, and re-arms once per idle period.
 *
 * <pre>{@code
 * ch.pipeline().addLast("keepalive", new ReaderIdleTimer(timers, TimeUnit.SECONDS.toNanos(15)));
 * }</pre>
 */
final class ReaderIdleTimer extends ChannelInboundHandlerAdapter {
  private final LinkTimers timers;
  private final long idleNanos;
  // Loop-confined.
  private ChannelHandlerContext ctx;
  private Future<?> check;
  private long lastReadNanos;
  private boolean reading;
  private boolean firstIdle = true;
  private boolean stopped;

  ReaderIdleTimer(LinkTimers timers, long idleNanos) {
    if (idleNanos <= 0) {
      throw new IllegalArgumentException("idle time must be positive: " + idleNanos + " ns");
    }
    this.timers = timers;
    this.idleNanos = idleNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
      start();
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    start();
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    stop();
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    reading = true;
    firstIdle = true;
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (reading) {
      lastReadNanos = ctx.executor().ticker().nanoTime();
      reading = false;
    }
    ctx.fireChannelReadComplete();
  }

  private void start() {
    if (check != null || stopped) {
      return;
    }
    lastReadNanos = ctx.executor().ticker().nanoTime();
    arm(idleNanos);
  }

  private void stop() {
    stopped = true;
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }

  private void arm(long delayNanos) {
    check = timers.schedule(ctx.channel().eventLoop(), this::onCheck, delayNanos);
  }

  private void onCheck() {
    if (stopped || !ctx.channel().isOpen()) {
      return;
    }
    if (reading) {
      arm(idleNanos);
      return;
    }
    long left = idleNanos - (ctx.executor().ticker().nanoTime() - lastReadNanos);
    if (left > 0) {
      arm(left);
      return;
    }
    arm(idleNanos);
    IdleStateEvent event = firstIdle ? IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT
        : IdleStateEvent.READER_IDLE_STATE_EVENT;
    firstIdle = false;
    ctx.fireUserEventTriggered(event);
  }
}
