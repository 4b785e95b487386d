package io.quantix.agent.framing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.FileReadResponse;
import io.quantix.agent.proto.FileWriteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Frames over {@link FrameEncoder#LARGE_FRAME_PIECE}: built from pieces no larger than the default
 * allocator pools (a 1 MiB chunk's frame is a few bytes over 1 MiB), with exactly the bytes of the
 * one-buffer encoding.
 */
@ExtendWith(Leaks.PerTest.class)
class LargeFrameEncodingTest {
  private static final int PIECE = FrameEncoder.LARGE_FRAME_PIECE;

  private static ByteString data(int size) {
    byte[] bytes = new byte[size];
    new SplittableRandom(size).nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }

  private static AgentMessage readReply(int size) {
    return AgentMessage.newBuilder().setMessageId("r-1").setFileReadResponse(FileReadResponse
        .newBuilder().setSuccess(true).setData(data(size)).setOffset(7L << 20).setTotalSize(1L << 30)
        .setEof(false).setMode(0644)).build();
  }

  private static AgentMessage writeRequest(int size) {
    return AgentMessage.newBuilder().setFileWrite(FileWriteRequest.newBuilder()
        .setPath("/var/tmp/upload.bin").setData(data(size)).setOffset(3L << 20).setChunkNumber(3))
        .build();
  }

  /** The frame as one array: header, then protobuf's own serialisation. */
  private static byte[] oneBuffer(AgentMessage message, FrameFormat format) {
    byte[] payload = message.toByteArray();
    ByteBuf frame = Unpooled.buffer();
    if (format == FrameFormat.MAGIC) {
      frame.writeInt(Framing.MAGIC);
    }
    frame.writeInt(payload.length).writeBytes(payload);
    byte[] bytes = ByteBufUtil.getBytes(frame);
    frame.release();
    return bytes;
  }

  private static List<Integer> pieceCapacities(ByteBuf frame) {
    List<Integer> capacities = new ArrayList<>();
    if (frame instanceof CompositeByteBuf composite) {
      for (int i = 0; i < composite.numComponents(); i++) {
        capacities.add(composite.internalComponent(i).capacity());
      }
    } else {
      capacities.add(frame.capacity());
    }
    return capacities;
  }

  private static byte[] drain(ByteBuf frame) {
    try {
      return ByteBufUtil.getBytes(frame);
    } finally {
      frame.release();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {PIECE - 100, PIECE, PIECE + 1, 3 * PIECE + 7, Framing.MAX_PAYLOAD_LENGTH - 64})
  void aLargeFrameIsPooledPiecesWithTheOneBufferBytes(int dataSize) {
    for (AgentMessage message : List.of(readReply(dataSize), writeRequest(dataSize))) {
      for (FrameFormat format : List.of(FrameFormat.MAGIC, FrameFormat.LEGACY)) {
        ByteBuf frame = FrameEncoder.encode(message, ByteBufAllocator.DEFAULT, format);
        assertThat(pieceCapacities(frame)).allSatisfy(c -> assertThat(c).isLessThanOrEqualTo(PIECE));
        assertThat(frame.isDirect()).as("direct, so the transport writes it without a copy").isTrue();
        assertThat(drain(frame)).isEqualTo(oneBuffer(message, format));
      }
    }
  }

  @Test
  void aOneMiBChunksFrameIsTwoPiecesNotAFreshBufferOutsideThePool() {
    ByteBuf frame = FrameEncoder.encode(readReply(PIECE), ByteBufAllocator.DEFAULT, FrameFormat.MAGIC);
    try {
      assertThat(frame.readableBytes()).isGreaterThan(PIECE);
      assertThat(pieceCapacities(frame)).hasSize(2).first().isEqualTo(PIECE);
    } finally {
      frame.release();
    }
  }

  @Test
  void aStampedLargeFrameHasTheBuiltCopysBytes() {
    AgentMessage upload = writeRequest(PIECE + 5000);
    AgentMessage built = upload.toBuilder().setMessageId("req-42").setTimestamp(
        com.google.protobuf.Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(5_000_000)).build();
    ByteBuf frame = FrameEncoder.encodeStamped(upload, "req-42", 1_700_000_000_005L,
        ByteBufAllocator.DEFAULT, FrameFormat.MAGIC);
    assertThat(pieceCapacities(frame)).allSatisfy(c -> assertThat(c).isLessThanOrEqualTo(PIECE));
    assertThat(drain(frame)).isEqualTo(oneBuffer(built, FrameFormat.MAGIC));
  }

  @Test
  void onAHeapAllocatorTheFrameIsHeapPiecesWithTheSameBytes() {
    AgentMessage message = readReply(2 * PIECE);
    ByteBuf frame = FrameEncoder.encode(message, new UnpooledByteBufAllocator(false), FrameFormat.MAGIC);
    assertThat(pieceCapacities(frame)).allSatisfy(c -> assertThat(c).isLessThanOrEqualTo(PIECE));
    assertThat(drain(frame)).isEqualTo(oneBuffer(message, FrameFormat.MAGIC));
  }

  @Test
  void theEncoderHandlerWritesALargeFrameThatTheDecoderReadsBack() {
    AgentMessage message = readReply(PIECE + 1);
    EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder(FrameFormat.MAGIC));
    assertThat(out.writeOutbound(message)).isTrue();
    ByteBuf frame = out.readOutbound();
    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(FrameFormat.MAGIC));
    in.writeInbound(frame);
    assertThat((AgentMessage) in.readInbound()).isEqualTo(message);
    assertThat(out.finish()).isFalse();
    assertThat(in.finish()).isFalse();
  }
}
