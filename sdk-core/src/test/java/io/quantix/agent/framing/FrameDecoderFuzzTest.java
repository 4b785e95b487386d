package io.quantix.agent.framing;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.quantix.agent.proto.AgentMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of {@link FrameDecoder} in all three framings (Jazzer). In
 * {@code mvn verify} it runs in regression mode over the committed inputs
 * ({@code src/test/resources/.../FrameDecoderFuzzTestInputs}); {@code JAZZER_FUZZ=1} fuzzes (see
 * benchmarks/README.md). For any stream, cut into reads of fuzzed sizes:
 * <ul>
 *   <li>typed outcomes only: messages and {@link FrameOutcome}s, never an exception;</li>
 *   <li>bounded memory: the decoder never holds more than it was fed, nor more than one frame;</li>
 *   <li>no leak: every buffer fed, and the decoder's own, is released at the end;</li>
 *   <li>never a frame the input did not contain: every message decoded is the payload of a
 *       header present in the input (after a magic, or a legacy length).</li>
 * </ul>
 */
class FrameDecoderFuzzTest {
  private static final int MAX_BUFFERED = Framing.HEADER_LENGTH + Framing.MAX_PAYLOAD_LENGTH;

  // Fuzzing stops after maxDuration; the JUnit timeout (120 s by default here) must outlast it.
  @FuzzTest(maxDuration = "2m")
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void anyStreamDecodesToTypedOutcomesOfFramesItContains(FuzzedDataProvider data) {
    FrameFormat format = data.pickValue(FrameFormat.values());
    boolean requireMessageId = data.consumeBoolean();
    int[] slices = new int[data.consumeInt(1, 8)];
    for (int i = 0; i < slices.length; i++) {
      slices[i] = data.consumeInt(1, 512);
    }
    byte[] stream = data.consumeRemainingAsBytes();
    decode(format, requireMessageId, slices, stream);
  }

  static void decode(FrameFormat format, boolean requireMessageId, int[] slices, byte[] stream) {
    Wire.Decoding decoding = new Wire.Decoding(new FrameDecoder(format, requireMessageId));
    List<ByteBuf> fed = new ArrayList<>();
    int at = 0;
    int i = 0;
    while (at < stream.length) {
      int length = Math.min(slices[i++ % slices.length], stream.length - at);
      ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(length);
      buf.writeBytes(stream, at, length);
      fed.add(buf);
      decoding.channel.writeInbound(buf);
      decoding.channel.checkException();
      at += length;
      ByteBuf held = Wire.buffered(decoding.decoder);
      int buffered = held == null ? 0 : held.readableBytes();
      assertThat(buffered).as("bytes held").isLessThanOrEqualTo(Math.min(at, MAX_BUFFERED));
    }
    decoding.finish();
    for (ByteBuf buf : fed) {
      assertThat(buf.refCnt()).as("a buffer fed to the decoder was not released").isZero();
    }
    ByteBuf held = Wire.buffered(decoding.decoder);
    assertThat(held == null || held.refCnt() == 0 || held.capacity() == 0)
        .as("the decoder's own buffer released").isTrue();
    List<AgentMessage> decoded = decoding.messages();
    if (!decoded.isEmpty()) {
      Set<AgentMessage> contained = framesIn(stream, format);
      for (AgentMessage m : decoded) {
        assertThat(contained).as("a decoded message the input did not frame").contains(m);
      }
    }
  }

  /** Every message that a header in {@code stream} frames: after a magic, or a legacy length. */
  static Set<AgentMessage> framesIn(byte[] stream, FrameFormat format) {
    Set<AgentMessage> found = new HashSet<>();
    for (int p = 0; p + Framing.LEGACY_HEADER_LENGTH <= stream.length; p++) {
      boolean magic = p + Framing.HEADER_LENGTH <= stream.length
          && Arrays.equals(stream, p, p + 4, Wire.MAGIC, 0, 4);
      if (magic && format != FrameFormat.LEGACY) {
        addPayload(found, stream, p + Framing.HEADER_LENGTH, u32(stream, p + 4));
      }
      if (format != FrameFormat.MAGIC) {
        addPayload(found, stream, p + Framing.LEGACY_HEADER_LENGTH, u32(stream, p));
      }
    }
    return found;
  }

  private static void addPayload(Set<AgentMessage> found, byte[] stream, int from, long length) {
    if (length <= 0 || length > Framing.MAX_PAYLOAD_LENGTH || from + length > stream.length) {
      return;
    }
    try {
      found.add(AgentMessage.parseFrom(Arrays.copyOfRange(stream, from, from + (int) length)));
    } catch (InvalidProtocolBufferException e) {
      // Not a message: the decoder must not hand it on either.
    }
  }

  private static long u32(byte[] b, int at) {
    return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8)
        | (b[at + 3] & 0xFFL);
  }
}
