package io.quantix.agent.qga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.TransportOptions;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same tests against the fake and the real qemu-ga: every operation the block list allows,
 * resync after garbage and after a timeout, a second client, and closing without a reply unread.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class QgaContract {
  @TempDir Path dir;
  QgaPeer peer;
  private final java.util.List<QgaClient> clients = new java.util.ArrayList<>();

  /** Starts (or attaches to) the qemu-ga under test; {@code dir} is the test's temp directory. */
  protected abstract QgaPeer startPeer(Path dir) throws Exception;

  QgaClient client() throws Exception {
    return client(QgaOptions.DEFAULT);
  }

  QgaClient client(QgaOptions options) throws Exception {
    if (peer == null) {
      peer = startPeer(dir);
    }
    QgaClient c = QgaClient.builder().endpoint(peer.endpoint()).options(options).build();
    clients.add(c);
    return c;
  }

  @AfterEach
  void closeAll() {
    clients.forEach(QgaClient::close);
    if (peer != null) {
      assertThat(peer.healthy()).as("no client left a reply unread; the agent still serves")
          .isTrue();
      peer.close();
    }
  }

  static AgentException failure(Runnable call) {
    try {
      call.run();
    } catch (CompletionException e) {
      return AgentException.from(e);
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void pingInfoAndSystemQueries() throws Exception {
    QgaClient qga = client();
    qga.ping().join();
    QgaInfo info = qga.info().join();
    assertThat(info.version()).isNotEmpty();
    assertThat(info.isEnabled("guest-exec")).isTrue();
    assertThat(info.isEnabled("guest-shutdown")).isFalse();
    assertThat(qga.status().state()).isEqualTo(QgaState.READY);
    assertThat(qga.hostName().join()).isNotEmpty();
    assertThat(qga.osInfo().join().machine()).isPresent();
    qga.timezone().join();
    qga.users().join();
    assertThat(qga.interfaces().join()).extracting(QgaInterface::name).contains("lo");
    assertThat(qga.filesystems().join()).isNotNull();
    assertThat(Duration.between(qga.time().join(), Instant.now()).abs())
        .isLessThan(Duration.ofMinutes(1));
    assertThat(qga.freezeStatus().join()).isEqualTo(FreezeStatus.THAWED);
  }

  @Test
  void blockedCommandsAreNotSupportedBeforeAnyIo() throws Exception {
    QgaClient qga = client();
    qga.info().join();
    assertThat(failure(() -> qga.shutdown(PowerMode.POWERDOWN).join()).code())
        .isEqualTo(AgentException.Code.NOT_SUPPORTED);
    assertThat(failure(() -> qga.freeze().join()).code())
        .isEqualTo(AgentException.Code.NOT_SUPPORTED);
    assertThat(failure(() -> qga.setUserPassword("root", "secret".toCharArray(), false).join())
        .code()).isEqualTo(AgentException.Code.NOT_SUPPORTED);
    assertThat(failure(() -> qga.setTime(Instant.now()).join()).code())
        .isEqualTo(AgentException.Code.NOT_SUPPORTED);
    // The agent's own CommandNotFound maps the same way (no gate for an unknown name).
    AgentException unknown = failure(() -> qga.command("guest-no-such-command", null).join());
    assertThat(unknown.code()).isEqualTo(AgentException.Code.NOT_SUPPORTED);
  }

  @Test
  void execCapturesExitCodeOutputInputAndEnvironment() throws Exception {
    QgaClient qga = client();
    QgaExecResult r = qga.exec(QgaExec.shell("echo hi; echo err >&2; exit 3")).join();
    assertThat(r.exitCode()).hasValue(3);
    assertThat(r.stdoutText()).isEqualTo("hi\n");
    assertThat(r.stderrText()).isEqualTo("err\n");
    assertThat(qga.exec(QgaExec.of("/bin/cat").withInput("piped")).join().stdoutText())
        .isEqualTo("piped");
    assertThat(qga.exec(QgaExec.of("/usr/bin/env").withEnvironment(Map.of("A", "b"))).join()
        .stdoutText()).isEqualTo("A=b\n");
    AgentException bad = failure(() -> qga.exec(QgaExec.of("/no/such/program")).join());
    assertThat(bad.code()).isEqualTo(AgentException.Code.REMOTE_FAILURE);
    assertThat(bad.getMessage()).contains("GenericError");
  }

  @Test
  void pushAndPullRoundTripWithGuestSha256() throws Exception {
    QgaClient qga = client();
    byte[] data = new byte[3 * 65536 + 123];
    new Random(7).nextBytes(data);
    Path local = Files.write(dir.resolve("in.bin"), data);
    String guest = peer.agentDir(dir) + "/guest.bin";
    QgaTransferOptions small = QgaTransferOptions.DEFAULT.withChunkBytes(65536);
    QgaTransfer up = qga.push(local, guest, small).join();
    assertThat(up.bytes()).isEqualTo(data.length);
    assertThat(up.chunks()).isEqualTo(4);
    assertThat(up.guestVerified()).contains(true);
    assertThat(up.sha256()).isEqualTo(sha256(data));
    Path back = dir.resolve("back.bin");
    QgaTransfer down = qga.pull(guest, back, small).join();
    assertThat(Files.readAllBytes(back)).isEqualTo(data);
    assertThat(down.guestVerified()).contains(true);
    // A file of exactly one chunk needs one more, empty read to see eof.
    Path exact = Files.write(dir.resolve("exact.bin"), new byte[65536]);
    qga.push(exact, guest, small.withVerifyInGuest(false)).join();
    assertThat(qga.pull(guest, back, small).join().bytes()).isEqualTo(65536);
    Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
    assertThat(qga.push(empty, guest, small).join().guestVerified()).contains(true);
    assertThat(agentFileSize(qga, guest)).isZero();
  }

  /** The size of a file on the agent's side, asked through qemu-ga (not this machine's files). */
  static long agentFileSize(QgaClient qga, String path) {
    QgaExecResult r = qga.exec(QgaExec.of("/bin/sh", "-c", "wc -c < \"$1\"", "sh", path)).join();
    assertThat(r.exitCode()).as("wc -c %s: %s", path, r.stderrText()).hasValue(0);
    return Long.parseLong(r.stdoutText().trim());
  }

  @Test
  void pullOfMissingFileFailsTypedAndLeavesNoPartialFile() throws Exception {
    QgaClient qga = client();
    Path target = dir.resolve("never.bin");
    AgentException e = failure(() -> qga.pull(peer.agentDir(dir) + "/missing", target,
        QgaTransferOptions.DEFAULT).join());
    assertThat(e.code()).isEqualTo(AgentException.Code.REMOTE_FAILURE);
    assertThat(target).doesNotExist();
    assertThat(dir.resolve("never.bin.part")).doesNotExist();
    assertThat(failure(() -> qga.push(dir.resolve("nothing"), "/tmp/x", QgaTransferOptions.DEFAULT)
        .join()).code()).isEqualTo(AgentException.Code.INVALID_ARGUMENT);
  }

  @Test
  void resyncsAfterAHalfRequestLeftByAnEarlierClient() throws Exception {
    QgaClient qga = client();
    try (SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      raw.connect(UnixDomainSocketAddress.of(((Endpoint.Unix) peer.endpoint()).path()));
      raw.write(ByteBuffer.wrap("{\"execute\":\"guest-ping\", \"argu".getBytes(
          StandardCharsets.US_ASCII)));
    }
    qga.ping().join();
    assertThat(qga.exec(QgaExec.of("/bin/echo", "ok")).join().stdoutText()).isEqualTo("ok\n");
  }

  @Test
  void resyncsAfterATimeoutAndDropsTheLateReply() throws Exception {
    QgaClient qga = client();
    String big = peer.agentDir(dir) + "/big.bin";
    int mib = peer.slowReadMiB();
    // written on the agent's side (a guest's files are not this machine's)
    assertThat(qga.exec(QgaExec.of("/bin/sh", "-c", "dd if=/dev/zero of=\"$1\" bs=1048576"
        + " count=" + mib + " 2>/dev/null", "sh", big)).join().exitCode()).hasValue(0);
    long handle = qga.command("guest-file-open",
        JsonNodeFactory.instance.objectNode().put("path", big)).join().asLong();
    Runnable release = peer.slowFileRead();
    AgentException late = failure(() -> qga.withTimeout(Duration.ofMillis(300))
        .command("guest-file-read", JsonNodeFactory.instance.objectNode().put("handle", handle)
            .put("count", mib << 20)).join());
    assertThat(late.code()).isEqualTo(AgentException.Code.DEADLINE_EXCEEDED);
    assertThat(late.mayHaveRun()).isTrue();
    release.run();
    qga.ping().join();
    assertThat(qga.hostName().join()).isNotEmpty();
    qga.command("guest-file-close", JsonNodeFactory.instance.objectNode().put("handle", handle))
        .join();
  }

  @Test
  void closeWaitsForTheReplyOnItsWay() throws Exception {
    QgaClient qga = client();
    qga.ping().join();
    var pending = qga.exec(QgaExec.shell("echo done"));
    var host = qga.hostName();
    qga.close();
    // Whatever was on the wire was read: the agent lives and a new client is served.
    QgaClient next = client();
    next.ping().join();
    assertThat(pending.isDone() && host.isDone()).isTrue();
  }

  @Test
  void secondClientWaitsForTheFirstAndThenIsServed() throws Exception {
    QgaClient first = client();
    first.ping().join();
    QgaClient second = client(QgaOptions.builder().syncTimeout(Duration.ofMillis(500)).build());
    AgentException silent = failure(() -> second.ping().join());
    assertThat(silent.connectFailure()).isEqualTo(ConnectFailure.AGENT_SILENT);
    assertThat(second.status().state()).isEqualTo(QgaState.NOT_RESPONDING);
    first.close();
    second.ping().join();
    assertThat(second.status().state()).isEqualTo(QgaState.READY);
  }

  @Test
  void lockFilesReportTheHolderInsteadOfHanging() throws Exception {
    QgaOptions locked = QgaOptions.builder().transportOptions(TransportOptions.builder()
        .lockDirectory(Files.createDirectories(dir.resolve("locks"))).build()).build();
    QgaClient first = client(locked);
    first.ping().join();
    QgaClient second = client(locked);
    AgentException busy = failure(() -> second.ping().join());
    assertThat(busy.connectFailure()).isEqualTo(ConnectFailure.CHANNEL_BUSY);
    first.close();
    second.ping().join();
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
