package io.quantix.agent.client.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Where upload chunks come from; read on the callback executor, never on an I/O thread. */
interface ChunkSource extends AutoCloseable {
  /** Fills {@code buf} as far as the data goes; returns the bytes read, 0 at the end. */
  int read(byte[] buf) throws IOException;

  /**
   * The next chunk of at most {@code max} bytes, empty at the end. The bytes are owned by the
   * chunk (a byte-array source hands out slices of the caller's array without copying).
   */
  default ByteString readChunk(int max) throws IOException {
    byte[] buf = new byte[max];
    int n = read(buf);
    return n == 0 ? ByteString.EMPTY
        : UnsafeByteOperations.unsafeWrap(buf, 0, n);
  }

  /** The total size, or -1 when unknown. */
  long size();

  @Override
  void close() throws IOException;

  static ChunkSource ofPath(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    long size = ch.size();
    return new ChunkSource() {
      @Override
      public int read(byte[] buf) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buf);
        while (b.hasRemaining()) {
          if (ch.read(b) < 0) {
            break;
          }
        }
        return b.position();
      }

      @Override
      public long size() {
        return size;
      }

      @Override
      public void close() throws IOException {
        ch.close();
      }
    };
  }

  static ChunkSource ofStream(InputStream in) {
    return new ChunkSource() {
      @Override
      public int read(byte[] buf) throws IOException {
        return in.readNBytes(buf, 0, buf.length);
      }

      @Override
      public long size() {
        return -1;
      }

      @Override
      public void close() {
        // The caller owns the stream.
      }
    };
  }

  static ChunkSource ofBytes(byte[] data) {
    return new ChunkSource() {
      private int at;

      @Override
      public int read(byte[] buf) {
        int n = Math.min(buf.length, data.length - at);
        System.arraycopy(data, at, buf, 0, n);
        at += n;
        return n;
      }

      @Override
      public ByteString readChunk(int max) {
        int n = Math.min(max, data.length - at);
        ByteString slice = UnsafeByteOperations.unsafeWrap(data, at, n);
        at += n;
        return slice;
      }

      @Override
      public long size() {
        return data.length;
      }

      @Override
      public void close() {
        // Nothing to release.
      }
    };
  }
}
