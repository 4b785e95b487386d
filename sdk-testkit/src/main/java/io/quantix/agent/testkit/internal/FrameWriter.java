package io.quantix.agent.testkit.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.quantix.agent.framing.FrameEncoder;
import io.quantix.agent.framing.FrameFormat;
import io.quantix.agent.proto.AgentMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The guest's single writer on one host connection, like the agent's write mutex: frames go out
 * whole and in order; a dribbled frame holds the writer until its last byte, and everything written
 * meanwhile waits behind it. Every write asks for a flush; the pipeline's
 * {@code FlushConsolidationHandler} merges the flushes of one read batch, or of one event-loop task
 * outside a read, into one system call, and flushes before a close. Confined to the connection's
 * event loop. Not API.
 */
final class FrameWriter {
  private final Channel channel;
  private final Counters counters;
  private final Runnable drained;
  private ArrayDeque<Job> waiting;
  private boolean dribbling;
  private ChannelFuture lastWrite;

  /** One queued write: bytes holding {@code frames} whole frames, optionally dribbled, or a close. */
  private record Job(ByteBuf bytes, int frames, int chunk, long intervalNanos, boolean close) {}

  /** @param drained called when writes that waited behind a dribble have gone out */
  FrameWriter(Channel channel, Counters counters, Runnable drained) {
    this.channel = channel;
    this.counters = counters;
    this.drained = drained;
  }

  /** Writes waiting behind a dribbled frame. */
  int backlog() {
    return waiting == null ? 0 : waiting.size();
  }

  /** Encodes {@code message} as one frame. */
  static ByteBuf encode(Channel channel, AgentMessage message) {
    return FrameEncoder.encode(message, channel.alloc(), FrameFormat.MAGIC);
  }

  /** Writes one message as a frame. */
  void frame(AgentMessage message) {
    submit(new Job(encode(channel, message), 1, 0, 0, false));
  }

  /** Writes bytes as they are; {@code frames} is how many whole frames they hold (for counters). */
  void raw(ByteBuf bytes, int frames) {
    submit(new Job(bytes, frames, 0, 0, false));
  }

  /** Writes a frame {@code chunk} bytes at a time, every {@code interval}. */
  void dribble(ByteBuf frame, int chunk, Duration interval) {
    submit(new Job(frame, 1, chunk, interval.toNanos(), false));
  }

  /** Closes the connection once everything before has been written. */
  void close() {
    submit(new Job(null, 0, 0, 0, true));
  }

  /** Releases whatever still waits (the connection is gone). */
  void dispose() {
    if (waiting != null) {
      Job job;
      while ((job = waiting.pollFirst()) != null) {
        if (job.bytes() != null) {
          job.bytes().release();
        }
      }
    }
  }

  private void submit(Job job) {
    if (dribbling) {
      if (waiting == null) {
        waiting = new ArrayDeque<>();
      }
      waiting.addLast(job);
      return;
    }
    run(job);
  }

  private void run(Job job) {
    if (job.close()) {
      if (lastWrite != null && !lastWrite.isDone()) {
        lastWrite.addListener(ChannelFutureListener.CLOSE);
      } else {
        channel.close();
      }
      return;
    }
    if (job.chunk() > 0) {
      dribbling = true;
      dribbleNext(job.bytes(), job.chunk(), job.intervalNanos());
      return;
    }
    counters.framesSent.addAndGet(job.frames());
    write(job.bytes());
  }

  private void write(ByteBuf bytes) {
    counters.bytesSent.addAndGet(bytes.readableBytes());
    lastWrite = channel.writeAndFlush(bytes);
  }

  private void dribbleNext(ByteBuf frame, int chunk, long intervalNanos) {
    if (!channel.isActive()) {
      frame.release();
      dribbling = false;
      dispose();
      return;
    }
    write(frame.readRetainedSlice(Math.min(chunk, frame.readableBytes())));
    if (frame.isReadable()) {
      try {
        channel.eventLoop().schedule(() -> dribbleNext(frame, chunk, intervalNanos), intervalNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException shuttingDown) {
        frame.release();
      }
      return;
    }
    frame.release();
    counters.framesSent.incrementAndGet();
    dribbling = false;
    Job next;
    while (!dribbling && waiting != null && (next = waiting.pollFirst()) != null) {
      run(next);
    }
    drained.run();
  }
}
