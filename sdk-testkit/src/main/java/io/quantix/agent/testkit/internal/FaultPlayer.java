package io.quantix.agent.testkit.internal;

import io.netty.buffer.ByteBuf;
import io.quantix.agent.framing.Framing;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.testkit.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays one reply's {@link Fault} effects in order on the session's event loop, then writes the
 * reply unless an effect consumed it. Asynchronous effects (delay, stall, dribble) continue from
 * timers. Not API.
 */
final class FaultPlayer {
  private static final Logger log = LoggerFactory.getLogger(FaultPlayer.class);
  /** Bytes of a payload that protobuf refuses: field 1 with the invalid wire type 7. */
  private static final byte[] UNPARSABLE = {0x0f, 0x0f, 0x0f, 0x0f};

  private final Session session;
  private final Session.Pending pending;
  private final List<Fault> steps;
  private List<AgentMessage> replies;
  private boolean consumed;

  FaultPlayer(Session session, Session.Pending pending) {
    this.session = session;
    this.pending = pending;
    this.steps = flatten(pending.fault(), new ArrayList<>());
    this.replies = pending.replies();
  }

  private static List<Fault> flatten(Fault fault, List<Fault> into) {
    for (Fault step : fault.steps()) {
      if (step instanceof Fault.Sequence) {
        flatten(step, into);
      } else {
        into.add(step);
      }
    }
    return into;
  }

  /** Plays the effects; the session hears {@link Session#done()} exactly once, at the end. */
  void play() {
    play(0);
  }

  private void play(int from) {
    if (!playFrom(from)) {
      return;
    }
    writeReplies();
    session.done();
  }

  /** Runs effects from {@code from}; false if the rest continues later (or nothing remains to do). */
  private boolean playFrom(int from) {
    FrameWriter writer = session.writer();
    for (int i = from; i < steps.size(); i++) {
      if (!session.channel().isActive()) {
        return true;
      }
      if (!session.current(pending)) {
        consumed = true;
      }
      Fault step = steps.get(i);
      int next = i + 1;
      if (step instanceof Fault.Delay) {
        later(((Fault.Delay) step).delay(), () -> play(next));
        return false;
      } else if (step instanceof Fault.NoReply) {
        consumed = true;
      } else if (step instanceof Fault.CloseBeforeReply) {
        consumed = true;
        session.channel().close();
        return true;
      } else if (step instanceof Fault.CloseAfterReply) {
        writeReplies();
        writer.close();
        return true;
      } else if (step instanceof Fault.Garbage) {
        writer.raw(garbage(((Fault.Garbage) step).bytes()), 0);
      } else if (step instanceof Fault.Truncated) {
        truncate(((Fault.Truncated) step).keepBytes());
      } else if (step instanceof Fault.OversizeLength) {
        ByteBuf header = session.channel().alloc().buffer(Framing.HEADER_LENGTH);
        header.writeInt(Framing.MAGIC).writeInt(Framing.MAX_PAYLOAD_LENGTH + 1);
        writer.raw(header, 0);
      } else if (step instanceof Fault.UnparsableFrame) {
        ByteBuf frame = session.channel().alloc().buffer(Framing.HEADER_LENGTH + UNPARSABLE.length);
        frame.writeInt(Framing.MAGIC).writeInt(UNPARSABLE.length).writeBytes(UNPARSABLE);
        writer.raw(frame, 0);
      } else if (step instanceof Fault.DuplicateReply) {
        if (!consumed) {
          replies.forEach(writer::frame);
        }
      } else if (step instanceof Fault.UnknownMessageId) {
        List<AgentMessage> renamed = new ArrayList<>(replies.size());
        replies.forEach(reply -> renamed.add(reply.toBuilder().setMessageId(Messages.newId()).build()));
        replies = renamed;
      } else if (step instanceof Fault.AgentReadyFirst) {
        writer.frame(session.context().guest().agentReady());
        if (((Fault.AgentReadyFirst) step).dropReply()) {
          consumed = true;
          session.bumpEpoch();
        }
      } else if (step instanceof Fault.Stall) {
        Duration duration = ((Fault.Stall) step).duration();
        session.stall(true);
        if (duration.isZero()) {
          consumed = true;
          return true;
        }
        later(duration, () -> {
          session.stall(false);
          play(next);
        });
        return false;
      } else if (step instanceof Fault.Dribble) {
        Fault.Dribble dribble = (Fault.Dribble) step;
        if (!consumed) {
          replies.forEach(reply -> writer.dribble(
              FrameWriter.encode(session.channel(), reply), dribble.chunkBytes(), dribble.interval()));
        }
        consumed = true;
      }
    }
    return true;
  }

  private void writeReplies() {
    if (!session.current(pending) && !consumed) {
      log.debug("fake agent {}: reply to {} lost in a guest reset", session.context().label(),
          pending.request().getMessageId());
      consumed = true;
    }
    if (!consumed) {
      if (session.channel().isActive()) {
        replies.forEach(session.writer()::frame);
      } else {
        session.orphan(replies);
      }
    }
    consumed = true;
  }

  private void truncate(int keepBytes) {
    if (consumed || replies.isEmpty()) {
      consumed = true;
      return;
    }
    ByteBuf frame = FrameWriter.encode(session.channel(), replies.get(0));
    int length = frame.readableBytes();
    int keep = keepBytes < 0
        ? Framing.HEADER_LENGTH + (length - Framing.HEADER_LENGTH) / 2
        : Math.max(1, Math.min(keepBytes, length - 1));
    session.writer().raw(frame.retainedSlice(frame.readerIndex(), keep), 0);
    frame.release();
    consumed = true;
  }

  /** Random bytes that never contain 0x51, so they can never form a frame magic. */
  private ByteBuf garbage(int size) {
    SplittableRandom random = new SplittableRandom(session.context().settings().seed() * 31 + pending.sequence());
    ByteBuf bytes = session.channel().alloc().buffer(size);
    for (int i = 0; i < size; i++) {
      int b = random.nextInt(255);
      bytes.writeByte(b >= 0x51 ? b + 1 : b);
    }
    return bytes;
  }

  private void later(Duration delay, Runnable task) {
    try {
      session.channel().eventLoop().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      consumed = true;
      session.done();
    }
  }
}
