package io.quantix.agent.benchmarks.harness;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.quantix.agent.transport.EventLoops;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The least an event-loop client on Netty does for a round trip, against the floor's echo server:
 * the caller hands the captured ping frame's bytes to the I/O thread, which writes them; the I/O
 * thread counts the reply's bytes and completes the caller's future. No encoding, no parsing, no
 * deadline, no executor hop: the same loops the SDK runs on ({@link EventLoops}: untimed, epoll where available), and
 * nothing else. The floor client has no hand-off at all, so this column's distance from it is what
 * Netty and the two hand-offs cost, and the SDK's distance from this column is what the SDK adds.
 */
final class NettyFloor extends NamedSubject {
  /** What an upload writes, 1 MiB at a time: as the floor client's copy buffer. */
  private static final ByteBuf COPY = Unpooled.unreleasableBuffer(
      Unpooled.directBuffer(FloorServer.COPY_BUFFER, FloorServer.COPY_BUFFER)
          .writerIndex(FloorServer.COPY_BUFFER));

  private final Path sink;
  private final Path source;
  private final EventLoops loops;
  private final Channel channel;
  private final ByteBuf ping;
  private final Replies replies;

  NettyFloor(String name, Path echo, Path sink, Path source, byte[] pingFrame, int pongFrameLength,
      long peerPid) throws IOException {
    super(name, peerPid);
    this.sink = sink;
    this.source = source;
    this.loops = EventLoops.create(1, "netty-floor", true);
    this.ping = Unpooled.unreleasableBuffer(Unpooled.directBuffer(pingFrame.length)
        .writeBytes(pingFrame));
    this.replies = new Replies(pongFrameLength);
    try {
      this.channel = connect(echo, replies);
    } catch (IOException e) {
      loops.close();
      throw e;
    }
    roundTrip();
  }

  @Override
  public void roundTrip() {
    send().join();
  }

  @Override
  public double pipelined(int depth, long nanos) throws Exception {
    return Pipeline.run(depth, nanos, Pipeline.ofFutures(this::send));
  }

  /** One ping frame out; the future completes on the I/O thread when a whole pong is back. */
  private CompletableFuture<Void> send() {
    CompletableFuture<Void> reply = new CompletableFuture<>();
    channel.eventLoop().execute(() -> {
      replies.waiting.addLast(reply);
      channel.writeAndFlush(ping.duplicate());
    });
    return reply;
  }

  /**
   * Streams {@code bytes} to the floor's sink on a new connection (1 MiB writes of one direct
   * buffer, as the floor client writes), then waits for the sink's count; returns the nanoseconds
   * taken from the first write.
   */
  long upload(long bytes) throws IOException {
    CompletableFuture<Long> counted = new CompletableFuture<>();
    Channel ch = connect(sink, new Counter(8, counted, true));
    try {
      long start = System.nanoTime();
      ch.eventLoop().execute(() -> {
        long remaining = bytes;
        while (remaining > 0) {
          int n = (int) Math.min(remaining, COPY.capacity());
          ch.write(COPY.duplicate().writerIndex(n));
          remaining -= n;
        }
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
          if (f.isSuccess()) {
            ((DuplexChannel) ch).shutdownOutput();
          } else {
            counted.completeExceptionally(f.cause());
          }
        });
      });
      long count = await(counted);
      long nanos = System.nanoTime() - start;
      if (count != bytes) {
        throw new IOException("the sink counted " + count + " bytes, not " + bytes);
      }
      return nanos;
    } finally {
      ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  /**
   * Asks the floor's source for {@code bytes} on a new connection and reads them all, each read
   * into a buffer of the channel's allocator and released; returns the nanoseconds taken.
   */
  long download(long bytes) throws IOException {
    CompletableFuture<Long> received = new CompletableFuture<>();
    Channel ch = connect(source, new Counter(bytes, received, false));
    try {
      long start = System.nanoTime();
      ch.writeAndFlush(Unpooled.buffer(8).writeLong(bytes));
      await(received);
      return System.nanoTime() - start;
    } finally {
      ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  private Channel connect(Path path, ChannelInboundHandlerAdapter handler) throws IOException {
    boolean epoll = loops.isEpoll();
    try {
      return new Bootstrap().group(loops.group())
          .channelFactory(epoll ? EpollDomainSocketChannel::new : NioDomainSocketChannel::new)
          .handler(handler)
          .connect(epoll ? new DomainSocketAddress(path.toString()) : UnixDomainSocketAddress.of(path))
          .sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while connecting", e);
    } catch (RuntimeException e) {
      throw new IOException("cannot connect to " + path, e);
    }
  }

  private static long await(CompletableFuture<Long> result) throws IOException {
    try {
      return result.get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException("the floor transfer did not finish: " + e, e);
    }
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    loops.close();
  }

  /**
   * Counts the bytes read and releases them. Download: completes with the count once {@code
   * expected} bytes are in. Upload: the first 8 bytes are the sink's count, completed with.
   */
  private static final class Counter extends ChannelInboundHandlerAdapter {
    private final long expected;
    private final CompletableFuture<Long> done;
    private final boolean countReply;
    private final ByteBuf reply = Unpooled.buffer(8);
    private long bytes;

    Counter(long expected, CompletableFuture<Long> done, boolean countReply) {
      this.expected = expected;
      this.done = done;
      this.countReply = countReply;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      bytes += buf.readableBytes();
      if (countReply) {
        buf.readBytes(reply, Math.min(buf.readableBytes(), reply.writableBytes()));
      }
      buf.release();
      if (bytes >= expected) {
        done.complete(countReply ? reply.getLong(0) : bytes);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      done.completeExceptionally(new IOException("closed after " + bytes + " bytes"));
    }
  }

  /** Counts reply bytes; every whole pong frame completes the oldest waiting future. */
  private static final class Replies extends ChannelInboundHandlerAdapter {
    private final int pongFrameLength;
    // Event-loop confined.
    private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private long bytes;

    Replies(int pongFrameLength) {
      this.pongFrameLength = pongFrameLength;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      bytes += buf.readableBytes();
      buf.release();
      while (bytes >= pongFrameLength && !waiting.isEmpty()) {
        bytes -= pongFrameLength;
        waiting.pollFirst().complete(null);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      IOException gone = new IOException("the floor server closed the connection");
      CompletableFuture<Void> f;
      while ((f = waiting.pollFirst()) != null) {
        f.completeExceptionally(gone);
      }
    }
  }
}
