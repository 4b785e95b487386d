package io.quantix.agent.framing;

import static io.quantix.agent.framing.Wire.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.PingRequest;
import io.quantix.agent.proto.PongResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ping and pong frames of the real agent (wire/agent-wire.md, "Real ping frame"), byte for byte:
 * {@code 51545801 00000038 0a24<uuid> 120c<timestamp> 52020801} and its pong
 * {@code 51545801 00000044 0a24<uuid> 120c<timestamp> 92030d 0801 1206 302e312e3237 18d003}.
 * The UUID and timestamp are concrete values of the lengths the agent sends: a 36-character UUID
 * and a 12-byte Timestamp (seconds and nanos both 5-byte varints).
 */
class GoldenFramesTest {
  static final String UUID = "3f2b8c1e-7d4a-4e9b-9c2f-1a5e6d7b8c90";
  /** 2026-01-01T00:00:00.987654321Z */
  static final long SECONDS = 1_767_225_600L;
  static final int NANOS = 987_654_321;

  static final String UUID_HEX = "33663262386331652d376434612d346539622d396332662d316135653664376238633930";
  /** field 1 varint 1767225600 (80 f2 d6 ca 06), field 2 varint 987654321 (b1 d1 f9 d6 03) */
  static final String TIMESTAMP_HEX = "08 80f2d6ca06 10 b1d1f9d603";

  static final byte[] PING_PAYLOAD = hex(
      "0a24" + UUID_HEX + "120c" + TIMESTAMP_HEX + "52020801");
  static final byte[] PONG_PAYLOAD = hex(
      "0a24" + UUID_HEX + "120c" + TIMESTAMP_HEX + "92030d 0801 1206 302e312e3237 18d003");
  static final byte[] PING_FRAME = Wire.concat(hex("51545801 00000038"), PING_PAYLOAD);
  static final byte[] PONG_FRAME = Wire.concat(hex("51545801 00000044"), PONG_PAYLOAD);
  static final byte[] LEGACY_PING_FRAME = Wire.concat(hex("00000038"), PING_PAYLOAD);
  static final byte[] LEGACY_PONG_FRAME = Wire.concat(hex("00000044"), PONG_PAYLOAD);

  static final Timestamp TIMESTAMP =
      Timestamp.newBuilder().setSeconds(SECONDS).setNanos(NANOS).build();
  static final AgentMessage PING = AgentMessage.newBuilder()
      .setMessageId(UUID)
      .setTimestamp(TIMESTAMP)
      .setPing(PingRequest.newBuilder().setSequence(1))
      .build();
  static final AgentMessage PONG = AgentMessage.newBuilder()
      .setMessageId(UUID)
      .setTimestamp(TIMESTAMP)
      .setPong(PongResponse.newBuilder().setSequence(1).setVersion("0.1.27").setUptimeSeconds(464))
      .build();

  @BeforeAll
  static void trackLeaks() {
    Leaks.reset();
  }

  @AfterAll
  static void noLeaks() {
    Leaks.assertNone();
  }

  @Test
  void vectorsHaveTheLengthsOfTheRealFrames() {
    assertThat(UUID).hasSize(36);
    assertThat(TIMESTAMP.toByteArray()).hasSize(12).isEqualTo(hex(TIMESTAMP_HEX));
    assertThat(PING_FRAME).hasSize(8 + 0x38);
    assertThat(PONG_FRAME).hasSize(8 + 0x44);
  }

  @Test
  void decodesTheRealPing() {
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.MAGIC).feed(PING_FRAME);

