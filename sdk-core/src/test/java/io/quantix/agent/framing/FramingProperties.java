package io.quantix.agent.framing;

import static io.quantix.agent.framing.Generators.garbage;
import static io.quantix.agent.framing.Generators.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.quantix.agent.framing.FrameOutcome.FrameDropped;
import io.quantix.agent.framing.FrameOutcome.GarbageSkipped;
import io.quantix.agent.framing.FrameOutcome.ResyncFailed;
import io.quantix.agent.framing.Generators.Draw;
import io.quantix.agent.proto.AgentMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quicktheories.core.Gen;

/**
 * Properties of the framing codec, 1,000 examples each. Streams are fed to a decoder in random
 * slices of tracked pooled buffers; every property also fails on a leaked buffer.
 */
@ExtendWith(Leaks.PerTest.class)
class FramingProperties {
  private static final int EXAMPLES = 1000;
  /** Shrinking long streams is slow; a bounded search still gives a small counterexample. */
  private static final int SHRINK_CYCLES = 300;
  /**
   * Reads per example at most: every read is a buffer allocation whose stack PARANOID leak detection
   * records, which dominates the run time. Streams longer than this many small slices get larger ones.
   */
  private static final int MAX_READS = 100;
  private static final int MAX_BUFFERED = Framing.HEADER_LENGTH + Framing.MAX_PAYLOAD_LENGTH;

  // ---- (a) round trip ----

  record RoundTrip(
      List<AgentMessage> messages, FrameFormat encoding, boolean autoDetect, List<Integer> slices) {}

  @Test
  void anyMessagesRoundTripAcrossAnyReadBoundaries() {
    Gen<RoundTrip> cases = in -> {
      Draw draw = new Draw(in);
      List<AgentMessage> messages = Generators.messageLists(1, 8).generate(in);
      FrameFormat encoding = draw.bool() ? FrameFormat.MAGIC : FrameFormat.LEGACY;
      return new RoundTrip(messages, encoding, draw.between(0, 2) == 0, Generators.slices().generate(in));
    };
    qt().withExamples(EXAMPLES).withShrinkCycles(SHRINK_CYCLES).forAll(cases).checkAssert(c -> {
      List<byte[]> frames = new ArrayList<>();
      for (AgentMessage message : c.messages()) {
        byte[] frame = Wire.drain(FrameEncoder.encode(message, ByteBufAllocator.DEFAULT, c.encoding()));
        // the encoder writes exactly the header and protobuf's own bytes
        assertThat(frame).isEqualTo(
            c.encoding() == FrameFormat.MAGIC ? Wire.frame(message) : Wire.legacyFrame(message));
        frames.add(frame);
      }
      byte[] stream = Wire.concat(frames);
      Wire.Decoding decoding = new Wire.Decoding(c.autoDetect() ? FrameFormat.AUTO : c.encoding());

      decoding.feed(stream, c.slices(), MAX_READS, () -> assertHoldsOnlyWhatItNeeds(decoding)).finish();

      assertThat(decoding.messages()).isEqualTo(c.messages());
      assertThat(decoding.outcomes()).isEmpty();
      assertThat(decoding.decoder.format()).isEqualTo(c.encoding());
      assertThat(decoding.stats().decodedFrames()).isEqualTo(c.messages().size());
      assertThat(decoding.stats().decodedBytes()).isEqualTo(stream.length);
      assertThat(decoding.stats().skippedBytes()).isZero();
      assertThat(decoding.stats().droppedFrames()).isZero();
    });
  }

  // ---- (b) garbage before frames ----

  record Garbled(List<byte[]> garbage, List<AgentMessage> messages, byte[] trailing, List<Integer> slices) {
    byte[] stream() {
      List<byte[]> parts = new ArrayList<>();
      for (int i = 0; i < messages.size(); i++) {
        parts.add(garbage.get(i));
        parts.add(Wire.frame(messages.get(i)));
      }
      parts.add(trailing);
      return Wire.concat(parts);
    }

    long garbageLength() {
      return garbage.stream().mapToLong(g -> g.length).sum() + trailing.length;
    }
  }

