package io.quantix.agent.qemu.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * qemu-ga's JSON protocol by hand over a chardev socket (wire/qemu-ga.md §1), to check the guest
 * side before the SDK's own qemu-ga client runs there: one request per line, one reply line each,
 * {@code guest-sync-delimited} answered after a 0xFF sentinel. Blocking; the caller bounds it with
 * a JUnit timeout.
 */
public final class RawQga implements AutoCloseable {
  private static final Pattern PID = Pattern.compile("\"pid\":\\s*(\\d+)");
  private final SocketChannel channel;
  private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);

  private RawQga(SocketChannel channel) {
    this.channel = channel;
    in.flip();
  }

  /** Connects to the host side of {@code org.qemu.guest_agent.0}. */
  public static RawQga connect(Path socket) throws IOException {
    return new RawQga(UnixSockets.connect(socket));
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

  /**
   * Runs {@code path} with {@code args} in the guest ({@code guest-exec}) and polls
   * {@code guest-exec-status} until it has exited; returns that last status line.
   */
  public String execAndWait(String path, List<String> args, boolean captureOutput,
      Duration timeout) throws IOException {
    StringBuilder arguments = new StringBuilder();
    for (String arg : args) {
      arguments.append(arguments.length() == 0 ? "" : ",").append('"').append(arg).append('"');
    }
    String started = execute("{\"execute\":\"guest-exec\",\"arguments\":{\"path\":\"" + path
        + "\",\"arg\":[" + arguments + "],\"capture-output\":" + captureOutput + "}}");
    Matcher pid = PID.matcher(started);
    if (!pid.find()) {
      throw new IOException("guest-exec " + path + " failed: " + started);
    }
    String query = "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":" + pid.group(1)
        + "}}";
    AtomicReference<String> status = new AtomicReference<>("");
    Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
      status.set(execute(query));
      return status.get().replace(" ", "").contains("\"exited\":true");
    });
    return status.get();
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
