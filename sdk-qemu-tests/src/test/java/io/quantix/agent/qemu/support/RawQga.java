package io.quantix.agent.qemu.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * qemu-ga's JSON protocol by hand over a chardev socket (wire/qemu-ga.md §1), to check the guest
 * side before the SDK's own qemu-ga client runs there: one request per line, one reply line each,
 * {@code guest-sync-delimited} answered after a 0xFF sentinel. Blocking; the caller bounds it with
 * a JUnit timeout.
 */
public final class RawQga implements AutoCloseable {
  private final SocketChannel channel;
  private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);

  private RawQga(SocketChannel channel) {
    this.channel = channel;
    in.flip();
  }

  /** Connects to the host side of {@code org.qemu.guest_agent.0}. */
  public static RawQga connect(Path socket) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return new RawQga(channel);
  }

  /**
   * Synchronises as libvirt does, but with the lexer reset first: a raw 0xFF (invalid JSON, so
   * qemu-ga drops any half request), then {@code guest-sync-delimited}; bytes up to the 0xFF
   * sentinel of the reply are skipped (the error line the raw 0xFF causes, stale replies).
   *
   * @return the reply line after the sentinel
   */
  public String syncDelimited(long id) throws IOException {
    write("\u00ff{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":" + id + "}}\n");
    while (true) {
      while (readByte() != 0xff) {
        // skip: stale bytes and the parse error of the raw 0xFF
      }
      String line = readLine();
      if (line.replace(" ", "").equals("{\"return\":" + id + "}")) {
        return line;
      }
    }
  }

  /** Sends one command line (a JSON object) and returns the reply line. */
  public String execute(String json) throws IOException {
    write(json + "\n");
    return readLine();
  }

  private void write(String text) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    while (out.hasRemaining()) {
      channel.write(out);
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = readByte()) != '\n') {
      line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  private int readByte() throws IOException {
    if (!in.hasRemaining()) {
      in.clear();
      int n = channel.read(in);
      in.flip();
      if (n < 0) {
        throw new EOFException("qemu-ga's chardev socket closed");
      }
    }
    return in.get() & 0xff;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
