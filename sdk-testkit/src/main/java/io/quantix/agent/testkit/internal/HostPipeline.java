package io.quantix.agent.testkit.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.quantix.agent.framing.FrameDecoder;
import io.quantix.agent.framing.FrameFormat;

/**
 * The handlers of one served host connection, in order: byte counting, flush consolidation, the
 * hybrid-vsock handshake when enabled, frame decoding, then the {@link Session}. Kept apart from
 * {@link AgentServer}, which decides when a connection is served; this class decides only what a
 * served connection runs. Not API.
 */
final class HostPipeline {
  /** Within one read batch, flush anyway after this many replies (Netty's default). */
  static final int FLUSH_AFTER_FLUSHES = FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES;

  private HostPipeline() {}

  /**
   * Adds the handlers to {@code child}, which must be served by {@code session}. The byte counter is
   * shared by every connection of one agent (it is sharable), so it is passed in rather than made.
   *
   * @param hybridVsockPort the agent's port behind a Firecracker hybrid-vsock socket, or 0 for none
   */
  static void install(Channel child, Session session, ByteCounter byteCounter, int hybridVsockPort) {
    ChannelPipeline pipeline = child.pipeline();
    pipeline.addLast(byteCounter);
    // Replies are written with writeAndFlush; this turns the flushes made while one read batch is
    // handled into one at channelReadComplete, and those made outside a read (timers, worker
    // completions, emitted events) into one at the end of the event loop's current task. It flushes
    // before a close, so bytes written before a close still go out first.
    pipeline.addLast(new FlushConsolidationHandler(FLUSH_AFTER_FLUSHES, true));
    if (hybridVsockPort > 0) {
      pipeline.addLast(new HybridVsockHandshake(hybridVsockPort, session));
    }
    pipeline.addLast(new FrameDecoder(FrameFormat.MAGIC, false), session);
  }
}