    assertThat(decoding.messages()).containsExactly(PING);
    AgentMessage ping = decoding.messages().get(0);
    assertThat(ping.getMessageId()).isEqualTo(UUID);
    assertThat(ping.getTimestamp().getSeconds()).isEqualTo(SECONDS);
    assertThat(ping.getTimestamp().getNanos()).isEqualTo(NANOS);
    assertThat(ping.getPayloadCase()).isEqualTo(AgentMessage.PayloadCase.PING);
    assertThat(ping.getPing().getSequence()).isEqualTo(1);
    assertThat(decoding.outcomes()).isEmpty();
    assertThat(decoding.stats().decodedFrames()).isEqualTo(1);
    assertThat(decoding.stats().decodedBytes()).isEqualTo(PING_FRAME.length);
    decoding.finish();
  }

  @Test
  void decodesTheRealPong() {
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.MAGIC).feed(PONG_FRAME);

    assertThat(decoding.messages()).containsExactly(PONG);
    PongResponse pong = decoding.messages().get(0).getPong();
    assertThat(pong.getSequence()).isEqualTo(1);
    assertThat(pong.getVersion()).isEqualTo("0.1.27");
    assertThat(pong.getUptimeSeconds()).isEqualTo(464);
    assertThat(decoding.messages().get(0).getMessageId()).isEqualTo(UUID);
    assertThat(decoding.outcomes()).isEmpty();
    decoding.finish();
  }

  @Test
  void decodesBothFramesFedOneByteAtATime() {
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.MAGIC)
        .feed(Wire.concat(PING_FRAME, PONG_FRAME), List.of(1));

    assertThat(decoding.messages()).containsExactly(PING, PONG);
    assertThat(decoding.outcomes()).isEmpty();
    decoding.finish();
    assertThat(decoding.outcomes()).isEmpty();
  }

  @Test
  void encodesThePingAndPongToTheRealBytes() {
    assertThat(encode(PING, FrameFormat.MAGIC)).isEqualTo(PING_FRAME);
    assertThat(encode(PONG, FrameFormat.MAGIC)).isEqualTo(PONG_FRAME);
  }

  @Test
  void encoderHandlerWritesTheRealBytes() {
    EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder(FrameFormat.MAGIC));
    assertThat(channel.writeOutbound(PING, PONG)).isTrue();

    assertThat(Wire.drain(channel.readOutbound())).isEqualTo(PING_FRAME);
    assertThat(Wire.drain(channel.readOutbound())).isEqualTo(PONG_FRAME);
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void legacyFramingRoundTrips() {
    assertThat(encode(PING, FrameFormat.LEGACY)).isEqualTo(LEGACY_PING_FRAME);
    assertThat(encode(PONG, FrameFormat.LEGACY)).isEqualTo(LEGACY_PONG_FRAME);

    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.LEGACY)
        .feed(Wire.concat(LEGACY_PING_FRAME, LEGACY_PONG_FRAME), List.of(3, 50, 1));
    assertThat(decoding.messages()).containsExactly(PING, PONG);
    assertThat(decoding.outcomes()).isEmpty();
    assertThat(decoding.stats().decodedBytes())
        .isEqualTo(LEGACY_PING_FRAME.length + LEGACY_PONG_FRAME.length);
    decoding.finish();
  }

  @Test
  void autoDetectsMagicFraming() {
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.AUTO);
    assertThat(decoding.decoder.format()).isEqualTo(FrameFormat.AUTO);

    decoding.feed(Wire.concat(PING_FRAME, PONG_FRAME), List.of(2, 7, 100));
    assertThat(decoding.decoder.format()).isEqualTo(FrameFormat.MAGIC);
    assertThat(decoding.messages()).containsExactly(PING, PONG);
    assertThat(decoding.outcomes()).isEmpty();
    decoding.finish();
  }

  @Test
  void autoDetectsLegacyFraming() {
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.AUTO)
        .feed(Wire.concat(LEGACY_PING_FRAME, LEGACY_PONG_FRAME), List.of(2, 7, 100));

    assertThat(decoding.decoder.format()).isEqualTo(FrameFormat.LEGACY);
    assertThat(decoding.messages()).containsExactly(PING, PONG);
    assertThat(decoding.outcomes()).isEmpty();
    decoding.finish();
  }

  @Test
  void autoDetectsMagicFramingBehindGarbage() {
    // as observed on the real agent: four garbage bytes before a ping frame are skipped
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.AUTO)
        .feed(Wire.concat(hex("deadbeef"), PING_FRAME));

    assertThat(decoding.decoder.format()).isEqualTo(FrameFormat.MAGIC);
    assertThat(decoding.messages()).containsExactly(PING);
    assertThat(decoding.outcomes()).containsExactly(new FrameOutcome.GarbageSkipped(4));
    assertThat(decoding.stats().skippedBytes()).isEqualTo(4);
    decoding.finish();
  }

  @Test
  void autoDecidesMagicWhenALegacyLookingStartNeverCompletes() {
    // 00 00 01 00 reads as a 256-byte legacy frame that never arrives; the ping behind it must not be lost
    Wire.Decoding decoding = new Wire.Decoding(FrameFormat.AUTO)
        .feed(Wire.concat(hex("00000100"), PING_FRAME));
    decoding.finish();

    assertThat(decoding.messages()).containsExactly(PING);
    assertThat(decoding.decoder.format()).isEqualTo(FrameFormat.MAGIC);
    assertThat(decoding.stats().skippedBytes()).isEqualTo(4);
  }

  private static byte[] encode(AgentMessage message, FrameFormat format) {
    ByteBuf frame = FrameEncoder.encode(message, ByteBufAllocator.DEFAULT, format);
    return Wire.drain(frame);
  }
}
