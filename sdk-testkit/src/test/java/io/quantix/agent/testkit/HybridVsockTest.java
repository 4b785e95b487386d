package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.quantix.agent.framing.FrameEncoder;
import io.quantix.agent.framing.FrameFormat;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ResourceLeakCheck.class)
class HybridVsockTest {
  static FakeGuestAgent agent;

  @BeforeAll
  static void start() {
    agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).hybridVsock(9443).singleClient(false).build().start();
  }

  @AfterAll
  static void stop() {
    agent.close();
  }

  @Test
  void connectLineIsAnsweredWithOkAndAgentReadyInOneWrite() throws Exception {
    try (HostConnection host = HostConnection.openRaw(agent.socketPath())) {
      host.sendLine("CONNECT 9443");
      String ok = host.readLine(Duration.ofSeconds(5));
      assertThat(ok).matches("OK \\d+");
      assertThat(Long.parseLong(ok.substring(3))).isGreaterThanOrEqualTo(1L << 30);
      assertThat(host.buffered()).as("the frame came in the same read as the OK line")
          .extracting(AgentMessage::getPayloadCase).containsExactly(PayloadCase.AGENT_READY);
      assertThat(host.lastReadBytes()).isEqualTo(ok.length() + 1 + 8 + host.buffered().get(0).getSerializedSize());
      host.next();
      assertThat(host.call(HostConnection.ping(3)).getPong().getSequence()).isEqualTo(3);
    }
  }

  @Test
  void bytesAfterTheConnectLineAreTheFirstRequest() throws Exception {
    AgentMessage ping = HostConnection.ping(8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write("CONNECT 9443\n".getBytes(StandardCharsets.US_ASCII));
    ByteBuf frame = FrameEncoder.encode(ping, ByteBufAllocator.DEFAULT, FrameFormat.MAGIC);
    byte[] bytes = new byte[frame.readableBytes()];
    frame.readBytes(bytes);
    frame.release();
    out.write(bytes);
    try (HostConnection host = HostConnection.openRaw(agent.socketPath())) {
      host.sendRaw(out.toByteArray());
      assertThat(host.readLine(Duration.ofSeconds(5))).startsWith("OK ");
      assertThat(host.next().getPayloadCase()).isEqualTo(PayloadCase.AGENT_READY);
      assertThat(host.next().getMessageId()).isEqualTo(ping.getMessageId());
    }
  }

  @Test
  void anotherPortOrGarbageClosesTheConnection() throws Exception {
    for (String line : new String[] {"CONNECT 1234\n", "HELLO\n", "CONNECT abc\n", "x".repeat(100)}) {
      try (HostConnection host = HostConnection.openRaw(agent.socketPath())) {
        host.sendRaw(line.getBytes(StandardCharsets.US_ASCII));
        assertThat(host.awaitEof(Duration.ofSeconds(5))).as("closed after %s", line.trim()).isTrue();
        assertThat(host.readLine(Duration.ofMillis(1))).isNull();
      }
    }
  }
}
