package io.quantix.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.TransferResult;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.FileWriteResponse;
import io.quantix.agent.testkit.Dispatcher;
import io.quantix.agent.testkit.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pipelined upload (issue 15) against the fake agent over a real socket: chunk 0 alone first,
 * then a window of chunks at their own offsets, acknowledged in any order; the fake agent's file
 * must equal the source, or the call must fail naming the chunk's offset.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PipelinedUploadIT {
  private static final int CHUNK = 4096;

  @ParameterizedTest(name = "window {0}")
  @ValueSource(ints = {1, 2, 3, 8, 64})
  void bytesAreIdenticalAtEveryWindowSize(int window) throws Exception {
    try (Harness h = new Harness(b -> b.telemetryInterval(Duration.ZERO).fsyncWrites(true),
        b -> b)) {
      Window seen = Window.watch(h);
      for (int size : new int[] {0, 1, CHUNK, 10 * CHUNK, 37 * CHUNK + 123}) {
        byte[] data = bytes(size, size + window);
        Files.write(h.agent.sandbox().resolve("up.bin"), bytes(50 * CHUNK, 7));
        TransferResult r = h.client.upload(data, "/up.bin",
            UploadOptions.DEFAULT.withChunkSize(CHUNK).withWindow(window).withMode(0640)).join();
        assertThat(r.bytes()).isEqualTo(size);
        assertThat(r.chunks()).isEqualTo(Math.max(1, (size + CHUNK - 1) / CHUNK));
        assertThat(Files.readAllBytes(h.agent.sandbox().resolve("up.bin")))
            .as("%d bytes, window %d", size, window).isEqualTo(data);
      }
      assertThat(seen.maxInFlight.get()).isLessThanOrEqualTo(window);
      assertThat(seen.chunkZeroAlone).as("chunk 0 was alone on the wire").isTrue();
      if (window > 2) {
        assertThat(seen.maxInFlight.get()).as("the window was used").isGreaterThan(1);
      }
    }
  }

  @Test
  void chunksAcknowledgedOutOfOrderStillMakeTheSameFile() throws Exception {
    try (Harness h = new Harness(b -> b.telemetryInterval(Duration.ZERO), b -> b)) {
      Dispatcher builtIn = h.agent.defaultDispatcher();
      CompletableFuture<Void> chunkFourAnswered = new CompletableFuture<>();
      List<Integer> answered = new CopyOnWriteArrayList<>();
      h.agent.dispatcher(request -> {
        int n = chunkNumber(request);
        // Chunks 1 and 2 are held until chunk 4 was answered: acknowledgements arrive out of order.
        CompletionStage<AgentMessage> reply = n == 1 || n == 2
            ? chunkFourAnswered.thenCompose(v -> builtIn.dispatch(request))
            : builtIn.dispatch(request);
        return reply.thenApply(m -> {
          if (n >= 0) {
            answered.add(n);
          }
          if (n == 4) {
            chunkFourAnswered.complete(null);
          }
          return m;
        });
      });
      byte[] data = bytes(12 * CHUNK + 5, 3);
      TransferResult r = h.client.upload(data, "/ooo.bin",
          UploadOptions.DEFAULT.withChunkSize(CHUNK).withWindow(8)).join();
      assertThat(r.bytes()).isEqualTo(data.length);
      assertThat(answered.indexOf(4)).isLessThan(answered.indexOf(1));
      assertThat(Files.readAllBytes(h.agent.sandbox().resolve("ooo.bin"))).isEqualTo(data);
    }
  }

  @Test
  void aChunkFailingMidWindowFailsTheUploadWithItsOffset() throws Exception {
    try (Harness h = new Harness(b -> b.telemetryInterval(Duration.ZERO), b -> b)) {
      Dispatcher builtIn = h.agent.defaultDispatcher();
      h.agent.dispatcher(request -> chunkNumber(request) == 5
          ? CompletableFuture.completedFuture(AgentMessage.newBuilder().setFileWriteResponse(
              FileWriteResponse.newBuilder().setSuccess(false).setChunkNumber(5)
                  .setError("No space left on device (os error 28)")).build())
          : builtIn.dispatch(request));
      byte[] data = bytes(20 * CHUNK, 4);
      CompletableFuture<TransferResult> up = h.client.upload(data, "/fail.bin",
          UploadOptions.DEFAULT.withChunkSize(CHUNK).withWindow(8));
      assertThatThrownBy(up::join).cause().isInstanceOfSatisfying(AgentException.class, e -> {
        assertThat(e.code()).isEqualTo(Code.REMOTE_FAILURE);
        assertThat(e.getMessage()).contains("chunk 5 at offset " + 5 * CHUNK)
            .contains("No space left");
      });
    }
  }

  @Test
  void aDeadlinePassingMidWindowFailsWithTheOffsetOfTheChunkStillOpen() throws Exception {
    try (Harness h = new Harness(b -> b.telemetryInterval(Duration.ZERO), b -> b)) {
      Dispatcher builtIn = h.agent.defaultDispatcher();
      h.agent.dispatcher(request -> chunkNumber(request) == 3
          ? new CompletableFuture<>() // never answered
          : builtIn.dispatch(request));
      byte[] data = bytes(30 * CHUNK, 5);
      CompletableFuture<TransferResult> up = h.client.withTimeout(Duration.ofSeconds(2))
          .upload(data, "/late.bin", UploadOptions.DEFAULT.withChunkSize(CHUNK).withWindow(4));
      assertThatThrownBy(up::join).cause().isInstanceOfSatisfying(AgentException.class, e -> {
        assertThat(e.code()).isEqualTo(Code.DEADLINE_EXCEEDED);
        assertThat(e.getMessage()).contains("chunk 3 at offset " + 3 * CHUNK);
      });
    }
  }

  /**
   * Found by the chaos soak: a failure of a later chunk that never left the client (here a
   * progress callback throwing after two chunks) once carried mayHaveRun=false although chunks 0
   * and 1 had already been written in the guest.
   */
  @Test
  void aFailureAfterAnAcknowledgedChunkSaysTheUploadMayHaveRun() throws Exception {
    try (Harness h = new Harness(b -> b.telemetryInterval(Duration.ZERO), b -> b)) {
      AtomicInteger calls = new AtomicInteger();
      byte[] data = bytes(10 * CHUNK, 7);
      CompletableFuture<TransferResult> up = h.client.upload(data, "/written.bin",
          UploadOptions.DEFAULT.withChunkSize(CHUNK).withWindow(1).withProgress((done, total) -> {
            if (calls.incrementAndGet() == 2) {
              throw new IllegalStateException("progress callback fails");
            }
          }));
      assertThatThrownBy(up::join).cause().isInstanceOfSatisfying(AgentException.class, e -> {
        assertThat(e.code()).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(e.mayHaveRun()).as("chunks 0 and 1 were written in the guest").isTrue();
      });
      assertThat(h.agent.sandbox().resolve("written.bin")).exists();
    }
  }

  @Test
  void cancellingMidWindowStopsTheWindowAtOnce() throws Exception {
    try (Harness h = new Harness(b -> b.telemetryInterval(Duration.ZERO), b -> b)) {
      Dispatcher builtIn = h.agent.defaultDispatcher();
      AtomicInteger writes = new AtomicInteger();
      CompletableFuture<AgentMessage> held = new CompletableFuture<>();
      h.agent.dispatcher(request -> {
        int n = chunkNumber(request);
        if (n >= 0) {
          writes.incrementAndGet();
        }
        return n == 2 ? held : builtIn.dispatch(request);
      });
      byte[] data = bytes(40 * CHUNK, 6);
      CompletableFuture<TransferResult> up = h.client.upload(data, "/cancel.bin",
          UploadOptions.DEFAULT.withChunkSize(CHUNK).withWindow(4));
      // Chunk 2 holds one slot; the others flow until the source is nearly all sent.
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() >= 10);
      assertThat(up.cancel(true)).isTrue();
      int atCancel = writes.get();
      held.complete(null);
      // Proof that nothing more leaves: a ping sent after the cancel is answered, and no write
      // request arrived after the ones in flight at the cancel (at most a window's worth).
      h.client.ping().join();
      assertThat(writes.get()).isLessThanOrEqualTo(atCancel + 4);
      assertThat(up).isCancelled();
      Path file = h.agent.sandbox().resolve("cancel.bin");
      assertThat(Files.size(file)).isLessThanOrEqualTo(data.length);
    }
  }

  /** The write chunk's number, or -1 for any other request. */
  private static int chunkNumber(RecordedRequest request) {
    return request.payloadCase() == PayloadCase.FILE_WRITE
        ? request.message().getFileWrite().getChunkNumber() : -1;
  }

  private static byte[] bytes(int size, long seed) {
    byte[] out = new byte[size];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < size; i++) {
      out[i] = (byte) random.nextInt(256);
    }
    return out;
  }

  /** Watches the write requests in flight at the agent (received, not yet answered). */
  private static final class Window {
    final AtomicInteger maxInFlight = new AtomicInteger();
    volatile boolean chunkZeroAlone = true;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<Integer, Boolean> open = new ConcurrentHashMap<>();

    static Window watch(Harness h) {
      Window w = new Window();
      Dispatcher builtIn = h.agent.defaultDispatcher();
      h.agent.dispatcher(request -> {
        int n = chunkNumber(request);
        if (n < 0) {
          return builtIn.dispatch(request);
        }
        int now = w.inFlight.incrementAndGet();
        w.maxInFlight.accumulateAndGet(now, Math::max);
        if (n == 0 && now != 1 || n > 0 && w.open.containsKey(0)) {
          w.chunkZeroAlone = false;
        }
        w.open.put(n, true);
        return builtIn.dispatch(request).whenComplete((m, e) -> {
          w.open.remove(n);
          w.inFlight.decrementAndGet();
        });
      });
      return w;
    }
  }
}
