package io.quantix.agent.qga.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.qga.QgaOptions;
import io.quantix.agent.qga.QgaState;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wire half of a {@link QgaSession}: the channel, its decoder, the 0xFF guest-sync-delimited
 * resync with a random id, and the count of reply lines qemu-ga still owes. Runs on one loop.
 */
abstract class SessionWire {
  private static final Logger log = LoggerFactory.getLogger(SessionWire.class);
  private static final byte[] RESYNC = {(byte) 0xFF};

  final String label;
  final EventLoop loop;
  final QgaOptions options;
  final SessionState state = new SessionState();
  Channel channel;
  ReplyDecoder decoder;
  long syncId;
  boolean needSync;
  /** Reply lines qemu-ga still owes on this connection (requests written, replies not read). */
  int owed;
  private ScheduledFuture<?> syncTimer;
  /** The sync under way follows a command we abandoned, whose reply qemu-ga still owes. */
  private boolean behindAbandoned;

  SessionWire(String label, EventLoop loop, QgaOptions options) {
    this.label = label;
    this.loop = loop;
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

  /** Schedules {@code task} on this session's loop; a stopped loop runs nothing (null). */
  ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    try {
      return loop.schedule(task, delay, unit);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /** The decoder and handler every qemu-ga channel carries. */
  ChannelInitializer<Channel> pipeline() {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new ReplyDecoder(options.maxReplyBytes()), new Handler());
      }
    };
  }

  /** Writes a command's request line; qemu-ga now owes one more line. */
  void write(Command c) {
    c.written = true;
    owed++;
    channel.writeAndFlush(Unpooled.wrappedBuffer(c.request));
  }

  /** 0xFF, then guest-sync-delimited with a fresh id; stale bytes are dropped up to its 0xFF. */
  void startSync() {
    needSync = false;
    behindAbandoned = owed > 0;
    syncId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    decoder.discardUntilSentinel();
    owed += 2; // the 0xFF costs one GenericError line, then the sync reply
    state.set(QgaState.SYNCING, "syncing with qemu-ga on " + label, null);
    byte[] sync = Json.request("guest-sync-delimited", Json.object().put("id", syncId));
    channel.write(Unpooled.wrappedBuffer(RESYNC));
    channel.writeAndFlush(Unpooled.wrappedBuffer(sync));
    cancelSyncTimer();
    long id = syncId;
    syncTimer = loop.schedule(() -> syncTimedOut(id), options.syncTimeout().toNanos(),
        TimeUnit.NANOSECONDS);
  }

  /** Whether {@code line} completes the sync under way (then the session is READY). */
  boolean syncedBy(byte[] line) {
    if (!Json.isSyncReply(line, syncId)) {
      decoder.discardUntilSentinel(); // a stale sync reply or a stray line: scan on
      return false;
    }
    owed = 0; // qemu-ga is serial: every earlier reply came before this one
    cancelSyncTimer();
    state.set(QgaState.READY, "qemu-ga answers on " + label, null);
    return true;
  }

  void cancelSyncTimer() {
    if (syncTimer != null) {
      syncTimer.cancel(false);
      syncTimer = null;
    }
  }

  private void syncTimedOut(long id) {
    if (id != syncId || state.state() != QgaState.SYNCING) {
      return;
    }
    AgentException silent = AgentException.connectFailed(ConnectFailure.AGENT_SILENT, label,
        "qemu-ga did not answer guest-sync-delimited within " + options.syncTimeout().toMillis()
            + " ms: " + (behindAbandoned ? "still busy with a command this client abandoned"
                : "not installed or not running in the guest, or busy with an earlier client's"
                    + " command"), null);
    state.set(QgaState.NOT_RESPONDING, silent.getMessage(), ConnectFailure.AGENT_SILENT);
    onSyncTimeout(silent, behindAbandoned);
  }

  /**
   * The sync got no answer in time. {@code behindAbandoned}: qemu-ga is still working on a
   * command this session gave up on (a 48 MiB read takes it seconds), so the sync reply will
   * come; calls keep their own deadlines then.
   */
  abstract void onSyncTimeout(AgentException silent, boolean behindAbandoned);

  abstract void onLine(byte[] line);

  abstract void onTooLong();

  abstract void onInactive();

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
