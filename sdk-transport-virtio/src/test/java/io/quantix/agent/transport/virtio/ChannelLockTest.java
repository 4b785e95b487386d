package io.quantix.agent.transport.virtio;

import io.quantix.agent.transport.testing.ByteCollector;
import io.quantix.agent.transport.testing.TestLoops;
import io.quantix.agent.transport.testing.TestSupport;
import io.quantix.agent.transport.testing.UnixServer;
import static io.quantix.agent.transport.testing.TestSupport.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.Deadline;
import io.quantix.agent.transport.ConnectRequest;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.TransportOptions;
import io.quantix.agent.transport.virtio.internal.ChannelLocks;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Advisory lock files: one holder per channel across the processes of a host. */
class ChannelLockTest {
  @RegisterExtension
  static final TestLoops LOOPS = TestLoops.epollOnly();
  private final VirtioSerialTransport transport = new VirtioSerialTransport();
  private final long self = ProcessHandle.current().pid();

  @TempDir Path dir;
  private Path locks;
  private Path sock;
  private UnixServer server;

  @BeforeEach
  void serve() throws Exception {
    locks = dir.resolve("locks");
    sock = dir.resolve("vm-7.agent.sock");
    server = UnixServer.serving(sock, UnixServer::drainAndClose);
  }

  @AfterEach
  void close() throws Exception {
    server.close();
  }

  private CompletableFuture<Channel> connect(TransportOptions options) {
    return transport.connect(Endpoint.unix(sock), new ConnectRequest(LOOPS.epoll(),
        Deadline.after(Duration.ofSeconds(5)), new ByteCollector(), options));
  }

  private CompletableFuture<Channel> connectLocked() {
    return connect(TransportOptions.builder().lockDirectory(locks).build());
  }

  private Path lockFile() {
    return ChannelLocks.lockFile(locks, sock);
  }

  @Test
  void secondConnectOfThisProcessIsBusyAtOnceUntilTheFirstCloses() throws Exception {
    Channel first = connectLocked().get(5, TimeUnit.SECONDS);
    assertThat(Files.readString(lockFile()).trim()).isEqualTo(Long.toString(self));

    long started = System.nanoTime();
    AgentException busy = failure(connectLocked(), ConnectFailure.CHANNEL_BUSY);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    assertThat(busy.getMessage()).contains("unix:" + sock)
        .contains("another connection of this process (pid " + self + ")")
        .contains(lockFile().toString());
    assertThat(first.isActive()).as("the holder is untouched").isTrue();

    first.close().sync();
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(lockFile()).isEmpty());
    Channel again = connectLocked().get(5, TimeUnit.SECONDS);
    again.close().sync();
  }

  @Test
  void anotherProcessHoldingTheLockIsNamed() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        LockHolderMain.class.getName(), locks.toString(), sock.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(holder.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(out.readLine()).isEqualTo("LOCKED " + holder.pid());

      AgentException busy = failure(connectLocked(), ConnectFailure.CHANNEL_BUSY);
      assertThat(busy.getMessage()).contains("unix:" + sock)
          .contains("in use by process " + holder.pid());
      assertThat(server.clients).as("QEMU's socket was never touched").isEmpty();

      // Without the option there is no lock to respect: the connect goes through.
      Channel unlocked = connect(TransportOptions.DEFAULT).get(5, TimeUnit.SECONDS);
      unlocked.close().sync();
    } finally {
      holder.getOutputStream().close();
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    Channel mine = connectLocked().get(5, TimeUnit.SECONDS);
    assertThat(Files.readString(lockFile()).trim()).isEqualTo(Long.toString(self));
    mine.close().sync();
  }

  @Test
  void failedAttemptsLeaveNoLockBehind() throws Exception {
    server.close();
    Path stale = TestSupport.staleSocket(dir);
    sock = stale;
    TestSupport.assertNoDescriptorLeak(
        () -> failure(connectLocked(), ConnectFailure.VM_NOT_RUNNING));
    assertThat(Files.readString(lockFile())).as("no pid left in the lock file").isEmpty();
    Files.delete(stale);
    server = UnixServer.serving(stale, UnixServer::drainAndClose);
    Channel ok = connectLocked().get(5, TimeUnit.SECONDS);
    ok.close().sync();

    Path missing = dir.resolve("missing.sock");
    sock = missing;
    failure(connectLocked(), ConnectFailure.NO_CHANNEL);
    assertThat(lockFile()).as("a missing channel is reported before any lock is taken")
        .doesNotExist();
  }

  @Test
  void unusableLockDirectoryIsAnInvalidArgumentNamingTheEndpoint() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> connect(
        TransportOptions.builder().lockDirectory(file).build()).get(5, TimeUnit.SECONDS));
    AgentException e = AgentException.from(t);
    assertThat(e.code()).isEqualTo(AgentException.Code.INVALID_ARGUMENT);
    assertThat(e.getMessage()).contains("unix:" + sock).contains(file.toString());
  }

  @Test
  void lockFileNamesAreReadableAndUniquePerSocket() {
    Path a = ChannelLocks.lockFile(locks, Path.of("/var/run/quantix-kvm/vms/vm-42.agent.sock"));
    Path b = ChannelLocks.lockFile(locks, Path.of("/var/run/quantix-kvm/vms_vm-42.agent.sock"));
    assertThat(a.getParent()).isEqualTo(locks);
    assertThat(a.getFileName().toString())
        .matches("var_run_quantix-kvm_vms_vm-42\\.agent\\.sock-[0-9a-f]{16}\\.lock");
    assertThat(a).isNotEqualTo(b);
    Path deep = ChannelLocks.lockFile(locks, Path.of("/" + "d".repeat(90) + "/x.sock"));
    assertThat(deep.getFileName().toString().length()).isLessThanOrEqualTo(80 + 1 + 16 + 5);
  }
}
