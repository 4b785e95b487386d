package io.quantix.agent.framing;

import static io.quantix.agent.framing.FramingProperties.assertCutCostsAtMostTheFrameAfterIt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import com.google.protobuf.UnsafeByteOperations;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.quantix.agent.framing.FramingProperties.Truncated;
import io.quantix.agent.framing.Generators.Draw;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.FileReadResponse;
import io.quantix.agent.proto.FileWriteRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quicktheories.core.Gen;

/**
 * Frames of {@link FrameDecoder#GATHER_LENGTH} bytes and more, which gather their reads in a
 * composite buffer while they arrive: they decode like any frame across any read boundaries and in
 * both framings, a long frame cut short costs no more than a short one, and short frames merge
 * their reads again afterwards.
 */
@ExtendWith(Leaks.PerTest.class)
class LongFrameGatherTest {
  private static final int EXAMPLES = 150;
  private static final int MAX_READS = 80;

  /** A transfer chunk of 64 KiB to 320 KiB, its bytes rich in the magic's bytes. */
  static AgentMessage longMessage(Draw draw) {
    byte[] data = new byte[draw.between(FrameDecoder.GATHER_LENGTH, 320 * 1024)];
    SplittableRandom random = new SplittableRandom(draw.anyLong());
    for (int i = 0; i < data.length; i++) {
      data[i] = random.nextInt(8) == 0 ? (byte) (Framing.MAGIC >>> 24) : (byte) random.nextInt(256);
    }
    AgentMessage.Builder message = AgentMessage.newBuilder().setMessageId(draw.messageId());
    if (draw.bool()) {
      message.setFileReadResponse(FileReadResponse.newBuilder().setSuccess(true)
          .setData(UnsafeByteOperations.unsafeWrap(data)).setOffset(draw.anyLong()));
    } else {
      message.setFileWrite(FileWriteRequest.newBuilder().setPath("/tmp/f")
          .setData(UnsafeByteOperations.unsafeWrap(data)).setChunkNumber(draw.between(0, 9)));
    }
    return message.build();
  }

  static List<AgentMessage> mixed(Draw draw, int min, int max) {
    int count = draw.between(min, max);
    List<AgentMessage> messages = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      messages.add(draw.between(0, 2) == 0 ? Generators.message(draw) : longMessage(draw));
    }
    return messages;
  }

  record RoundTrip(List<AgentMessage> messages, FrameFormat encoding, List<Integer> slices) {}

  @Test
  void longFramesRoundTripAcrossAnyReadBoundaries() {
    Gen<RoundTrip> cases = in -> {
      Draw draw = new Draw(in);
      return new RoundTrip(mixed(draw, 1, 5), draw.bool() ? FrameFormat.MAGIC : FrameFormat.LEGACY,
          Generators.slices().generate(in));
    };
    qt().withExamples(EXAMPLES).withShrinkCycles(50).forAll(cases).checkAssert(c -> {
      List<byte[]> frames = new ArrayList<>();
      for (AgentMessage message : c.messages()) {
        frames.add(Wire.drain(FrameEncoder.encode(message, ByteBufAllocator.DEFAULT, c.encoding())));
      }
      byte[] stream = Wire.concat(frames);
      Wire.Decoding decoding = new Wire.Decoding(c.encoding());

      decoding.feed(stream, c.slices(), MAX_READS,
          () -> FramingProperties.assertHoldsOnlyWhatItNeeds(decoding)).finish();

      assertThat(decoding.messages()).isEqualTo(c.messages());
      assertThat(decoding.outcomes()).isEmpty();
      assertThat(decoding.stats().decodedBytes()).isEqualTo(stream.length);
    });
  }

  /**
   * The frames after the cut are short: a long one there can be lost whether reads gather or merge,
   * as the resynchronisation gives up after 64 KiB without a frame (the package documentation).
   */
  @Test
  void aLongFrameCutShortCostsAtMostTheFrameAfterIt() {
    Gen<Truncated> cases = in -> {
      Draw draw = new Draw(in);
      List<AgentMessage> before = mixed(draw, 0, 2);
      byte[] frame = Wire.frame(longMessage(draw));
      byte[] cut = Arrays.copyOf(frame, draw.between(1, frame.length - 1));
      return new Truncated(before, cut, Generators.messageLists(1, 6).generate(in),
          Generators.slices().generate(in));
    };
    qt().withExamples(EXAMPLES).withShrinkCycles(50).forAll(cases)
        .checkAssert(c -> assertCutCostsAtMostTheFrameAfterIt(c, MAX_READS));
  }

  @Test
  void aLongFrameGathersItsReadsWithoutMergingThemAndShortFramesMergeAgain() {
    AgentMessage first = AgentMessage.newBuilder().setMessageId("long-1")
        .setFileReadResponse(FileReadResponse.newBuilder().setSuccess(true)
            .setData(UnsafeByteOperations.unsafeWrap(new byte[200_000]))).build();
    AgentMessage second = AgentMessage.newBuilder().setMessageId("short-2")
        .setFileReadResponse(FileReadResponse.newBuilder().setSuccess(true)
            .setData(UnsafeByteOperations.unsafeWrap(new byte[1000]))).build();
    byte[] longFrame = Wire.frame(first);
    byte[] shortFrame = Wire.frame(second);
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.MAGIC);

    decoding.feed(longFrame, 0, 30_000).feed(longFrame, 30_000, 30_000);
    assertThat(Wire.buffered(decoding.decoder)).isInstanceOf(CompositeByteBuf.class);
    decoding.feed(longFrame, 60_000, longFrame.length - 60_000);
    decoding.feed(shortFrame, 0, 400).feed(shortFrame, 400, 400);
    assertThat(Wire.buffered(decoding.decoder)).isNotInstanceOf(CompositeByteBuf.class);
    decoding.feed(shortFrame, 800, shortFrame.length - 800).finish();

    assertThat(decoding.messages()).containsExactly(first, second);
    assertThat(decoding.outcomes()).isEmpty();
  }
}
