package io.quantix.agent.transport.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A blocking JDK Unix-socket server for tests: accepts clients on a thread and hands each to a
 * script; {@code accepting=false} binds with a backlog and never accepts (QEMU's busy channel).
 */
public final class UnixServer implements AutoCloseable {
  /** What the server does with one accepted client. */
  public interface Script {
    void run(SocketChannel client) throws IOException;
  }

  public final Path path;
  private final ServerSocketChannel server;
  private final Thread acceptor;
  public final List<SocketChannel> clients = new CopyOnWriteArrayList<>();

  private UnixServer(Path path, int backlog, Script script) throws IOException {
    this.path = path;
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path), backlog);
    if (script == null) {
      acceptor = null;
      return;
    }
    acceptor = new Thread(() -> {
      try {
        while (true) {
          SocketChannel client = server.accept();
          clients.removeIf(c -> !c.isOpen());
          clients.add(client);
          try {
            script.run(client);
          } catch (IOException e) {
            // the client went away; the next one is served
          }
        }
      } catch (ClosedChannelException e) {
        // closed by close()
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, "unix-server-" + path.getFileName());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A script that reads a client until it leaves, then closes it. */
  public static void drainAndClose(SocketChannel client) throws IOException {
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4096);
    try (client) {
      while (client.read(buf) >= 0) {
        buf.clear();
      }
    }
    // closed: no descriptor stays behind in the test JVM
  }

  /** Serves clients one after another with {@code script}. */
  public static UnixServer serving(Path path, Script script) throws IOException {
    return new UnixServer(path, 50, script);
  }

  /** Listens with {@code backlog} and never accepts. */
  public static UnixServer neverAccepting(Path path, int backlog) throws IOException {
    return new UnixServer(path, backlog, null);
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (SocketChannel c : clients) {
      c.close();
    }
    if (acceptor != null) {
      try {
        acceptor.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Files.deleteIfExists(path);
  }
}
