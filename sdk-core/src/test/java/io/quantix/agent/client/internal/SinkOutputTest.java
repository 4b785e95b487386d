package io.quantix.agent.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SinkOutputTest {

  /** Records the arrays the stream is handed, and copies their bytes. */
  static final class RecordingSink extends OutputStream {
    final List<byte[]> arrays = new ArrayList<>();
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
      bytes.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      arrays.add(b);
      bytes.write(b, off, len);
    }
  }

  @Test
  void aChunkGoesToTheSinkAsItsOwnArrayNotACopy() throws Exception {
    byte[] reply = new byte[64];
    for (int i = 0; i < reply.length; i++) {
      reply[i] = (byte) i;
    }
    // A reply's data as the decoder's aliasing parse leaves it: a slice of the frame's array.
    ByteString chunk = UnsafeByteOperations.unsafeWrap(reply).substring(8, 40);
    RecordingSink sink = new RecordingSink();

    SinkOutput.writeTo(chunk, sink);

    assertThat(sink.bytes.toByteArray()).isEqualTo(chunk.toByteArray());
    assertThat(sink.arrays).hasSize(1);
    assertThat(sink.arrays.get(0)).isSameAs(reply);
  }

  @Test
  void directAndEmptyStringsArriveWhole() throws Exception {
    ByteBuffer direct = ByteBuffer.allocateDirect(200_000);
    for (int i = 0; i < direct.capacity(); i++) {
      direct.put(i, (byte) (i * 31));
    }
    ByteString chunk = UnsafeByteOperations.unsafeWrap(direct);
    RecordingSink sink = new RecordingSink();

    SinkOutput.writeTo(chunk, sink);
    SinkOutput.writeTo(ByteString.EMPTY, sink);

    assertThat(sink.bytes.toByteArray()).isEqualTo(chunk.toByteArray());
  }

  @Test
  void aChunksLastWriteGivesItsFrameArrayBackForTheNextLongFrame() throws Exception {
    byte[] frame = io.quantix.agent.internal.FrameArrays.lend(300_000);
    ByteString chunk = UnsafeByteOperations.unsafeWrap(frame, 0, 300_000).substring(40);
    RecordingSink sink = new RecordingSink();

    SinkOutput.writeLast(chunk, sink);

    assertThat(sink.arrays).containsExactly(frame);
    assertThat(io.quantix.agent.internal.FrameArrays.lend(300_000)).isSameAs(frame);
  }

  @Test
  void aStringOfSeveralArraysIsWrittenButNoneIsGivenBack() throws Exception {
    byte[] first = io.quantix.agent.internal.FrameArrays.lend(200_000);
    byte[] second = io.quantix.agent.internal.FrameArrays.lend(200_000);
    ByteString rope = UnsafeByteOperations.unsafeWrap(first)
        .concat(UnsafeByteOperations.unsafeWrap(second));
    RecordingSink sink = new RecordingSink();

    SinkOutput.writeLast(rope, sink);

    assertThat(sink.bytes.size()).isEqualTo(first.length + second.length);
    byte[] next = io.quantix.agent.internal.FrameArrays.lend(200_000);
    assertThat(next).isNotSameAs(first).isNotSameAs(second);
  }
}
