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

/**
 * Plays one reply's {@link Fault} effects in order on the session's event loop, then writes the
 * reply unless an effect consumed it. Asynchronous effects (delay, stall, dribble) continue from
 * timers. Not API.
 */
final class FaultPlayer {
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

  void play() {
    play(0);
  }

  private void play(int from) {
    FrameWriter writer = session.writer();
    for (int i = from; i < steps.size(); i++) {
      if (!session.channel().isActive()) {
        if (!consumed) {
          session.orphan(replies);
        }
        return;
      }
      if (!session.current(pending)) {
        consumed = true;
      }
      Fault step = steps.get(i);
      int next = i + 1;
      if (step instanceof Fault.Delay) {
        later(((Fault.Delay) step).delay(), () -> play(next));
        return;
      } else if (step instanceof Fault.NoReply) {
        consumed = true;
      } else if (step instanceof Fault.CloseBeforeReply) {
        session.channel().close();
        return;
      } else if (step instanceof Fault.CloseAfterReply) {
        writeReplies();
        writer.close();
        return;
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
        writer.frame(session.core().agentReady());
        if (((Fault.AgentReadyFirst) step).dropReply()) {
          consumed = true;
          session.bumpEpoch();
        }
      } else if (step instanceof Fault.Stall) {
        Duration duration = ((Fault.Stall) step).duration();
        session.stall(true);
        if (duration.isZero()) {
          return;
        }
        later(duration, () -> {
          session.stall(false);
          play(next);
        });
        return;
      } else if (step instanceof Fault.Dribble) {
        Fault.Dribble dribble = (Fault.Dribble) step;
        if (!consumed) {
          replies.forEach(reply -> writer.dribble(
              FrameWriter.encode(session.channel(), reply), dribble.chunkBytes(), dribble.interval()));
        }
        consumed = true;
      }
    }
    writeReplies();
  }

  private void writeReplies() {
    if (!session.current(pending)) {
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
    SplittableRandom random = new SplittableRandom(session.core().settings.seed() * 31 + pending.sequence());
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
    }
  }
}
