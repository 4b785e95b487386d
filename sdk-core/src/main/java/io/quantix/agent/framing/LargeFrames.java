package io.quantix.agent.framing;

import com.google.protobuf.CodedOutputStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.CompositeByteBuf;

/**
 * Frames longer than an allocator's pooled sizes, built from pooled pieces: one composite buffer
 * whose pieces together hold the frame, written by the transport in one gathering write. protobuf
 * encodes into it through a stream, so its bytes are those of the one-buffer path.
 */
final class LargeFrames {
  /** protobuf's own buffer between the message's small fields and the frame. */
  private static final int STREAM_BUFFER = 8192;

  private LargeFrames() {}

  /** An empty buffer of exactly {@code length} bytes' capacity, in pieces of at most {@code piece}. */
  static ByteBuf allocate(ByteBufAllocator alloc, int length, int piece) {
    int pieces = (length + piece - 1) / piece;
    CompositeByteBuf frame = alloc.compositeBuffer(pieces);
    try {
      for (int left = length; left > 0; left -= piece) {
        int size = Math.min(piece, left);
        ByteBuf part = alloc.ioBuffer(size, size);
        // The composite spans the pieces' readable bytes; its own writer index stays at 0.
        frame.addComponent(false, part.writerIndex(size));
      }
      return frame;
    } catch (RuntimeException | Error e) {
      frame.release();
      throw e;
    }
  }

  static CodedOutputStream output(ByteBuf frame) {
    return CodedOutputStream.newInstance(new ByteBufOutputStream(frame), STREAM_BUFFER);
  }

  /** Fails unless the message filled the frame exactly: its serialized size was misreported. */
  static void checkFilled(ByteBuf frame, int end) {
    if (frame.writerIndex() != end || frame.capacity() != end) {
      throw new IllegalStateException("a message wrote " + frame.writerIndex() + " bytes into a "
          + end + "-byte frame");
    }
  }
}
