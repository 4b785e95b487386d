package io.quantix.agent.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.FileWriteRequest;
import io.quantix.agent.proto.PingRequest;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** {@link FrameEncoder#encodeStamped}: the same bytes as building the stamped copy, without it. */
class StampedEncodingTest {
  private static final ByteBufAllocator HEAP = new UnpooledByteBufAllocator(false);
  private static final ByteBufAllocator DIRECT = new UnpooledByteBufAllocator(true);

  record Case(AgentMessage message, String id, long millis, FrameFormat format, boolean direct) {}

  private static Timestamp timestampOf(long millis) {
    return Timestamp.newBuilder().setSeconds(Math.floorDiv(millis, 1000L))
        .setNanos((int) Math.floorMod(millis, 1000L) * 1_000_000).build();
  }

  private static String hexOf(ByteBuf frame) {
    try {
      return ByteBufUtil.hexDump(frame);
    } finally {
      frame.release();
    }
  }

  private static String expected(Case c) {
    AgentMessage stamped = c.message().toBuilder().setMessageId(c.id())
        .setTimestamp(timestampOf(c.millis())).build();
    return hexOf(FrameEncoder.encode(stamped, HEAP, c.format()));
  }

  private static String actual(Case c) {
    return hexOf(FrameEncoder.encodeStamped(c.message(), c.id(), c.millis(),
        c.direct() ? DIRECT : HEAP, c.format()));
  }

  @Test
  void anyMessageIdAndTimeEncodeExactlyAsTheBuiltCopy() {
    Gen<Case> cases = in -> {
      Generators.Draw draw = new Generators.Draw(in);
      AgentMessage message = Generators.messages().generate(in);
      String id = draw.between(0, 5) == 0 ? "" : draw.messageId();
      long millis = draw.between(0, 3) == 0 ? draw.anyLong() / 1000 : 1_700_000_000_000L + draw.between(0, 1_000_000);
      return new Case(message, id, millis, draw.bool() ? FrameFormat.MAGIC : FrameFormat.LEGACY, draw.bool());
    };
    qt().withExamples(1000).forAll(cases).checkAssert(c -> assertThat(actual(c)).isEqualTo(expected(c)));
  }

  @Test
  void aMessageThatAlreadyCarriesAnIdAndTimeIsRestampedNotMerged() {
    AgentMessage old = AgentMessage.newBuilder().setMessageId("old").setTimestamp(timestampOf(5_123))
        .setPing(PingRequest.newBuilder().setSequence(7)).build();
    Case c = new Case(old, "new", 1_700_000_000_250L, FrameFormat.MAGIC, true);
    assertThat(actual(c)).isEqualTo(expected(c));
  }

  @Test
  void largePayloadsGoStraightIntoADirectFrame() {
    AgentMessage upload = AgentMessage.newBuilder().setFileWrite(FileWriteRequest.newBuilder()
        .setPath("/tmp/x").setData(ByteString.copyFrom(new byte[256 * 1024]))).build();
    Case c = new Case(upload, "id-1", 1_700_000_000_001L, FrameFormat.MAGIC, true);
    assertThat(actual(c)).isEqualTo(expected(c));
  }

  @Test
  void theStampCountsTowardsTheFrameLimit() {
    byte[] data = new byte[Framing.MAX_PAYLOAD_LENGTH - 20];
    AgentMessage nearlyFull = AgentMessage.newBuilder().setFileWrite(FileWriteRequest.newBuilder()
        .setData(ByteString.copyFrom(data))).build();
    assertThat(nearlyFull.getSerializedSize()).isLessThanOrEqualTo(Framing.MAX_PAYLOAD_LENGTH);
    assertThatThrownBy(() -> FrameEncoder.encodeStamped(nearlyFull, "x".repeat(40), 1L, HEAP,
        FrameFormat.MAGIC)).isInstanceOf(FrameTooLargeException.class);
  }
}
