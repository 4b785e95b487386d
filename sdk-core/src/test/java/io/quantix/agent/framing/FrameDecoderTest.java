package io.quantix.agent.framing;

import static io.quantix.agent.framing.GoldenFramesTest.PING;
import static io.quantix.agent.framing.GoldenFramesTest.PING_FRAME;
import static io.quantix.agent.framing.GoldenFramesTest.PONG;
import static io.quantix.agent.framing.GoldenFramesTest.PONG_FRAME;
import static io.quantix.agent.framing.Wire.concat;
import static io.quantix.agent.framing.Wire.frame;
import static io.quantix.agent.framing.Wire.hex;
import static io.quantix.agent.framing.Wire.u32;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.quantix.agent.framing.FrameOutcome.DropReason;
import io.quantix.agent.framing.FrameOutcome.FrameDropped;
import io.quantix.agent.framing.FrameOutcome.GarbageSkipped;
import io.quantix.agent.framing.FrameOutcome.ResyncFailed;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.FileReadResponse;
import io.quantix.agent.proto.FileWriteRequest;
import io.quantix.agent.proto.PingRequest;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameDecoderTest {
  private static final int LIMIT = Framing.RESYNC_LIMIT;

  @BeforeAll
  static void trackLeaks() {
    Leaks.reset();
  }

  @AfterAll
  static void noLeaks() {
    Leaks.assertNone();
  }

  // ---- lengths ----

  @Test
  void zeroLengthIsSkippedAsBadLength() {
    Wire.Decoding decoding = decode(concat(Wire.MAGIC, u32(0), PING_FRAME));

    assertThat(decoding.recorder.events).containsExactly(new FrameDropped(DropReason.BAD_LENGTH, 8), PING);
    assertThat(decoding.stats().droppedFrames()).isEqualTo(1);
    assertThat(decoding.stats().skippedBytes()).isZero();
  }

  @ParameterizedTest
  @ValueSource(longs = {Framing.MAX_PAYLOAD_LENGTH + 1L, 0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL})
  void lengthOver16MiBIsSkippedAsBadLength(long length) {
    Wire.Decoding decoding = decode(concat(Wire.MAGIC, u32(length), PING_FRAME));

    assertThat(decoding.recorder.events).containsExactly(new FrameDropped(DropReason.BAD_LENGTH, 8), PING);
  }

  @Test
  void lengthOfExactly16MiBIsWaitedFor() {
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.MAGIC)
        .feed(concat(Wire.MAGIC, u32(Framing.MAX_PAYLOAD_LENGTH), hex("0a0178")));

    assertThat(decoding.recorder.events).isEmpty();
    assertThat(Wire.buffered(decoding.decoder).readableBytes()).isEqualTo(11);
    decoding.finish();
    assertThat(decoding.recorder.events).containsExactly(new FrameDropped(DropReason.UNPARSABLE, 11));
  }

  @Test
  void aFrameCutDownToItsMagicLosesOnlyTheMagic() {
    // the length field reads as the next frame's magic
    Wire.Decoding decoding = decode(concat(Wire.MAGIC, PING_FRAME, PONG_FRAME));

    assertThat(decoding.recorder.events)
        .containsExactly(new FrameDropped(DropReason.BAD_LENGTH, 4), PING, PONG);
  }

  @Test
  void aFrameCutInsideItsLengthKeepsTheNextMagic() {
    // 51545801 7f | 51545801 ...: the length 7f515458 is too large, and holds the ping's magic
    Wire.Decoding decoding = decode(concat(Wire.MAGIC, hex("7f"), PING_FRAME));

    assertThat(decoding.recorder.events).containsExactly(new FrameDropped(DropReason.BAD_LENGTH, 5), PING);
  }

  // ---- validation ----

  @Test
  void aFrameWithoutPayloadIsDroppedWhole() {
    byte[] noPayload = frame(AgentMessage.newBuilder().setMessageId("id-1").build());
    Wire.Decoding decoding = decode(concat(noPayload, PING_FRAME));

    assertThat(decoding.recorder.events)
        .containsExactly(new FrameDropped(DropReason.NO_PAYLOAD, noPayload.length), PING);
    assertThat(decoding.stats().skippedBytes()).isZero();
  }

  @Test
  void aFrameWithAPayloadThisVersionDoesNotKnowIsDroppedWholeEvenWhenLarge() {
    // a newer agent's payload (field 104 here) larger than the resync limit must not end the stream
    byte[] unknown = new byte[100_000];
    new SplittableRandom(1).nextBytes(unknown);
    AgentMessage future = AgentMessage.newBuilder()
        .setMessageId("3f2b8c1e-7d4a-4e9b-9c2f-1a5e6d7b8c91")
        .setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(104, UnknownFieldSet.Field.newBuilder()
                .addLengthDelimited(ByteString.copyFrom(unknown)).build())
            .build())
        .build();
    byte[] futureFrame = frame(future);
    Wire.Decoding decoding = decode(concat(futureFrame, PING_FRAME));

    assertThat(decoding.recorder.events)
        .containsExactly(new FrameDropped(DropReason.NO_PAYLOAD, futureFrame.length), PING);
  }

  @Test
  void frameIdsMustBeSane() {
    AgentMessage.Builder ping = PING.toBuilder();
    byte[] empty = frame(ping.setMessageId("").build());
    byte[] control = frame(ping.setMessageId("id\n1").build());
    byte[] delete = frame(ping.setMessageId("id\u007f").build());
    byte[] tooLong = frame(ping.setMessageId("x".repeat(129)).build());
    AgentMessage longest = ping.setMessageId("x".repeat(128)).build();
    AgentMessage unicode = ping.setMessageId("ид-ß-\u00a0-😀").build();
    Wire.Decoding decoding = decode(concat(empty, control, delete, tooLong, frame(longest), frame(unicode)));

    assertThat(decoding.recorder.events).containsExactly(
        new FrameDropped(DropReason.BAD_MESSAGE_ID, empty.length),
        new FrameDropped(DropReason.BAD_MESSAGE_ID, control.length),
        new FrameDropped(DropReason.BAD_MESSAGE_ID, delete.length),
        new FrameDropped(DropReason.BAD_MESSAGE_ID, tooLong.length),
        longest,
        unicode);
    assertThat(decoding.stats().droppedFrames()).isEqualTo(4);
    assertThat(decoding.stats().decodedFrames()).isEqualTo(2);
  }

  @Test
  void anEmptyIdIsAcceptedWhenNotRequired() {
    AgentMessage anonymous = PING.toBuilder().setMessageId("").build();
    Wire.Decoding decoding = new Wire.Decoding(new FrameDecoder(FrameFormat.MAGIC, false))
        .feed(frame(anonymous)).finish();

    assertThat(decoding.recorder.events).containsExactly(anonymous);
  }

  @Test
  void anUnparsablePayloadIsDropped() {
    byte[] bad = frame(hex("ffffffff"));
    Wire.Decoding decoding = decode(concat(bad, PING_FRAME));

    assertThat(decoding.recorder.events)
        .containsExactly(new FrameDropped(DropReason.UNPARSABLE, bad.length), PING);
  }

  @Test
  void aPayloadEndingInAnEndGroupTagIsUnparsable() {
    byte[] bad = frame(concat(PING.toByteArray(), hex("0c")));
    Wire.Decoding decoding = decode(bad);

    assertThat(decoding.recorder.events).containsExactly(new FrameDropped(DropReason.UNPARSABLE, bad.length));
  }

  // ---- resynchronisation ----

  @Test
  void garbageUpToTheResyncLimitIsSkipped() {
    Wire.Decoding decoding = decode(concat(garbage(LIMIT), PING_FRAME));

    assertThat(decoding.messages()).containsExactly(PING);
    assertThat(decoding.recorder.resyncFailures()).isZero();
    assertThat(decoding.recorder.garbageSkipped()).isEqualTo(LIMIT);
    assertThat(decoding.stats().skippedBytes()).isEqualTo(LIMIT);
  }

  @Test
  void oneByteMoreThanTheResyncLimitFails() {
    Wire.Decoding decoding = decode(concat(garbage(LIMIT + 1), PING_FRAME));

    assertThat(decoding.messages()).isEmpty();
    assertThat(decoding.outcomes()).last().isInstanceOf(ResyncFailed.class);
    assertThat(decoding.recorder.resyncFailures()).isEqualTo(1);
    assertThat(decoding.stats().resyncFailures()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {13, 1000, 4096, 65_535})
  void theResyncLimitHoldsWhateverTheReadSizes(int slice) {
    Wire.Decoding ok = new Wire.Decoding(FrameFormat.MAGIC)
        .feed(concat(garbage(LIMIT), PING_FRAME), List.of(slice)).finish();
    assertThat(ok.messages()).containsExactly(PING);
    assertThat(ok.recorder.resyncFailures()).isZero();

    Wire.Decoding failed = new Wire.Decoding(FrameFormat.MAGIC)
        .feed(concat(garbage(LIMIT + 1), PING_FRAME), List.of(slice)).finish();
    assertThat(failed.messages()).isEmpty();
    assertThat(failed.recorder.resyncFailures()).isEqualTo(1);
  }

  @Test
  void resyncFailsAsSoonAsTheLimitIsPassedAndDiscardsEverythingAfter() {
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.MAGIC).feed(garbage(LIMIT + 4));
    assertThat(decoding.outcomes()).last().isInstanceOf(ResyncFailed.class);

    decoding.feed(PING_FRAME).feed(garbage(10)).finish();
    assertThat(decoding.messages()).isEmpty();
    assertThat(decoding.outcomes()).last().isInstanceOf(ResyncFailed.class);
    assertThat(Wire.buffered(decoding.decoder).readableBytes()).isZero();
  }

  @Test
  void aMagicSplitAcrossReadsIsFound() {
    byte[] stream = concat(garbage(10), PING_FRAME);
    for (int cut = 1; cut < stream.length; cut++) {
      Wire.Decoding decoding = new Wire.Decoding(FrameFormat.MAGIC);
      decoding.feed(stream, 0, cut).feed(stream, cut, stream.length - cut).finish();
      assertThat(decoding.messages()).as("cut at %d", cut).containsExactly(PING);
      assertThat(decoding.outcomes()).as("cut at %d", cut).allMatch(o -> o instanceof GarbageSkipped);
      assertThat(decoding.recorder.garbageSkipped()).as("cut at %d", cut).isEqualTo(10);
    }
  }

  // ---- truncated frames ----

  @Test
  void aFrameTruncatedInsideItsTrailingBytesFieldDoesNotSwallowTheFramesAfterIt() {
    // The cut frame's declared length is filled by the frames after it, and its trailing bytes field
    // absorbs them, so that span still parses: it must not be taken for a message.
    byte[] data = new byte[1000];
    new SplittableRandom(7).nextBytes(data);
    byte[] cut = Arrays.copyOf(frame(AgentMessage.newBuilder()
        .setMessageId("3f2b8c1e-7d4a-4e9b-9c2f-1a5e6d7b8c92")
        .setFileWrite(FileWriteRequest.newBuilder().setPath("/tmp/x").setData(ByteString.copyFrom(data)))
        .build()), 300);
    byte[] after = concat(PING_FRAME, PONG_FRAME, PING_FRAME, PONG_FRAME, PING_FRAME, PONG_FRAME,
        PING_FRAME, PONG_FRAME, PING_FRAME, PONG_FRAME, PING_FRAME, PONG_FRAME);
    Wire.Decoding decoding = decode(concat(cut, after));

    assertThat(decoding.messages())
        .containsExactly(PING, PONG, PING, PONG, PING, PONG, PING, PONG, PING, PONG, PING, PONG);
    assertThat(decoding.outcomes()).containsExactly(new FrameDropped(DropReason.UNPARSABLE, 300));
  }

  @Test
  void aFrameTruncatedByARestartDoesNotHoldUpTheFramesAfterIt() {
    // a 100 KiB response cut at 30 KiB; the agent restarts and goes on with small frames that do not
    // fill the declared length: they must come out now, not when 70 KiB more have arrived
    byte[] cut = Arrays.copyOf(frame(readResponse(100 * 1024)), 30 * 1024);
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.MAGIC)
        .feed(cut, List.of(4096))
        .feed(concat(PING_FRAME, PONG_FRAME), List.of(50));

    assertThat(decoding.recorder.events)
        .containsExactly(new FrameDropped(DropReason.UNPARSABLE, cut.length), PING, PONG);
    decoding.finish();
  }

  @Test
  void aFrameCutInsideItsLengthByARestartDoesNotHoldUpTheFramesAfterIt() {
    for (int cutAt = 5; cutAt < 8; cutAt++) {
      // 51545801 00 | 51545801 ...: the length reads as 00515458, over 5 MB that will never come
      byte[] cut = Arrays.copyOf(frame(readResponse(1000)), cutAt);
      Wire.Decoding decoding = new Wire.Decoding(FrameFormat.MAGIC)
          .feed(cut)
          .feed(concat(PING_FRAME, PONG_FRAME));

      assertThat(decoding.recorder.events).as("cut at %d", cutAt)
          .containsExactly(new FrameDropped(DropReason.UNPARSABLE, cutAt), PING, PONG);
      decoding.finish();
    }
  }

  @Test
  void aReadStartingWithAMagicInsideAFrameDoesNotCutItWhenNoValidFrameFollows() {
    // the large frame's data holds a magic with a plausible length at the start of a read
    AgentMessage large = readResponse(10_000);
    byte[] frame = frame(large);
    int at = 3000;
    System.arraycopy(concat(Wire.MAGIC, u32(100), hex("ffff")), 0, frame, at, 10);
    AgentMessage withMagic;
    try {
      withMagic = AgentMessage.parseFrom(Arrays.copyOfRange(frame, 8, frame.length));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.MAGIC)
        .feed(frame, 0, at).feed(frame, at, frame.length - at).feed(PING_FRAME).finish();

    assertThat(decoding.recorder.events).containsExactly(withMagic, PING);
  }

  @Test
  void aLargeTruncatedFrameAtEndOfStreamDoesNotEndTheStream() {
    // over the resync limit, inside a frame: not garbage
    byte[] cut = Arrays.copyOf(frame(readResponse(100 * 1024)), 90 * 1024);
    Wire.Decoding decoding = decode(concat(cut, PING_FRAME, PONG_FRAME));

    assertThat(decoding.messages()).containsExactly(PING, PONG);
    assertThat(decoding.recorder.resyncFailures()).isZero();
  }

  @Test
  void aFrameCutShortAtEndOfStreamIsDropped() {
    byte[] cut = Arrays.copyOf(PONG_FRAME, 40);
    Wire.Decoding decoding = decode(concat(PING_FRAME, cut));

    assertThat(decoding.recorder.events).containsExactly(PING, new FrameDropped(DropReason.UNPARSABLE, 40));
  }

  @Test
  void aHeaderCutShortAtEndOfStreamIsDropped() {
    Wire.Decoding decoding = decode(concat(PING_FRAME, Arrays.copyOf(PONG_FRAME, 6)));

    assertThat(decoding.recorder.events).containsExactly(PING, new FrameDropped(DropReason.UNPARSABLE, 6));
  }

  @Test
  void aMagicPrefixAtEndOfStreamIsGarbage() {
    Wire.Decoding decoding = decode(concat(PING_FRAME, hex("515458")));

    assertThat(decoding.recorder.events).containsExactly(PING, new GarbageSkipped(3));
  }

  @Test
  void aMagicPrefixAtEndOfStreamCountsTowardsTheResyncLimit() {
    Wire.Decoding within = decode(concat(garbage(LIMIT - 3), hex("515458")));
    assertThat(within.recorder.resyncFailures()).isZero();
    assertThat(within.stats().skippedBytes()).isEqualTo(LIMIT);

    Wire.Decoding over = decode(concat(garbage(LIMIT - 2), hex("515458")));
    assertThat(over.outcomes()).last().isInstanceOf(ResyncFailed.class);
  }

  // ---- legacy ----

  @Test
  void legacyZeroLengthFailsTheStream() {
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.LEGACY)
        .feed(concat(GoldenFramesTest.LEGACY_PING_FRAME, u32(0), GoldenFramesTest.LEGACY_PONG_FRAME))
        .finish();

    assertThat(decoding.messages()).containsExactly(PING);
    assertThat(decoding.outcomes()).singleElement().isInstanceOf(ResyncFailed.class);
    assertThat(decoding.stats().resyncFailures()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(longs = {Framing.MAX_PAYLOAD_LENGTH + 1L, 0xffff_ffffL})
  void legacyLengthOver16MiBFailsTheStream(long length) {
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.LEGACY)
        .feed(concat(u32(length), GoldenFramesTest.LEGACY_PING_FRAME)).finish();

    assertThat(decoding.messages()).isEmpty();
    assertThat(decoding.outcomes()).singleElement().isInstanceOf(ResyncFailed.class);
  }

  @Test
  void aLegacyDecoderMeetingTheMagicReportsAFramingMismatch() {
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.LEGACY)
        .feed(concat(u32(0x5154_5801L), GoldenFramesTest.LEGACY_PING_FRAME)).finish();

    assertThat(decoding.messages()).isEmpty();
    assertThat(decoding.outcomes()).hasSize(2).first()
        .isEqualTo(new FrameOutcome.FramingMismatch(FrameFormat.LEGACY, FrameFormat.MAGIC));
    assertThat(decoding.outcomes().get(1)).isInstanceOf(ResyncFailed.class);
  }

  @Test
  void aMagicDecoderMeetingALegacyStreamReportsAFramingMismatch() {
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.MAGIC)
        .feed(GoldenFramesTest.LEGACY_PING_FRAME).finish();

    assertThat(decoding.messages()).isEmpty();
    assertThat(decoding.outcomes()).hasSize(2).first()
        .isEqualTo(new FrameOutcome.FramingMismatch(FrameFormat.MAGIC, FrameFormat.LEGACY));
    assertThat(decoding.outcomes().get(1)).isInstanceOf(ResyncFailed.class);
  }

  @Test
  void legacyUnparsableFrameIsDroppedWhole() {
    byte[] bad = concat(u32(4), hex("ffffffff"));
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.LEGACY)
        .feed(concat(bad, GoldenFramesTest.LEGACY_PING_FRAME)).finish();

    assertThat(decoding.recorder.events).containsExactly(new FrameDropped(DropReason.UNPARSABLE, 8), PING);
  }

  // ---- limits ----

  @Test
  void aMaximalFrameArrivingInSmallReadsIsBufferedOnceAndDecoded() {
    AgentMessage largest = FrameEncoderTest.messageOfSize(Framing.MAX_PAYLOAD_LENGTH);
    byte[] stream = concat(frame(largest), PING_FRAME);
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.MAGIC);
    int[] most = {0};
    decoding.feed(stream, List.of(64 * 1024, 1, 4093), Integer.MAX_VALUE, () -> {
      int buffered = Wire.buffered(decoding.decoder).readableBytes();
      most[0] = Math.max(most[0], buffered);
      assertThat(buffered).isLessThanOrEqualTo(Framing.HEADER_LENGTH + Framing.MAX_PAYLOAD_LENGTH);
    });
    decoding.finish();

    assertThat(decoding.messages()).containsExactly(largest, PING);
    assertThat(decoding.outcomes()).isEmpty();
    assertThat(most[0]).isGreaterThan(Framing.MAX_PAYLOAD_LENGTH - 70 * 1024);
  }

  @Test
  void eventsAndMessagesArriveInStreamOrder() {
    Wire.Decoding decoding = decode(concat(
        PING_FRAME, garbage(5), PONG_FRAME, Wire.MAGIC, u32(0), PING_FRAME, frame(hex("ff")), PONG_FRAME));

    assertThat(decoding.recorder.events).containsExactly(
        PING, new GarbageSkipped(5), PONG, new FrameDropped(DropReason.BAD_LENGTH, 8), PING,
        new FrameDropped(DropReason.UNPARSABLE, 9), PONG);
  }

  static Wire.Decoding decode(byte[] stream) {
    return new Wire.Decoding(FrameFormat.MAGIC).feed(stream).finish();
  }

  /** Bytes without a magic or a magic prefix in them. */
  static byte[] garbage(int length) {
    byte[] bytes = new byte[length];
    SplittableRandom random = new SplittableRandom(length);
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (0x60 + random.nextInt(0x20));
    }
    return bytes;
  }

  static AgentMessage readResponse(int dataLength) {
    byte[] data = new byte[dataLength];
    new SplittableRandom(dataLength).nextBytes(data);
    // no accidental magic in the data: these tests are about real frames only
    for (int i = 0; i < data.length; i++) {
      if (data[i] == 0x51) {
        data[i] = 0x50;
      }
    }
    return AgentMessage.newBuilder()
        .setMessageId("3f2b8c1e-7d4a-4e9b-9c2f-1a5e6d7b8c93")
        .setFileReadResponse(FileReadResponse.newBuilder()
            .setSuccess(true)
            .setData(ByteString.copyFrom(data))
            .setTotalSize(10L * dataLength))
        .build();
  }

  static AgentMessage ping(long sequence) {
    return PING.toBuilder().setPing(PingRequest.newBuilder().setSequence(sequence)).build();
  }
}
