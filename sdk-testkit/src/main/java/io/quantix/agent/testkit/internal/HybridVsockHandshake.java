package io.quantix.agent.testkit.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Firecracker hybrid-vsock handshake, as the VMM's Unix socket does it: the host writes {@code
 * CONNECT <port>\n}; for the agent's port the answer is {@code OK <local port>\n} (sent in the same
 * write as the AgentReady frame that follows), then the agent protocol; any other port, or a line
 * that is not a CONNECT, closes the connection. Bytes after the line go on to the frame decoder.
 * Not API.
 */
final class HybridVsockHandshake extends ByteToMessageDecoder {
  private static final Logger log = LoggerFactory.getLogger(HybridVsockHandshake.class);
  /** Longer than any CONNECT line; more bytes without a newline is garbage. */
  static final int MAX_LINE = 64;
  /** Firecracker numbers host-side ports from 2^30 upwards. */
  private static final AtomicInteger LOCAL_PORTS = new AtomicInteger(1 << 30);

  private final int agentPort;
  private final Session session;

  HybridVsockHandshake(int agentPort, Session session) {
    this.agentPort = agentPort;
    this.session = session;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int newline = in.indexOf(in.readerIndex(), in.readerIndex() + Math.min(in.readableBytes(), MAX_LINE), (byte) '\n');
    if (newline < 0) {
      if (in.readableBytes() >= MAX_LINE) {
        refuse(ctx, in, "no CONNECT line");
      }
      return;
    }
    String line = in.readCharSequence(newline - in.readerIndex(), StandardCharsets.US_ASCII).toString();
    in.skipBytes(1);
    int port = parsePort(line);
    if (port != agentPort) {
      refuse(ctx, in, port < 0 ? "not a CONNECT line" : "port " + port + " has no listener");
      return;
    }
    ByteBuf ok = ctx.alloc().buffer(24);
    ok.writeCharSequence("OK " + LOCAL_PORTS.getAndIncrement() + "\n", StandardCharsets.US_ASCII);
    session.start(ok);
    ctx.pipeline().remove(this);
  }

  private void refuse(ChannelHandlerContext ctx, ByteBuf in, String why) {
    log.debug("fake agent {}: hybrid vsock handshake refused: {}", session.context().label(), why);
    in.skipBytes(in.readableBytes());
    ctx.close();
  }

  /** The port of a {@code CONNECT <port>} line, or -1. */
  static int parsePort(String line) {
    if (!line.startsWith("CONNECT ")) {
      return -1;
    }
    String digits = line.substring("CONNECT ".length());
    if (digits.isEmpty() || digits.length() > 10) {
      return -1;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return -1;
      }
    }
    long port = Long.parseLong(digits);
    return port > Integer.MAX_VALUE ? -1 : (int) port;
  }
}