  @Test
  void garbageWithoutMagicBeforeFramesIsSkippedAndCountedExactly() {
    Gen<Garbled> cases = in -> {
      Draw draw = new Draw(in);
      List<AgentMessage> messages = Generators.messageLists(1, 6).generate(in);
      List<byte[]> garbage = new ArrayList<>();
      for (int i = 0; i < messages.size(); i++) {
        garbage.add(garbage(draw, draw.between(0, 3) == 0 ? Framing.RESYNC_LIMIT : 300));
      }
      return new Garbled(garbage, messages, garbage(draw, 40), Generators.slices().generate(in));
    };
    qt().withExamples(EXAMPLES).withShrinkCycles(SHRINK_CYCLES).forAll(cases).checkAssert(c -> {
      byte[] stream = c.stream();
      Wire.Decoding decoding = new Wire.Decoding(FrameFormat.MAGIC);

      decoding.feed(stream, c.slices(), MAX_READS, () -> assertHoldsOnlyWhatItNeeds(decoding)).finish();

      assertThat(decoding.messages()).isEqualTo(c.messages());
      assertThat(decoding.stats().skippedBytes()).isEqualTo(c.garbageLength());
      assertThat(decoding.recorder.garbageSkipped()).isEqualTo(c.garbageLength());
      assertThat(decoding.outcomes()).allMatch(o -> o instanceof GarbageSkipped);
      assertThat(decoding.stats().droppedFrames()).isZero();
      assertThat(decoding.stats().resyncFailures()).isZero();
      assertThat(decoding.stats().decodedBytes() + c.garbageLength()).isEqualTo(stream.length);
    });
  }

  // ---- (c) arbitrary bytes ----

  record Arbitrary(byte[] stream, FrameFormat format, boolean requireMessageId, List<Integer> slices) {}

  /** Streams mixing garbage, magics, odd lengths, valid, corrupted, truncated and legacy frames. */
  static Gen<Arbitrary> arbitraryStreams() {
    return in -> {
      Draw draw = new Draw(in);
      List<byte[]> parts = new ArrayList<>();
      for (int i = draw.between(0, 12); i > 0; i--) {
        parts.add(segment(draw));
      }
      FrameFormat format = FrameFormat.values()[draw.between(0, 2)];
      return new Arbitrary(Wire.concat(parts), format, draw.bool(), Generators.slices().generate(in));
    };
  }

  private static byte[] segment(Draw draw) {
    switch (draw.between(0, 10)) {
      case 0:
        return draw.magicRichBytes(draw.between(0, 300));
      case 1:
        return Wire.MAGIC;
      case 2: {
        long[] lengths = {0, 1, 7, 8, 100, 0xff_ffff, Framing.MAX_PAYLOAD_LENGTH,
            Framing.MAX_PAYLOAD_LENGTH + 1L, Framing.MAGIC, 0xffff_ffffL, draw.anyLong()};
        return Wire.concat(Wire.MAGIC, Wire.u32(lengths[draw.between(0, lengths.length - 1)]));
      }
      case 3: {
        byte[] payload = draw.magicRichBytes(draw.between(0, 200));
        return Wire.concat(Wire.MAGIC, Wire.u32(payload.length), payload);
      }
      case 4:
        return Wire.frame(message(draw));
      case 5: {
        byte[] frame = Wire.frame(message(draw));
        return Arrays.copyOf(frame, draw.between(0, frame.length));
      }
      case 6: {
        byte[] frame = Wire.frame(message(draw));
        for (int flips = draw.between(1, 4); flips > 0; flips--) {
          frame[draw.between(0, frame.length - 1)] ^= (byte) draw.between(1, 255);
        }
        return frame;
      }
      case 7:
        return Wire.legacyFrame(message(draw));
      case 8:
        return Wire.frame(AgentMessage.newBuilder().setMessageId(draw.text(3)).build().toByteArray());
      case 9:
        return Generators.withoutMagic(draw.magicRichBytes(draw.between(0, 70_000)));
      default:
        return Wire.frame(draw.magicRichBytes(draw.between(1, 100)));
    }
  }

