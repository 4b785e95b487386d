package io.quantix.agent.qga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantix.agent.AgentException;
import io.quantix.agent.Deadline;
import io.quantix.agent.qga.internal.Calls;
import io.quantix.agent.qga.internal.ExecRun;
import io.quantix.agent.qga.internal.FilePull;
import io.quantix.agent.qga.internal.FilePush;
import io.quantix.agent.qga.internal.FrozenRun;
import io.quantix.agent.qga.internal.Json;
import io.quantix.agent.qga.internal.Parsers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A typed, asynchronous client for one VM's QEMU guest agent (qemu-ga) channel. One session per
 * channel: calls from every thread share it, run one at a time on the wire (qemu-ga is serial),
 * wait in a bounded queue behind, and each has its own deadline. Every future completes on the
 * callback executor, never on an I/O thread; failures are {@link AgentException}s (a QGA
 * {@code CommandNotFound}, or a command guest-info shows disabled, is NOT_SUPPORTED).
 *
 * <pre>{@code
 * try (QgaClient qga = QgaClient.builder()
 *         .endpoint(Endpoint.parse("unix:/var/lib/libvirt/qemu/channel/target/domain-3-vm42/org.qemu.guest_agent.0"))
 *         .build()) {
 *   qga.ping().join();
 *   QgaExecResult r = qga.exec(QgaExec.shell("uname -a")).join();
 *   qga.push(Path.of("agent"), "/tmp/agent", QgaTransferOptions.DEFAULT).join();
 *   qga.withFrozen(() -> hypervisor.snapshot("vm42")).join();   // thaws in every outcome
 * }
 * }</pre>
 */
public final class QgaClient implements AutoCloseable {
  private final Calls calls;
  private final Duration timeout;
  private final Runnable onClose;

  QgaClient(Calls calls, Duration timeout, Runnable onClose) {
    this.calls = calls;
    this.timeout = timeout;
    this.onClose = onClose;
  }

  /** A builder: endpoints are required. */
  public static QgaClientBuilder builder() {
    return new QgaClientBuilder();
  }

