package io.quantix.agent.benchmarks.harness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The most a file transfer can move through a Unix socket on this machine, beside the raw copy
 * that the transfer rows' targets are ratios of, in one run. Every variant is blocking JDK code
 * with reused 1 MiB direct buffers: no framing, no protobuf, no allocation per chunk. Each adds to
 * the raw copy only work that moving a file to or from a caller's arrays cannot skip:
 *
 * <ul>
 *   <li><b>raw</b>: the sender writes one buffer over and over, the receiver reads and drops it
 *       (the harness's raw copy);
 *   <li><b>download</b>: the sender first reads each chunk from a file on tmpfs (the agent's read);
 *       the receiver copies each chunk into a reused array (the least that hands bytes to an
 *       {@code OutputStream});
 *   <li><b>download, 2-thread sender</b>: as download, with the file read and the socket write on
 *       two threads handing buffers over (as the fake agent's worker and I/O threads do);
 *   <li><b>upload</b>: the sender first copies each chunk from an array (the caller's bytes); the
 *       receiver writes each chunk to a file on tmpfs (the agent's write, without fsync);
 *   <li><b>download, owned chunks</b> (one and two sender threads): as download, but each chunk
 *       passes through a new array on each side, as when a protobuf message owns its bytes: the
 *       sender copies the file's chunk into a new array and from it into the write buffer (the
 *       reply's {@code ByteString}, then its encoding), the receiver copies into a new array (the
 *       parsed reply's bytes, handed to the stream as they are);
 *   <li><b>upload, owned chunks</b>: each chunk passes through a new array on each side: the
 *       sender's chunk read from the caller's bytes, the receiver's parsed request, written to the
 *       file from the heap.
 * </ul>
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar \
 *     io.quantix.agent.benchmarks.harness.TransferFloorProbe /dev/shm/floor 256 9
 * }</pre>
 */
public final class TransferFloorProbe {
  private static final int CHUNK = FloorServer.COPY_BUFFER;

  private TransferFloorProbe() {}

  /** What the receiving side does with each chunk it reads. */
  private interface Receive {
    void chunk(ByteBuffer data, long offset) throws IOException;
  }

  /** What the sending side does to fill each chunk before it writes it. */
  private interface Fill {
    void chunk(ByteBuffer data, long offset) throws IOException;
  }

  /** Arguments: a directory on tmpfs, MiB per transfer, rounds. */
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: TransferFloorProbe DIR MIB ROUNDS");
      System.exit(2);
    }
    Path dir = Files.createDirectories(Path.of(args[0]));
    long bytes = (long) Integer.parseInt(args[1]) << 20;
    int rounds = Integer.parseInt(args[2]);
    Path source = dir.resolve("source.bin");
    byte[] content = new byte[CHUNK];
    Transfers.fill(content);
    try (FileChannel file = FileChannel.open(source, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      for (long at = 0; at < bytes; at += CHUNK) {
        file.write(ByteBuffer.wrap(content), at);
      }
    }
    Path target = dir.resolve("target.bin");
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE)) {
      byte[] heap = new byte[CHUNK];
      Fill nothing = (data, offset) -> { };
      Fill fromFile = (data, offset) -> {
        while (data.hasRemaining()) {
          if (in.read(data, offset + data.position()) < 0) {
            throw new IOException("the source file ended early");
          }
        }
      };
      Fill fromArray = (data, offset) -> data.put(heap, 0, data.remaining());
      // A chunk a protobuf message owns: a new (zeroed) array, filled by one copy.
      Fill fromFileOwned = (data, offset) -> {
        fromFile.chunk(data, offset);
        byte[] owned = new byte[data.flip().remaining()];
        data.get(owned);
        data.clear().put(owned).flip();
      };
      Receive toOwnedArray = (data, offset) -> data.get(new byte[data.remaining()]);
      Fill fromArrayOwned = (data, offset) -> {
        byte[] owned = new byte[data.remaining()];
        System.arraycopy(heap, 0, owned, 0, owned.length);
        data.put(owned);
      };
      Receive drop = (data, offset) -> { };
      Receive toArray = (data, offset) -> data.get(heap, 0, data.remaining());
      Receive toFile = (data, offset) -> {
        // a heap buffer goes through the JDK's temporary direct buffer, as the fake agent's does
        while (data.hasRemaining()) {
          offset += out.write(data, offset);
        }
      };
      Receive toFileOwned = (data, offset) -> {
        byte[] owned = new byte[data.remaining()];
        data.get(owned);
        toFile.chunk(ByteBuffer.wrap(owned), offset);
      };
      String[] names = {"raw copy", "download", "download, 2-thread sender", "upload",
          "download, owned chunks", "download, owned, 2-thread", "upload, owned chunks"};
      double[][] mibPerSecond = new double[names.length][rounds];
      Path socket = dir.resolve("floor.sock");
      for (int round = -2; round < rounds; round++) {
        long[] nanos = {
            transfer(socket, bytes, nothing, false, drop),
            transfer(socket, bytes, fromFile, false, toArray),
            transfer(socket, bytes, fromFile, true, toArray),
            transfer(socket, bytes, fromArray, false, toFile),
            transfer(socket, bytes, fromFileOwned, false, toOwnedArray),
            transfer(socket, bytes, fromFileOwned, true, toOwnedArray),
            transfer(socket, bytes, fromArrayOwned, false, toFileOwned),
        };
        for (int v = 0; round >= 0 && v < names.length; v++) {
          mibPerSecond[v][round] = (bytes >> 20) / (nanos[v] / 1e9);
        }
      }
      double raw = median(mibPerSecond[0]);
      for (int v = 0; v < names.length; v++) {
        double m = median(mibPerSecond[v]);
        System.out.printf("%-26s %6.0f MiB/s  %.2f× raw (medians of %d, %d MiB each)%n", names[v], m,
            m / raw, rounds, bytes >> 20);
      }
    } finally {
      Files.deleteIfExists(source);
      Files.deleteIfExists(target);
    }
  }

  /** One transfer of {@code bytes}: sender on this thread, receiver on another; nanoseconds. */
  private static long transfer(Path socket, long bytes, Fill fill, boolean twoThreadSender,
      Receive receive) throws Exception {
    try (ServerSocketChannel server = UnixSocket.listen(socket)) {
      long[] received = new long[1];
      Exception[] failure = new Exception[1];
      Thread receiver = new Thread(() -> {
        try (SocketChannel ch = server.accept()) {
          ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
          long at = 0;
          while (true) {
            buf.clear();
            int n = ch.read(buf);
            if (n < 0) {
              break;
            }
            receive.chunk(buf.flip(), at);
            at += n;
          }
          received[0] = at;
        } catch (IOException e) {
          failure[0] = e;
        }
      }, "floor-receiver");
      receiver.start();
      long start = System.nanoTime();
      try (SocketChannel ch = UnixSocket.connect(socket)) {
        if (twoThreadSender) {
          sendFromTwoThreads(ch, bytes, fill);
        } else {
          ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
          for (long at = 0; at < bytes; at += CHUNK) {
            buf.clear().limit((int) Math.min(CHUNK, bytes - at));
            fill.chunk(buf, at);
            UnixSocket.writeFully(ch, buf.position(0));
          }
        }
      }
      receiver.join();
      long nanos = System.nanoTime() - start;
      if (failure[0] != null) {
        throw failure[0];
      }
      if (received[0] != bytes) {
        throw new IOException("received " + received[0] + " of " + bytes + " bytes");
      }
      return nanos;
    }
  }

  /** The fill on a second thread, four buffers circulating between it and the socket writer. */
  private static void sendFromTwoThreads(SocketChannel ch, long bytes, Fill fill) throws Exception {
    BlockingQueue<ByteBuffer> empty = new ArrayBlockingQueue<>(4);
    BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(4);
    for (int i = 0; i < 4; i++) {
      empty.add(ByteBuffer.allocateDirect(CHUNK));
    }
    Exception[] failure = new Exception[1];
    Thread filler = new Thread(() -> {
      try {
        for (long at = 0; at < bytes; at += CHUNK) {
          ByteBuffer buf = empty.take();
          buf.clear().limit((int) Math.min(CHUNK, bytes - at));
          fill.chunk(buf, at);
          full.put(buf.position(0));
        }
      } catch (IOException | InterruptedException e) {
        failure[0] = e;
      }
    }, "floor-filler");
    filler.start();
    for (long at = 0; at < bytes; at += CHUNK) {
      ByteBuffer buf = full.take();
      UnixSocket.writeFully(ch, buf);
      empty.put(buf);
    }
    filler.join();
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
