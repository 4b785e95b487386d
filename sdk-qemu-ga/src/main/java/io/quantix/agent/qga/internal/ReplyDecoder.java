package io.quantix.agent.qga.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits qemu-ga's byte stream into reply lines, {@link #SENTINEL}s (the 0xFF byte that precedes
 * a {@code guest-sync-delimited} reply) and {@link #TOO_LONG} markers. While
 * {@link #discardUntilSentinel() discarding}, bytes are dropped without being buffered, so a stale
 * reply of many MiB left by an earlier client costs no memory. 0xFF never occurs in UTF-8 text, so
 * it also ends a partial line (the remains of a reply cut off by an earlier client).
 *
 * <p>Emits one item per {@code decode} call, so the session can switch to discarding between two
 * items of the same read.
 */
final class ReplyDecoder extends ByteToMessageDecoder {
  /** A 0xFF byte was read. */
  static final Object SENTINEL = new Object();
  /** A line longer than the limit was skipped. */
  static final Object TOO_LONG = new Object();

  private static final byte SENTINEL_BYTE = (byte) 0xFF;
  private final int maxLineBytes;
  private boolean discarding;
  private boolean overlong;
  /** Bytes after the reader index already scanned without finding a terminator. */
  private int scanned;

  ReplyDecoder(int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
  }

  /** Drops every byte up to and including the next 0xFF, which is then emitted as a sentinel. */
  void discardUntilSentinel() {
    discarding = true;
    overlong = false;
    scanned = 0;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (discarding) {
      int at = in.indexOf(in.readerIndex(), in.writerIndex(), SENTINEL_BYTE);
      if (at < 0) {
        in.skipBytes(in.readableBytes());
        return;
      }
      in.readerIndex(at + 1);
      discarding = false;
      out.add(SENTINEL);
      return;
    }
    int from = in.readerIndex() + scanned;
    int end = in.forEachByte(from, in.writerIndex() - from,
        b -> b != '\n' && b != SENTINEL_BYTE);
    if (end < 0) {
      if (overlong || in.readableBytes() > maxLineBytes) {
        // Keep no part of a line that is already too long; its end is still to come.
        overlong = true;
        in.skipBytes(in.readableBytes());
        scanned = 0;
      } else {
        scanned = in.readableBytes();
      }
      return;
    }
    scanned = 0;
    int length = end - in.readerIndex();
    if (in.getByte(end) == SENTINEL_BYTE) {
      in.readerIndex(end + 1);
      overlong = false;
      out.add(SENTINEL);
      return;
    }
    if (overlong || length > maxLineBytes) {
      in.readerIndex(end + 1);
      overlong = false;
      out.add(TOO_LONG);
      return;
    }
    byte[] line = new byte[length];
    in.readBytes(line);
    in.skipBytes(1);
    out.add(line);
  }
}