  @Test
  void anyByteStreamYieldsOnlyValidMessagesAndTypedOutcomesWithinTheLimits() {
    qt().withExamples(EXAMPLES).withShrinkCycles(SHRINK_CYCLES).forAll(arbitraryStreams()).checkAssert(c -> {
      Wire.Decoding decoding = new Wire.Decoding(new FrameDecoder(c.format(), c.requireMessageId()));

      // writeInbound rethrows anything that escaped into the pipeline (checkException)
      decoding.feed(c.stream(), c.slices(), MAX_READS, () -> assertHoldsOnlyWhatItNeeds(decoding)).finish();

      for (AgentMessage message : decoding.messages()) {
        assertThat(message.getPayloadCase()).isNotEqualTo(AgentMessage.PayloadCase.PAYLOAD_NOT_SET);
        assertThat(message.getMessageId())
            .hasSizeLessThanOrEqualTo(128)
            .doesNotContainPattern("[\\x00-\\x1f\\x7f]");
        if (c.requireMessageId()) {
          assertThat(message.getMessageId()).isNotEmpty();
        }
      }
      List<Object> events = decoding.recorder.events;
      int failure = indexOfResyncFailed(events);
      FramingStats stats = decoding.stats();
      assertThat(stats.decodedFrames()).isEqualTo(decoding.messages().size());
      assertThat(stats.droppedFrames())
          .isEqualTo(decoding.outcomes().stream().filter(o -> o instanceof FrameDropped).count());
      long accounted = stats.decodedBytes() + decoding.recorder.droppedBytes();
      if (failure < 0) {
        // every byte is a decoded frame, a dropped frame or skipped garbage
        assertThat(stats.skippedBytes()).isEqualTo(decoding.recorder.garbageSkipped());
        assertThat(accounted + stats.skippedBytes()).isEqualTo(c.stream().length);
        assertThat(stats.resyncFailures()).isZero();
      } else {
        assertThat(failure).as("ResyncFailed is the last thing the decoder says")
            .isEqualTo(events.size() - 1);
        assertThat(stats.resyncFailures()).isEqualTo(1);
        assertThat(accounted + stats.skippedBytes()).isLessThanOrEqualTo(c.stream().length);
      }
    });
  }

  record MagicFree(byte[] stream, boolean autoDetect, List<Integer> slices) {}

  @Test
  void resyncFailsExactlyWhenMoreThan64KiBPassWithoutAMagic() {
    Gen<MagicFree> cases = in -> {
      Draw draw = new Draw(in);
      int length = draw.between(0, 3) == 0
          ? Framing.RESYNC_LIMIT + draw.between(-8, 8)
          : draw.between(0, 2 * Framing.RESYNC_LIMIT);
      byte[] stream = Generators.withoutMagic(draw.magicRichBytes(length));
      return new MagicFree(stream, draw.bool(), Generators.slices().generate(in));
    };
    qt().withExamples(EXAMPLES).withShrinkCycles(SHRINK_CYCLES).forAll(cases).checkAssert(c -> {
      Wire.Decoding decoding = new Wire.Decoding(c.autoDetect() ? FrameFormat.AUTO : FrameFormat.MAGIC);
      decoding.feed(c.stream(), c.slices(), MAX_READS, () -> assertHoldsOnlyWhatItNeeds(decoding));
      int length = c.stream().length;
      if (length > Framing.RESYNC_LIMIT + 3) {
        // at most a 3-byte magic prefix waits for the next read: the limit is noticed before the end
        assertThat(decoding.recorder.resyncFailures()).isEqualTo(1);
      }
      decoding.finish();

      assertThat(decoding.messages()).isEmpty();
      if (length > Framing.RESYNC_LIMIT) {
        assertThat(decoding.outcomes()).last().isInstanceOf(ResyncFailed.class);
        assertThat(decoding.recorder.resyncFailures()).isEqualTo(1);
        assertThat(((ResyncFailed) decoding.outcomes().get(decoding.outcomes().size() - 1)).bytesScanned())
            .isGreaterThan(Framing.RESYNC_LIMIT);
      } else {
        assertThat(decoding.recorder.resyncFailures()).isZero();
        assertThat(decoding.stats().skippedBytes()).isEqualTo(length);
      }
    });
  }

  // ---- (d) a truncated frame ----

  record Truncated(List<AgentMessage> before, byte[] cut, List<AgentMessage> after, List<Integer> slices) {}

