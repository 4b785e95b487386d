package io.quantix.agent.client.internal;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.quantix.agent.internal.FrameArrays;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Writes a received {@link ByteString} to a caller's stream without copying it first.
 * {@link ByteString#writeTo(OutputStream)} hands the stream a fresh copy of a byte-array-backed
 * string ({@code toByteArray()}), so that the stream cannot change the string's bytes: for a
 * download that is one more allocation, zeroing and copy of every chunk on the callback thread (a
 * sixth of the client's CPU per MiB in the profile of issue 15). A download's chunk is a reply's
 * data, read once by the download and dropped after this write, so the stream may see its array;
 * {@link #writeLast} then gives the array back for the next long frame.
 */
final class SinkOutput extends ByteOutput {
  /** Bytes of a direct-buffer-backed string copied per write to the stream. */
  private static final int DIRECT_COPY = 64 * 1024;
  /** Marks a string written from more than one array: none of them is given back. */
  private static final byte[] NOT_ONE_ARRAY = new byte[0];
  private final OutputStream sink;
  /** The array of the string's one lazy write ({@link #NOT_ONE_ARRAY} after a second one). */
  private byte[] own;

  private SinkOutput(OutputStream sink) {
    this.sink = sink;
  }

  /** Writes {@code data} to {@code sink}; byte-array-backed strings go out as their own array. */
  static void writeTo(ByteString data, OutputStream sink) throws IOException {
    UnsafeByteOperations.unsafeWriteTo(data, new SinkOutput(sink));
  }

  /**
   * Writes {@code data} to {@code sink} as {@link #writeTo} does, as the last use of its bytes:
   * once the stream has returned, the array behind them goes back to {@link FrameArrays} for the
   * next long frame. The caller must hold the only reference to {@code data}, and the stream must
   * not keep the array it is handed (streams do not: {@code InputStream.transferTo} reuses its
   * buffer the same way).
   */
  static void writeLast(ByteString data, OutputStream sink) throws IOException {
    SinkOutput output = new SinkOutput(sink);
    UnsafeByteOperations.unsafeWriteTo(data, output);
    if (output.own != null) {
      FrameArrays.giveBack(output.own);
    }
  }

  @Override
  public void write(byte value) throws IOException {
    sink.write(value);
  }

  @Override
  public void write(byte[] value, int offset, int length) throws IOException {
    sink.write(value, offset, length);
  }

  @Override
  public void writeLazy(byte[] value, int offset, int length) throws IOException {
    sink.write(value, offset, length);
    // A string of more than one array (a rope) is not a reply's data: give none of them back.
    own = own == null ? value : NOT_ONE_ARRAY;
  }

  @Override
  public void write(ByteBuffer value) throws IOException {
    if (value.hasArray()) {
      sink.write(value.array(), value.arrayOffset() + value.position(), value.remaining());
      value.position(value.limit());
      return;
    }
    byte[] copy = new byte[Math.min(value.remaining(), DIRECT_COPY)];
    while (value.hasRemaining()) {
      int n = Math.min(copy.length, value.remaining());
      value.get(copy, 0, n);
      sink.write(copy, 0, n);
    }
  }

  @Override
  public void writeLazy(ByteBuffer value) throws IOException {
    write(value);
  }
}
