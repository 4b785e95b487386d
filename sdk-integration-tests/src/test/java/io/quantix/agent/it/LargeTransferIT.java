package io.quantix.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.TransferResult;
import io.quantix.agent.client.UploadOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** 1 GiB each way, hashed on both sides, streamed: never held in memory. */
class LargeTransferIT {
  static final long SIZE = Long.getLong("quantix.it.largeTransferBytes", 1L << 30);

  @Test
  @Timeout(300)
  void oneGibibyteUpAndDownWithEqualSha256(@TempDir Path dir) throws Exception {
    try (Harness h = new Harness(b -> b.telemetryInterval(java.time.Duration.ZERO), b -> b)) {
      MessageDigest sent = MessageDigest.getInstance("SHA-256");
      TransferResult up;
      try (InputStream in = new DigestInputStream(new RandomStream(SIZE, 42), sent)) {
        up = h.client.withTimeout(java.time.Duration.ofMinutes(4))
            .upload(in, "/big.bin", UploadOptions.DEFAULT).join();
      }
      assertThat(up.bytes()).isEqualTo(SIZE);
      assertThat(sha256(h.agent.sandbox().resolve("big.bin"))).isEqualTo(hex(sent));

      MessageDigest received = MessageDigest.getInstance("SHA-256");
      TransferResult down;
      try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), received)) {
        down = h.client.withTimeout(java.time.Duration.ofMinutes(4))
            .download("/big.bin", out, DownloadOptions.DEFAULT).join();
      }
      assertThat(down.bytes()).isEqualTo(SIZE);
      assertThat(hex(received)).isEqualTo(hex(sent));
      System.out.printf("1 GiB transfer: upload %.0f MiB/s, download %.0f MiB/s%n",
          up.mibPerSecond(), down.mibPerSecond());
      Files.deleteIfExists(h.agent.sandbox().resolve("big.bin"));
    }
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return hex(md);
  }

  private static String hex(MessageDigest md) {
    return HexFormat.of().formatHex(((MessageDigest) cloneOf(md)).digest());
  }

  private static Object cloneOf(MessageDigest md) {
    try {
      return md.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Deterministic pseudo-random bytes without holding them. */
  static final class RandomStream extends InputStream {
    private final Random random;
    private long left;
    private final byte[] block = new byte[64 * 1024];
    private int at = block.length;

    RandomStream(long size, long seed) {
      this.left = size;
      this.random = new Random(seed);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left == 0) {
        return -1;
      }
      if (at == block.length) {
        random.nextBytes(block);
        at = 0;
      }
      int n = (int) Math.min(Math.min(len, block.length - at), left);
      System.arraycopy(block, at, b, off, n);
      at += n;
      left -= n;
      return n;
    }
  }
}
