package io.quantix.agent.benchmarks.framing;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.quantix.agent.framing.FrameDecoder;
import io.quantix.agent.framing.FrameEncoder;
import io.quantix.agent.framing.FrameFormat;
import io.quantix.agent.framing.Framing;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.FileReadResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the SDK's framing against protobuf's own serialise-and-parse of the same message: a
 * {@code FileReadResponse} whose {@code data} holds {@code size} random bytes.
 *
 * <ul>
 *   <li>{@code sdkFraming}: {@link FrameEncoder#encode} into a buffer of the channel's allocator
 *       (Netty 4.2's default, the pooled adaptive allocator, as a real pipeline's
 *       {@code ctx.alloc()}), then that buffer through a {@link FrameDecoder} in a channel pipeline,
 *       as a transport delivers a read; the decoder releases it.
 *   <li>{@code sdkFramingPooledAllocator}: the same with {@link PooledByteBufAllocator#DEFAULT}. With
 *       one 1 MiB buffer in use at a time, that allocator creates and frees a whole chunk per
 *       operation; shown for comparison.
 *   <li>{@code protobufByteArray}: {@code toByteArray()} and {@code parseFrom(byte[])}.
 *   <li>{@code protobufDirectBuffer}: {@code writeTo} a reused direct {@link ByteBuffer} and
 *       {@code parseFrom(ByteBuffer)}.
 *   <li>{@code floorNettyBuffer}: the least any framing through a Netty buffer does, written inline:
 *       a buffer of the channel's allocator, the 8-byte header, the message serialised into a reused
 *       array and copied in, copied out into an array and parsed, the buffer released. No pipeline,
 *       no validation, no resynchronisation.
 *   <li>{@code floorNettyBufferAllocation}: only the allocation and release of that buffer. A round
 *       trip through a socket needs at least one buffer from the allocator, the one the transport
 *       reads into; in this benchmark the frame's buffer stands for it. So protobuf's round trip
 *       plus this is the lower bound of any framing on Netty.
 * </ul>
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar Framing -f 1 -wi 3 -w 2s -i 5 -r 2s
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FramingBenchmark {

  @Param({"100", "1024", "65536", "1048576"})
  public int size;

  private AgentMessage message;
  private ByteBufAllocator alloc;
  private EmbeddedChannel channel;
  private ChannelPipeline pipeline;
  private Capture capture;
  private EmbeddedChannel pooledChannel;
  private ChannelPipeline pooledPipeline;
  private Capture pooledCapture;
  private ByteBuffer direct;
  private int serializedSize;
  private final byte[] scratch = new byte[4096];

  @Setup(Level.Trial)
  public void setUp() {
    byte[] data = new byte[size];
    SplittableRandom random = new SplittableRandom(size);
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) random.nextInt(256);
    }
    message = AgentMessage.newBuilder()
        .setMessageId("3f2b8c1e-7d4a-4e9b-9c2f-1a5e6d7b8c90")
        .setFileReadResponse(FileReadResponse.newBuilder()
            .setSuccess(true)
            .setData(ByteString.copyFrom(data))
            .setTotalSize(10L * size)
            .setOffset(4L * size))
        .build();
    capture = new Capture();
    channel = new EmbeddedChannel(new FrameDecoder(FrameFormat.MAGIC), capture);
    pipeline = channel.pipeline();
    alloc = channel.alloc();
    pooledCapture = new Capture();
    pooledChannel = new EmbeddedChannel(new FrameDecoder(FrameFormat.MAGIC), pooledCapture);
    pooledPipeline = pooledChannel.pipeline();
    serializedSize = message.getSerializedSize();
    direct = ByteBuffer.allocateDirect(serializedSize);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    channel.finishAndReleaseAll();
    pooledChannel.finishAndReleaseAll();
  }

  @Benchmark
  public AgentMessage sdkFraming() {
    ByteBuf frame = FrameEncoder.encode(message, alloc, FrameFormat.MAGIC);
    pipeline.fireChannelRead(frame);
    return capture.take();
  }

  @Benchmark
  public AgentMessage sdkFramingPooledAllocator() {
    ByteBuf frame = FrameEncoder.encode(message, PooledByteBufAllocator.DEFAULT, FrameFormat.MAGIC);
    pooledPipeline.fireChannelRead(frame);
    return pooledCapture.take();
  }

  @Benchmark
  public AgentMessage floorNettyBuffer() throws IOException {
    int length = message.getSerializedSize();
    ByteBuf frame = alloc.ioBuffer(8 + length);
    try {
      frame.writeInt(Framing.MAGIC);
      frame.writeInt(length);
      byte[] encoded = length <= scratch.length ? scratch : new byte[length];
      CodedOutputStream output = CodedOutputStream.newInstance(encoded, 0, length);
      message.writeTo(output);
      frame.writeBytes(encoded, 0, length);
      byte[] payload = new byte[frame.getInt(4)];
      frame.getBytes(8, payload);
      return AgentMessage.parseFrom(payload);
    } finally {
      frame.release();
    }
  }

  @Benchmark
  public ByteBuf floorNettyBufferAllocation() {
    ByteBuf frame = alloc.ioBuffer(8 + serializedSize);
    frame.writeInt(Framing.MAGIC);
    frame.release();
    return frame;
  }

  @Benchmark
  public AgentMessage protobufByteArray() throws InvalidProtocolBufferException {
    return AgentMessage.parseFrom(message.toByteArray());
  }

  @Benchmark
  public AgentMessage protobufDirectBuffer() throws IOException {
    direct.clear();
    CodedOutputStream output = CodedOutputStream.newInstance(direct);
    message.writeTo(output);
    output.flush();
    direct.flip();
    return AgentMessage.parseFrom(direct);
  }

  /** The pipeline's last handler: keeps the message the decoder produced. */
  static final class Capture extends ChannelInboundHandlerAdapter {
    private AgentMessage last;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      last = (AgentMessage) msg;
    }

    AgentMessage take() {
      AgentMessage message = last;
      if (message == null) {
        throw new IllegalStateException("the decoder produced nothing");
      }
      last = null;
      return message;
    }
  }
}
