package io.quantix.agent.qga.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A scriptable stand-in for qemu-ga in {@code -m unix-listen} mode: one client at a time (a
 * second one's connect succeeds and its bytes wait until the first leaves), a byte-stream lexer
 * that answers each 0xFF with a parse error and resyncs on it, guest-sync-delimited with its
 * sentinel, real exec and files on this machine (see {@link FakeCommands}), fsfreeze state that
 * disables commands, guest-shutdown that closes without a reply, and faults: stale bytes on the
 * next connection, garbage before a reply, held replies. It records each connection that the
 * client closed with a reply unread (a real 7.2 agent exits then) and can exit the same way.
 *
 * <pre>{@code
 * try (FakeQemuGa qga = FakeQemuGa.start(dir.resolve("qga.sock"))) {
 *   qga.script("guest-get-host-name", args -> Json.object().put("host-name", "vm42"));
 * }
 * }</pre>
 */
public final class FakeQemuGa implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  private final Path socket;
  private final ServerSocketChannel server;
  private final Thread thread;
  final FakeCommands commands = new FakeCommands(this);
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Function<JsonNode, JsonNode>> scripts = new ConcurrentHashMap<>();
  private final Map<String, String[]> failures = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger unreadCloses = new AtomicInteger();
  volatile Set<String> blocked = Set.of();
  private volatile byte[] staleOnConnect;
  private volatile byte[] garbageBeforeReply;
  private volatile boolean exitOnUnreadReply;
  private volatile boolean closed;
  private volatile SocketChannel current;

  private FakeQemuGa(Path socket, ServerSocketChannel server) {
    this.socket = socket;
    this.server = server;
    this.thread = new Thread(this::serve, "fake-qemu-ga");
    thread.setDaemon(true);
  }

  /** Listens on {@code socket}. */
  public static FakeQemuGa start(Path socket) throws IOException {
    Files.deleteIfExists(socket);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket), 8);
    FakeQemuGa fake = new FakeQemuGa(socket, server);
    fake.thread.start();
    return fake;
  }

  /** The socket path. */
  public Path socket() {
    return socket;
  }

  /** Blocks commands as {@code qemu-ga -b} does. */
  public FakeQemuGa block(Set<String> names) {
    this.blocked = Set.copyOf(names);
    return this;
  }

  /** Answers {@code command} with {@code handler}'s return value instead of the built-in. */
  public FakeQemuGa script(String command, Function<JsonNode, JsonNode> handler) {
    scripts.put(command, handler);
    return this;
  }

  /** Answers {@code command} with an error reply. */
  public FakeQemuGa fail(String command, String errorClass, String desc) {
    failures.put(command, new String[] {errorClass, desc});
    return this;
  }

  /** Holds every {@code command}'s reply until the returned latch is counted down. */
  public CountDownLatch hold(String command) {
    CountDownLatch latch = new CountDownLatch(1);
    holds.put(command, latch);
    return latch;
  }

  /** Bytes the next connection receives first, as an earlier client's unread replies. */
  public FakeQemuGa staleOnNextConnect(byte[] bytes) {
    this.staleOnConnect = bytes.clone();
    return this;
  }

  /** Bytes written before the next reply (after the sync). */
  public FakeQemuGa garbageBeforeNextReply(byte[] bytes) {
    this.garbageBeforeReply = bytes.clone();
    return this;
  }

  /** Stop serving when a client leaves a reply unread, as qemu-ga 7.2 in unix-listen mode. */
  public FakeQemuGa exitOnUnreadReply(boolean exit) {
    this.exitOnUnreadReply = exit;
    return this;
  }

  /** Every command received, in order. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** Connections the client closed with a reply unread. */
  public int unreadCloses() {
    return unreadCloses.get();
  }

  /** Whether the fake still serves (false after an unread-reply exit). */
  public boolean isServing() {
    return !closed;
  }

  private void serve() {
    while (!closed) {
      try (SocketChannel ch = server.accept()) {
        connections.incrementAndGet();
        current = ch;
        byte[] stale = staleOnConnect;
        staleOnConnect = null;
        if (stale != null) {
          write(ch, stale);
        }
        session(ch);
      } catch (IOException e) {
        if (!closed && e.getMessage() != null && e.getMessage().contains("reset")) {
          unreadCloses.incrementAndGet();
          if (exitOnUnreadReply) {
            closeQuietly();
          }
        }
      } finally {
        current = null;
      }
    }
  }

  private void session(SocketChannel ch) throws IOException {
    Lexer lexer = new Lexer();
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    while (!closed) {
      buffer.clear();
      int n = ch.read(buffer);
      if (n < 0) {
        return;
      }
      for (int i = 0; i < n; i++) {
        Object item = lexer.feed(buffer.get(i));
        if (item == Lexer.STRAY_FF) {
          reply(ch, error("GenericError", "JSON parse error, stray '\uFFFD'"));
        } else if (item == Lexer.GARBAGE) {
          reply(ch, error("GenericError", "JSON parse error, invalid keyword"));
        } else if (item instanceof byte[] object) {
          if (!handle(ch, object)) {
            return;
          }
        }
      }
    }
  }

  /** Handles one request; false when the connection must end (shutdown). */
  private boolean handle(SocketChannel ch, byte[] object) throws IOException {
    JsonNode request;
    try {
      request = JSON.readTree(object);
    } catch (IOException e) {
      reply(ch, error("GenericError", "JSON parse error"));
      return true;
    }
    String name = request.path("execute").asText("");
    JsonNode args = request.path("arguments");
    requests.add(name);
    JsonNode id = request.get("id");
    if (name.equals("guest-sync-delimited") || name.equals("guest-sync")) {
      ObjectNode r = JsonNodeFactory.instance.objectNode();
      r.set("return", args.path("id"));
      if (name.equals("guest-sync-delimited")) {
        write(ch, new byte[] {(byte) 0xFF});
      }
      reply(ch, r);
      return true;
    }
    CountDownLatch hold = holds.get(name);
    if (hold != null) {
      try {
        hold.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] garbage = garbageBeforeReply;
    garbageBeforeReply = null;
    if (garbage != null) {
      write(ch, garbage);
    }
    ObjectNode r = answer(name, args);
    if (r == null) {
      return false; // guest-shutdown: no reply, the guest goes away
    }
    if (id != null) {
      r.set("id", id);
    }
    reply(ch, r);
    return true;
  }

  private ObjectNode answer(String name, JsonNode args) {
    String[] failure = failures.get(name);
    if (failure != null) {
      return error(failure[0], failure[1]);
    }
    if (blocked.contains(name)) {
      return error("CommandNotFound", "Command " + name + " has been disabled");
    }
    if (commands.frozen && !FakeCommands.FROZEN_OK.contains(name)) {
      return error("CommandNotFound", "Command " + name
          + " has been disabled: the agent is in frozen state");
    }
    Function<JsonNode, JsonNode> script = scripts.get(name);
    try {
      JsonNode value = script != null ? script.apply(args) : commands.run(name, args);
      if (value == FakeCommands.NO_REPLY) {
        return null;
      }
      if (value == null) {
        return error("CommandNotFound", "The command " + name + " has not been found");
      }
      ObjectNode r = JsonNodeFactory.instance.objectNode();
      r.set("return", value);
      return r;
    } catch (FakeCommands.GuestError e) {
      return error("GenericError", e.getMessage());
    }
  }

  static ObjectNode error(String errorClass, String desc) {
    ObjectNode r = JsonNodeFactory.instance.objectNode();
    r.putObject("error").put("class", errorClass).put("desc", desc);
    return r;
  }

  private static void reply(SocketChannel ch, JsonNode r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JSON.writeValue(out, r);
    out.write('\n');
    write(ch, out.toByteArray());
  }

  private static void write(SocketChannel ch, byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private void closeQuietly() {
    closed = true;
    try {
      server.close();
      Files.deleteIfExists(socket);
    } catch (IOException ignored) {
      // a test fake going away
    }
  }

  @Override
  public void close() {
    closeQuietly();
    SocketChannel ch = current;
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // already gone
      }
    }
    holds.values().forEach(CountDownLatch::countDown);
    commands.close();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
