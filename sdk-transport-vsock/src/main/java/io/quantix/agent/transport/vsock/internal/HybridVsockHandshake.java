package io.quantix.agent.transport.vsock.internal;

import io.quantix.agent.transport.internal.ConnectAttempt;
import io.quantix.agent.transport.internal.Errno;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.quantix.agent.ConnectFailure;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The host side of the Firecracker / Cloud Hypervisor hybrid vsock handshake: after the Unix
 * socket connects, send {@code CONNECT <port>\n}, read one line (at most {@value #MAX_LINE} bytes),
 * and expect {@code OK <n>}. On OK the handler puts the request's pipeline handler after itself,
 * removes itself, fires {@code channelActive} to it, completes the attempt, and then passes on any
 * bytes that followed the OK line in the same read: from then on the stream belongs to the agent.
 *
 * <p>Outcomes: EOF before the line ends is {@link ConnectFailure#AGENT_NOT_READY} (the VMM closes
 * the connection when nothing listens on the guest port yet); any other line, or a line longer than
 * {@value #MAX_LINE} bytes, is {@link ConnectFailure#HANDSHAKE_FAILED} quoting what was received.
 * The deadline is the attempt's.
 *
 * <pre>{@code
 * HybridVsockHandshake handshake = new HybridVsockHandshake(9443, request.pipeline(), attempt);
 * channel.pipeline().addLast(handshake);     // before connecting
 * ...                                         // once connected:
 * handshake.start();
 * }</pre>
 */
public final class HybridVsockHandshake extends ChannelInboundHandlerAdapter {
  /** Longest answer line accepted, without its newline. */
  public static final int MAX_LINE = 64;
  private static final Pattern OK = Pattern.compile("OK [0-9]{1,10}");

  private final int port;
  private final ChannelHandler next;
  private final ConnectAttempt attempt;
  private final byte[] line = new byte[MAX_LINE];
  private int length;
  private boolean finished;
  private ChannelHandlerContext ctx;

  /**
   * @param port the guest port to ask for (unsigned)
   * @param next the handler to install after a successful handshake
   * @param attempt the attempt to complete
   */
  public HybridVsockHandshake(int port, ChannelHandler next, ConnectAttempt attempt) {
    this.port = port;
    this.next = next;
    this.attempt = attempt;
  }

  /** The request line this handshake sends. */
  public String request() {
    return "CONNECT " + Integer.toUnsignedString(port) + "\n";
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** Sends the CONNECT line; call on the event loop once the socket is connected. */
  public void start() {
    ByteBuf out = ctx.alloc().buffer(16);
    out.writeCharSequence(request(), StandardCharsets.US_ASCII);
    ctx.writeAndFlush(out).addListener(f -> {
      if (!f.isSuccess()) {
        fail(ConnectFailure.AGENT_NOT_READY, "could not send " + printable(request()) + ": "
            + f.cause(), f.cause());
      }
    });
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // Held back: the pipeline behind us sees channelActive only once the handshake succeeded.
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (finished || !(msg instanceof ByteBuf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ByteBuf in = (ByteBuf) msg;
    boolean passedOn = false;
    try {
      while (in.isReadable()) {
        byte b = in.readByte();
        if (b == '\n') {
          passedOn = answered(ctx, in);
          return;
        }
        if (length == MAX_LINE) {
          fail(ConnectFailure.HANDSHAKE_FAILED, "the answer to " + printable(request())
              + " has no end of line within " + MAX_LINE + " bytes: '" + text() + "...'", null);
          return;
        }
        line[length++] = b;
      }
    } finally {
      if (!passedOn) {
        in.release();
      }
    }
  }

  /** Handles a complete answer line; returns whether {@code rest} was passed on. */
  private boolean answered(ChannelHandlerContext ctx, ByteBuf rest) {
    finished = true;
    if (length > 0 && line[length - 1] == '\r') {
      length--; // tolerate CRLF
    }
    String answer = text();
    if (!OK.matcher(answer).matches()) {
      fail(ConnectFailure.HANDSHAKE_FAILED, "expected 'OK <port>' in answer to "
          + printable(request()) + " but got '" + answer + "'", null);
      return false;
    }
    if (attempt.isOverOrExpired()) {
      return false;
    }
    ctx.pipeline().addAfter(ctx.name(), null, next);
    ctx.pipeline().remove(this);
    ctx.fireChannelActive();
    attempt.succeed(ctx.channel());
    if (rest.isReadable()) {
      ctx.fireChannelRead(rest);
      return true;
    }
    return false;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!finished) {
      fail(ConnectFailure.AGENT_NOT_READY, "the socket closed before answering "
          + printable(request()) + (length > 0 ? " (after '" + text() + "')" : "")
          + ": nothing listens on the guest port yet", null);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (finished) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    int errno = Errno.of(cause);
    if (errno == Errno.ECONNRESET || errno == Errno.EPIPE) {
      fail(ConnectFailure.AGENT_NOT_READY, "the connection was reset during the handshake ("
          + Errno.name(errno) + "): nothing listens on the guest port yet", cause);
    } else {
      fail(ConnectFailure.HANDSHAKE_FAILED, "the handshake failed: " + cause, cause);
    }
  }

  private void fail(ConnectFailure failure, String detail, Throwable cause) {
    finished = true;
    attempt.fail(failure, detail, cause);
  }

  private String text() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int c = line[i] & 0xFF;
      if (c >= 0x20 && c < 0x7F) {
        s.append((char) c);
      } else {
        s.append(String.format("\\x%02x", c));
      }
    }
    return s.toString();
  }

  private static String printable(String s) {
    return "'" + s.replace("\n", "\\n") + "'";
  }
}