  /** A view of the same session whose calls default to {@code callTimeout}. */
  public QgaClient withTimeout(Duration callTimeout) {
    Objects.requireNonNull(callTimeout, "callTimeout");
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + callTimeout);
    }
    return new QgaClient(calls, callTimeout, onClose);
  }

  /**
   * A view of the same session whose {@link #close()} does nothing: for handing a shared session
   * to code that closes what it is given.
   */
  public QgaClient withoutClose() {
    return new QgaClient(calls, timeout, () -> { });
  }

  /** The session's cached status: no I/O. */
  public QgaStatus status() {
    return calls.session().state().status();
  }

  /** {@code guest-ping}. */
  public CompletableFuture<Void> ping() {
    return call("guest-ping", null, v -> null);
  }

  /** {@code guest-info}; also refreshes the cache that gates disabled commands. */
  public CompletableFuture<QgaInfo> info() {
    return call("guest-info", null, v -> {
      QgaInfo info = Parsers.info(v);
      calls.session().state().info(info);
      return info;
    });
  }

  /** {@code guest-get-osinfo}. */
  public CompletableFuture<QgaOsInfo> osInfo() {
    return call("guest-get-osinfo", null, Parsers::osInfo);
  }

  /** {@code guest-get-host-name}. */
  public CompletableFuture<String> hostName() {
    return call("guest-get-host-name", null, Parsers::hostName);
  }

  /** {@code guest-get-timezone}. */
  public CompletableFuture<QgaTimezone> timezone() {
    return call("guest-get-timezone", null, Parsers::timezone);
  }

  /** {@code guest-get-users}. */
  public CompletableFuture<List<QgaUser>> users() {
    return call("guest-get-users", null, Parsers::users);
  }

  /** {@code guest-network-get-interfaces}. */
  public CompletableFuture<List<QgaInterface>> interfaces() {
    return call("guest-network-get-interfaces", null, Parsers::interfaces);
  }

  /** {@code guest-get-fsinfo}. */
  public CompletableFuture<List<QgaFilesystem>> filesystems() {
    return call("guest-get-fsinfo", null, Parsers::filesystems);
  }

  /** {@code guest-get-time}. */
  public CompletableFuture<Instant> time() {
    return call("guest-get-time", null, v -> {
      long nanos = v.asLong();
      return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
          Math.floorMod(nanos, 1_000_000_000L));
    });
  }

  /** {@code guest-set-time} to {@code time} (the guest then writes its hardware clock). */
  public CompletableFuture<Void> setTime(Instant time) {
    Objects.requireNonNull(time, "time");
    long nanos;
    try {
      nanos = Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000_000L),
          time.getNano());
    } catch (ArithmeticException e) {
      return CompletableFuture.failedFuture(AgentException.invalidArgument(
          "time out of range for guest-set-time: " + time));
    }
    return call("guest-set-time", Json.object().put("time", nanos), v -> null);
  }

  /** {@code guest-set-time} without a time: the guest reads its hardware clock. */
  public CompletableFuture<Void> setTimeFromHardwareClock() {
    return call("guest-set-time", null, v -> null);
  }

  /**
   * {@code guest-set-user-password}. The password is sent base64-encoded, as qemu-ga requires,
   * and never logged; the array is zeroed once encoded. {@code crypted}: already crypt()ed.
   */
  public CompletableFuture<Void> setUserPassword(String user, char[] password, boolean crypted) {
    if (user == null || user.isEmpty() || password == null) {
      return CompletableFuture.failedFuture(
          AgentException.invalidArgument("user and password are required"));
    }
    java.nio.ByteBuffer encoded = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    String b64 = Base64.getEncoder().encodeToString(bytes);
    Arrays.fill(bytes, (byte) 0);
    if (encoded.hasArray()) {
      Arrays.fill(encoded.array(), (byte) 0);
    }
    Arrays.fill(password, '\0');
    ObjectNode args = Json.object().put("username", user).put("password", b64)
        .put("crypted", crypted);
    return call("guest-set-user-password", args, v -> null);
  }

  /**
   * {@code guest-shutdown}: qemu-ga sends no reply on success, so the channel's EOF (QEMU exits
   * or the guest closes the port) is success, as in libvirt; an error reply fails it.
   */
  public CompletableFuture<Void> shutdown(PowerMode mode) {
    Objects.requireNonNull(mode, "mode");
    return calls.call("guest-shutdown", Json.object().put("mode", mode.wireName()),
        Deadline.after(timeout), true, v -> null);
  }

  /** Runs a program and waits for it (exec-status polled with backoff) under its deadline. */
  public CompletableFuture<QgaExecResult> exec(QgaExec exec) {
    Objects.requireNonNull(exec, "exec");
    return ExecRun.start(calls, exec, Deadline.after(exec.timeout().orElse(timeout)));
  }

  /** Copies a local file to {@code guestPath} in chunks; bad arguments fail before any I/O. */
  public CompletableFuture<QgaTransfer> push(Path local, String guestPath,
      QgaTransferOptions options) {
    try {
      return FilePush.start(calls, local, guestPath, options);
    } catch (AgentException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Copies {@code guestPath} to a local file (replaced only when complete). */
  public CompletableFuture<QgaTransfer> pull(String guestPath, Path local,
      QgaTransferOptions options) {
    try {
      return FilePull.start(calls, guestPath, local, options);
    } catch (AgentException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** {@code guest-fsfreeze-status}. */
  public CompletableFuture<FreezeStatus> freezeStatus() {
    return call("guest-fsfreeze-status", null,
        v -> "frozen".equals(v.asText()) ? FreezeStatus.FROZEN : FreezeStatus.THAWED);
  }

  /** Freezes every freezable filesystem; the number frozen. Prefer {@link #withFrozen}. */
  public CompletableFuture<Integer> freeze() {
    return FrozenRun.freeze(calls, List.of(), timeout);
  }

  /** Freezes the filesystems mounted at {@code mountpoints}. */
  public CompletableFuture<Integer> freeze(List<String> mountpoints) {
    return FrozenRun.freeze(calls, List.copyOf(mountpoints), timeout);
  }

  /** Thaws; the number thawed. */
  public CompletableFuture<Integer> thaw() {
    return FrozenRun.thaw(calls, timeout);
  }

  /** Freezes every filesystem, runs {@code action}, thaws in every outcome. */
  public <T> CompletableFuture<T> withFrozen(Supplier<? extends CompletionStage<T>> action) {
    return FrozenRun.run(calls, List.of(), timeout, Objects.requireNonNull(action, "action"));
  }

  /** Calls any QGA command by name and returns its raw {@code return} value. */
  public CompletableFuture<JsonNode> command(String name, ObjectNode arguments) {
    if (name == null || !name.startsWith("guest-")) {
      return CompletableFuture.failedFuture(
          AgentException.invalidArgument("not a QGA command name: " + name));
    }
    return call(name, arguments == null ? null : arguments.deepCopy(), v -> v);
  }

  private <T> CompletableFuture<T> call(String command, ObjectNode args,
      java.util.function.Function<JsonNode, T> parser) {
    return calls.call(command, args, Deadline.after(timeout), false, parser);
  }

  /**
   * Closes the session: queued calls fail UNAVAILABLE, a reply still on its way is read first
   * (qemu-ga 7.2 exits when a client leaves one unread), then the channel closes. Waits for that
   * unless called on an I/O thread. Closing any view closes the session.
   */
  @Override
  public void close() {
    onClose.run();
  }
}
