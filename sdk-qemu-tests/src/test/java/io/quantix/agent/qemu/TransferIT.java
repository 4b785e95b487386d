package io.quantix.agent.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.TransferResult;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.qemu.support.Figures;
import io.quantix.agent.qemu.support.Guest;
import io.quantix.agent.qemu.support.NaiveClient;
import io.quantix.agent.qemu.support.QemuTier;
import io.quantix.agent.registry.AgentRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * 64 MiB each way through the guest (so 128 MiB of virtio-serial crossings per direction), by the
 * SDK and by the naive blocking client, with sha256 checks on both ends and the rates reported.
 */
@ExtendWith(QemuTier.class)
class TransferIT {
  private static final int SIZE = 64 * 1024 * 1024;
  private static final int CHUNK = 1024 * 1024;

  @Test
  void pushesAndPulls64MiBIntact(Guest guest, @TempDir Path tmp) throws Exception {
    byte[] data = new byte[SIZE];
    new Random(18).nextBytes(data);
    String sha = sha256(data);

    try (AgentRegistry registry = guest.registry().build()) {
      AgentClient client = BrokenSdk.client(registry, guest).withTimeout(Duration.ofSeconds(60));
      long start = System.nanoTime();
      TransferResult pushed = client.upload(data, "/data/sdk.bin",
          UploadOptions.DEFAULT.withCreateParents(true)).join();
      long pushNanos = System.nanoTime() - start;
      assertThat(pushed.bytes()).isEqualTo(SIZE);
      assertThat(sha256(Files.readAllBytes(guest.agent().sandbox().resolve("data/sdk.bin"))))
          .isEqualTo(sha);

      Path pulled = tmp.resolve("pulled.bin");
      start = System.nanoTime();
      TransferResult got = client.download("/data/sdk.bin", pulled, DownloadOptions.DEFAULT).join();
      long pullNanos = System.nanoTime() - start;
      assertThat(got.bytes()).isEqualTo(SIZE);
      assertThat(sha256(Files.readAllBytes(pulled))).isEqualTo(sha);
      Figures.record("SDK 64 MiB push %.1f MB/s, pull %.1f MB/s (%d + %d chunks)",
          Figures.megabytesPerSecond(SIZE, pushNanos), Figures.megabytesPerSecond(SIZE, pullNanos),
          pushed.chunks(), got.chunks());
    }

    try (NaiveClient naive = NaiveClient.connect(guest.agentSocket())) {
      long start = System.nanoTime();
      naive.upload("/data/naive.bin", data, CHUNK);
      long pushNanos = System.nanoTime() - start;
      assertThat(sha256(Files.readAllBytes(guest.agent().sandbox().resolve("data/naive.bin"))))
          .isEqualTo(sha);
      ByteArrayOutputStream sink = new ByteArrayOutputStream(SIZE);
      start = System.nanoTime();
      naive.download("/data/naive.bin", CHUNK, sink);
      long pullNanos = System.nanoTime() - start;
      assertThat(sha256(sink.toByteArray())).isEqualTo(sha);
      Figures.record("naive blocking client 64 MiB push %.1f MB/s, pull %.1f MB/s (1 MiB chunks,"
              + " one in flight)", Figures.megabytesPerSecond(SIZE, pushNanos),
          Figures.megabytesPerSecond(SIZE, pullNanos));
    }
  }

  static String sha256(byte[] bytes) throws NoSuchAlgorithmException, IOException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
