package io.quantix.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.TransferResult;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.testkit.Dispatcher;
import io.quantix.agent.testkit.FakeGuestAgentBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The download plans its window on the bytes the agent returns per read (issue 15): against a
 * fake agent capped at 16 KiB per read it keeps many small reads in flight, against an uncapped one
 * a few whole chunks; the bytes are identical either way.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdaptiveDownloadIT {
  private static final int SIZE = 3 * 1024 * 1024 + 777;

  @ParameterizedTest(name = "max single read {0}")
  @ValueSource(ints = {FakeGuestAgentBuilder.OLD_BUILD_MAX_SINGLE_READ, 0})
  void theWindowFollowsWhatTheAgentReturnsPerRead(int maxSingleRead) throws Exception {
    try (Harness h = new Harness(b -> b.telemetryInterval(Duration.ZERO)
        .maxSingleRead(maxSingleRead), b -> b)) {
      byte[] data = new byte[SIZE];
      new SplittableRandom(9).nextBytes(data);
      Files.write(h.agent.sandbox().resolve("down.bin"), data);
      Dispatcher builtIn = h.agent.defaultDispatcher();
      AtomicInteger largeAsks = new AtomicInteger();
      h.agent.dispatcher(request -> {
        if (request.payloadCase() == PayloadCase.FILE_READ
            && request.message().getFileRead().getLength()
                > FakeGuestAgentBuilder.OLD_BUILD_MAX_SINGLE_READ) {
          largeAsks.incrementAndGet();
        }
        return builtIn.dispatch(request);
      });
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      DownloadOptions options = DownloadOptions.DEFAULT.withChunkSize(256 * 1024)
          .withPipelineDepth(4);
      TransferResult r = h.client.download("/down.bin", sink, options).join();

      assertThat(sink.toByteArray()).isEqualTo(data);
      assertThat(r.bytes()).isEqualTo(SIZE);
      if (maxSingleRead > 0) {
        // Only the first read asks for a whole chunk; every later one asks for what the agent
        // returns, so the 1 MiB window is 64 reads of 16 KiB instead of 4 that carry 16 KiB each.
        assertThat(largeAsks.get()).isEqualTo(1);
        assertThat(r.chunks()).isEqualTo((SIZE + maxSingleRead - 1) / maxSingleRead);
      } else {
        assertThat(r.chunks()).isEqualTo((SIZE + 256 * 1024 - 1) / (256 * 1024));
      }
    }
  }
}
