package io.quantix.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.TransferResult;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.testkit.Dispatcher;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A download copies each long reply into an array it reuses once the chunk is written, instead of
 * a new zeroed one per chunk (issue 15): far fewer arrays than chunks reach the stream, and the
 * bytes are the file's, whether the replies come in order or overtake each other.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DownloadArrayReuseIT {
  private static final int CHUNK = 1024 * 1024;
  private static final int SIZE = 24 * CHUNK + 12_345;

  /** Copies what it is handed, and counts the distinct arrays it was handed. */
  private static final class CountingSink extends OutputStream {
    final Set<byte[]> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream(SIZE);

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

  @ParameterizedTest(name = "every {0}th reply delayed")
  @ValueSource(ints = {0, 3})
  void chunksReuseArraysAndKeepTheirBytes(int delayEvery) throws Exception {
    try (Harness h = new Harness(b -> b.telemetryInterval(Duration.ZERO), b -> b)) {
      byte[] data = new byte[SIZE];
      new SplittableRandom(15).nextBytes(data);
      Files.write(h.agent.sandbox().resolve("down.bin"), data);
      if (delayEvery > 0) {
        Dispatcher builtIn = h.agent.defaultDispatcher();
        h.agent.dispatcher(request -> {
          if (request.payloadCase() == PayloadCase.FILE_READ
              && request.message().getFileRead().getOffset() / CHUNK % delayEvery == 1) {
            // Later replies overtake this one: the download buffers them out of order.
            return builtIn.dispatch(request).thenApplyAsync(reply -> reply,
                CompletableFuture.delayedExecutor(30, TimeUnit.MILLISECONDS));
          }
          return builtIn.dispatch(request);
        });
      }
      CountingSink sink = new CountingSink();

      TransferResult r = h.client.download("/down.bin", sink,
          DownloadOptions.DEFAULT.withChunkSize(CHUNK)).join();

      assertThat(sink.bytes.toByteArray()).isEqualTo(data);
      assertThat(r.chunks()).isEqualTo(25);
      // Before: one new array per chunk (25). Now the window's arrays come round again.
      assertThat(sink.arrays).hasSizeLessThanOrEqualTo(16);
    }
  }
}