  /**
   * A frame cut at any point, between good frames. The sender stopped mid-frame and later went on
   * (the agent restarted), so the host's reads end where it stopped; they are arbitrary otherwise.
   */
  @Test
  void aTruncatedFrameCostsAtMostTheFrameAfterIt() {
    Gen<Truncated> cases = in -> {
      Draw draw = new Draw(in);
      List<AgentMessage> before = Generators.messageLists(0, 3).generate(in);
      byte[] frame = Wire.frame(message(draw));
      byte[] cut = Arrays.copyOf(frame, draw.between(1, frame.length - 1));
      List<AgentMessage> after = Generators.messageLists(1, 6).generate(in);
      return new Truncated(before, cut, after, Generators.slices().generate(in));
    };
    qt().withExamples(EXAMPLES).withShrinkCycles(SHRINK_CYCLES).forAll(cases)
        .checkAssert(c -> assertCutCostsAtMostTheFrameAfterIt(c, MAX_READS));
  }

  /**
   * Feeds the frames before the cut with the cut frame, then the frames after it, each in at most
   * {@code maxReads / 2} reads: the cut costs at most the frame after it, before and after the end of
   * the stream, and the decoder never gives up.
   */
  static void assertCutCostsAtMostTheFrameAfterIt(Truncated c, int maxReads) {
    List<byte[]> upToCut = new ArrayList<>();
    c.before().forEach(m -> upToCut.add(Wire.frame(m)));
    upToCut.add(c.cut());
    List<byte[]> rest = new ArrayList<>();
    c.after().forEach(m -> rest.add(Wire.frame(m)));
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.MAGIC);

    Runnable holds = () -> assertHoldsOnlyWhatItNeeds(decoding);
    decoding.feed(Wire.concat(upToCut), c.slices(), maxReads / 2, holds);
    decoding.feed(Wire.concat(rest), c.slices(), maxReads / 2, holds);
    // the cut frame holds nothing up: no need to wait for the end of the stream
    assertCostAtMostTheFrameAfterTheCut(c, decoding.messages());
    decoding.finish();

    assertCostAtMostTheFrameAfterTheCut(c, decoding.messages());
    assertThat(decoding.recorder.resyncFailures()).isZero();
  }

  private static void assertCostAtMostTheFrameAfterTheCut(Truncated c, List<AgentMessage> decoded) {
    List<AgentMessage> afterFirst = c.after().subList(1, c.after().size());
    assertThat(decoded.size()).isGreaterThanOrEqualTo(c.before().size() + afterFirst.size());
    assertThat(decoded.subList(0, c.before().size())).isEqualTo(c.before());
    assertThat(decoded.subList(decoded.size() - afterFirst.size(), decoded.size())).isEqualTo(afterFirst);
    // in between: the frame right after the cut, or the cut frame misread with it
    assertThat(decoded.size() - c.before().size() - afterFirst.size()).isLessThanOrEqualTo(1);
  }

  // ---- helpers ----

  private static int indexOfResyncFailed(List<Object> events) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i) instanceof ResyncFailed) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The decoder holds no more than the limits allow, and only what it still needs: a header that is
   * not complete, a frame that is not complete, a legacy first frame it is waiting for to choose the
   * format, or up to 3 bytes that may begin a magic.
   */
  static void assertHoldsOnlyWhatItNeeds(Wire.Decoding decoding) {
    ByteBuf held = Wire.buffered(decoding.decoder);
    int bytes = held.readableBytes();
    assertThat(bytes).isLessThanOrEqualTo(MAX_BUFFERED);
    if (bytes == 0 || decoding.recorder.resyncFailures() > 0) {
      assertThat(bytes).isZero();
      return;
    }
    int start = held.readerIndex();
    FrameFormat format = decoding.decoder.format();
    if (format == FrameFormat.MAGIC) {
      if (bytes < 4) {
        byte[] tail = new byte[bytes];
        held.getBytes(start, tail);
        assertThat(Wire.MAGIC).startsWith(tail);
        return;
      }
      assertThat(held.getInt(start)).as("held bytes start at a magic").isEqualTo(Framing.MAGIC);
      if (bytes >= Framing.HEADER_LENGTH) {
        int length = held.getInt(start + 4);
        assertThat(length).isBetween(1, Framing.MAX_PAYLOAD_LENGTH);
        assertThat(bytes).isLessThan(Framing.HEADER_LENGTH + length);
      }
    } else if (bytes >= Framing.LEGACY_HEADER_LENGTH) {
      int length = held.getInt(start);
      assertThat(length).isBetween(1, format == FrameFormat.AUTO ? 64 * 1024 : Framing.MAX_PAYLOAD_LENGTH);
      assertThat(bytes).isLessThan(Framing.LEGACY_HEADER_LENGTH + length);
    }
  }
}
