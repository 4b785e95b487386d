package io.quantix.agent.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.FileWriteRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FrameEncoderTest {

  @BeforeAll
  static void trackLeaks() {
    Leaks.reset();
  }

  @AfterAll
  static void noLeaks() {
    Leaks.assertNone();
  }

  @ParameterizedTest
  @EnumSource(value = FrameFormat.class, names = {"MAGIC", "LEGACY"})
  void aMessageOver16MiBIsRefusedBeforeAByteIsWritten(FrameFormat format) {
    AgentMessage tooLarge = messageOfSize(Framing.MAX_PAYLOAD_LENGTH + 1);
    EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder(format));

    ChannelFuture write = channel.writeAndFlush(tooLarge);

    assertThat(write.isDone()).isTrue();
    assertThat(write.cause()).isInstanceOf(FrameTooLargeException.class);
    assertThat(((FrameTooLargeException) write.cause()).payloadLength())
        .isEqualTo(Framing.MAX_PAYLOAD_LENGTH + 1);
    assertThat(channel.outboundMessages()).isEmpty();
    // the channel stays usable for the next message
    assertThat(channel.writeOutbound(GoldenFramesTest.PING)).isTrue();
    int header = format == FrameFormat.LEGACY ? Framing.LEGACY_HEADER_LENGTH : Framing.HEADER_LENGTH;
    assertThat(Wire.drain(channel.readOutbound()))
        .hasSize(header + GoldenFramesTest.PING_PAYLOAD.length);
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void staticEncodeRefusesWithoutAllocating() {
    UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
    AgentMessage tooLarge = messageOfSize(Framing.MAX_PAYLOAD_LENGTH + 1);

    assertThatThrownBy(() -> FrameEncoder.encode(tooLarge, alloc, FrameFormat.MAGIC))
        .isInstanceOf(FrameTooLargeException.class)
        .hasMessageContaining(String.valueOf(Framing.MAX_PAYLOAD_LENGTH + 1));
    assertThat(alloc.metric().usedHeapMemory()).isZero();
    assertThat(alloc.metric().usedDirectMemory()).isZero();
    assertThatThrownBy(() -> Framing.checkEncodable(tooLarge)).isInstanceOf(FrameTooLargeException.class);
  }

  @Test
  void anEmptyMessageIsRefusedBecauseAZeroLengthFrameIsInvalid() {
    AgentMessage empty = AgentMessage.getDefaultInstance();
    assertThatThrownBy(() -> FrameEncoder.encode(empty, new UnpooledByteBufAllocator(false), FrameFormat.MAGIC))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zero-length frame");
    EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder(FrameFormat.MAGIC));
    ChannelFuture write = channel.writeAndFlush(empty);
    assertThat(write.cause()).isInstanceOf(IllegalArgumentException.class);
    assertThat(channel.outboundMessages()).isEmpty();
    assertThat(channel.finish()).isFalse();
    // A message_id alone is a valid, non-empty frame.
    Wire.drain(FrameEncoder.encode(AgentMessage.newBuilder().setMessageId("x").build(),
        new UnpooledByteBufAllocator(false), FrameFormat.MAGIC));
  }

  @Test
  void aMessageOfExactly16MiBIsFramedAndDecoded() {
    AgentMessage largest = messageOfSize(Framing.MAX_PAYLOAD_LENGTH);
    assertThat(Framing.checkEncodable(largest)).isEqualTo(Framing.MAX_PAYLOAD_LENGTH);

    ByteBuf frame = FrameEncoder.encode(largest, ByteBufAllocator.DEFAULT, FrameFormat.MAGIC);
    try {
      assertThat(frame.readableBytes()).isEqualTo(Framing.HEADER_LENGTH + Framing.MAX_PAYLOAD_LENGTH);
      assertThat(frame.getInt(0)).isEqualTo(Framing.MAGIC);
      assertThat(frame.getInt(4)).isEqualTo(Framing.MAX_PAYLOAD_LENGTH);
      EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(FrameFormat.MAGIC));
      channel.writeInbound(frame.retain());
      assertThat((AgentMessage) channel.readInbound()).isEqualTo(largest);
      assertThat(channel.finish()).isFalse();
    } finally {
      frame.release();
    }
  }

  @Test
  void encodesIntoHeapAndSplitBuffersAlike() {
    assertThat(Wire.drain(FrameEncoder.encode(GoldenFramesTest.PONG, allocator(false), FrameFormat.MAGIC)))
        .isEqualTo(GoldenFramesTest.PONG_FRAME);
    // a buffer of two components takes the encoder's byte[] path
    assertThat(Wire.drain(FrameEncoder.encode(GoldenFramesTest.PONG, allocator(true), FrameFormat.MAGIC)))
        .isEqualTo(GoldenFramesTest.PONG_FRAME);
  }

  /** Hands out heap buffers for I/O, optionally split into two components. */
  private static ByteBufAllocator allocator(boolean split) {
    return new AbstractByteBufAllocator(false) {
      @Override
      protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
      }

      @Override
      protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
      }

      @Override
      public boolean isDirectBufferPooled() {
        return false;
      }

      @Override
      public ByteBuf ioBuffer(int initialCapacity) {
        if (!split) {
          return heapBuffer(initialCapacity);
        }
        CompositeByteBuf composite = compositeHeapBuffer();
        composite.addComponent(false, heapBuffer(initialCapacity / 2).writerIndex(initialCapacity / 2));
        composite.addComponent(false, heapBuffer(initialCapacity - initialCapacity / 2)
            .writerIndex(initialCapacity - initialCapacity / 2));
        composite.capacity(initialCapacity);
        composite.setIndex(0, 0);
        assertThat(composite.nioBufferCount()).isEqualTo(2);
        return composite;
      }
    };
  }

  @Test
  void otherMessagesPassThroughUntouched() {
    EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder(FrameFormat.MAGIC));
    ByteBuf raw = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
    assertThat(channel.writeOutbound(raw)).isTrue();
    ByteBuf out = channel.readOutbound();
    assertThat(out).isSameAs(raw);
    raw.release();
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void anEncoderNeedsADefiniteFormat() {
    assertThatThrownBy(() -> new FrameEncoder(FrameFormat.AUTO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FrameEncoder(null)).isInstanceOf(IllegalArgumentException.class);
  }

  /** A file write whose AgentMessage encodes to exactly {@code size} bytes. */
  static AgentMessage messageOfSize(int size) {
    AgentMessage.Builder builder = AgentMessage.newBuilder()
        .setMessageId("3f2b8c1e-7d4a-4e9b-9c2f-1a5e6d7b8c94");
    byte[] data = new byte[size];
    new java.util.SplittableRandom(size).nextBytes(data);
    for (int i = 0; i < data.length; i++) {
      if (data[i] == 0x51) {
        data[i] = 0x52;
      }
    }
    for (int length = size; length > 0; length--) {
      AgentMessage message = builder
          .setFileWrite(FileWriteRequest.newBuilder().setPath("/var/tmp/large")
              .setData(ByteString.copyFrom(data, 0, length)))
          .build();
      if (message.getSerializedSize() == size) {
        return message;
      }
      if (message.getSerializedSize() < size) {
        break;
      }
      length -= Math.max(0, message.getSerializedSize() - size - 1);
    }
    throw new AssertionError("no message of " + size + " bytes");
  }
}
