package io.quantix.agent.testkit.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;

/**
 * Bytes the guest wrote while no host was connected, kept for the next host like a virtio-serial
 * port's buffer: up to a fixed capacity, after which writes are lost. A frame that does not fit is
 * cut at the capacity (as a port would) or, in whole-frame mode, dropped. Memory is taken only once
 * something is buffered. Not thread-safe: the owner synchronises. Not API.
 */
final class StaleBuffer {
  private final int capacity;
  private final boolean wholeFrames;
  private byte[] bytes;
  private int size;

  StaleBuffer(int capacity, boolean wholeFrames) {
    this.capacity = capacity;
    this.wholeFrames = wholeFrames;
  }

  /** Keeps what fits of {@code frame} and releases it. */
  void offer(ByteBuf frame) {
    try {
      int room = capacity - size;
      int length = frame.readableBytes();
      int keep = length <= room ? length : wholeFrames ? 0 : room;
      if (keep == 0) {
        return;
      }
      if (bytes == null || bytes.length < size + keep) {
        bytes = Arrays.copyOf(bytes == null ? new byte[0] : bytes, Math.min(capacity, Math.max(size + keep, 2 * size)));
      }
      frame.getBytes(frame.readerIndex(), bytes, size, keep);
      size += keep;
    } finally {
      frame.release();
    }
  }

  /** Bytes buffered now. */
  int size() {
    return size;
  }

  /** Hands the buffered bytes over (null when empty) and forgets them. */
  ByteBuf drain(ByteBufAllocator alloc) {
    if (size == 0) {
      return null;
    }
    ByteBuf out = alloc.buffer(size);
    out.writeBytes(bytes, 0, size);
    bytes = null;
    size = 0;
    return out;
  }
}
