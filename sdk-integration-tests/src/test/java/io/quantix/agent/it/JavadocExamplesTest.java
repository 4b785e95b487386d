package io.quantix.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.ExecResult;
import io.quantix.agent.client.Pong;
import io.quantix.agent.client.QuiesceSpec;
import io.quantix.agent.client.Subscription;
import io.quantix.agent.client.Telemetry;
import io.quantix.agent.client.TransferResult;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.registry.AgentConnection;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.client.AgentStatus;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.testkit.FakeGuestAgentExtension;
import io.quantix.agent.testkit.Fault;
import io.quantix.agent.testkit.ScriptedReply;
import io.quantix.agent.transport.Endpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The javadoc examples of the public types a newcomer meets first, copied here line for line (only
 * the names the snippet leaves free — {@code registry}, {@code client}, {@code dashboard},
 * {@code hypervisor} — are bound to test objects) and run against the fake agent, so an example
 * that stops compiling or working fails the build. When you change one of these examples, change
 * its copy here. The README's one-line client is copied here too; its tour and test are
 * examples/consumer's Tour.java and TourTest.java ({@link ReadmeTest}).
 */
@Timeout(60)
class JavadocExamplesTest {
  private final FakeGuestAgent fake = FakeGuestAgent.builder()
      .telemetryInterval(Duration.ofMillis(100)).build().start();
  private final List<AutoCloseable> closeLater = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeLater) {
      c.close();
    }
    fake.close();
  }

  /** A registry whose resolver maps {@code vm-42} to the fake agent. */
  private AgentRegistry registry() {
    AgentRegistry registry = AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(Map.of("vm-42", List.of(Endpoint.parse(fake.endpoint())))))
        .build();
    closeLater.add(registry);
    return registry;
  }

  @Test
  void agentConnection() {
    String endpoint = fake.endpoint();
    // AgentConnection (the literal endpoint replaced by the fake's)
    try (AgentConnection vm = AgentConnection.open(endpoint)) {
      Pong pong = vm.ping().join();
      ExecResult r = vm.exec(Exec.shell("uname -a")).join();
      assertThat(pong.agentVersion()).isNotBlank();
      assertThat(r.exitCode()).isZero();
    }
  }

  @Test
  void readmeOneLine() {
    String endpoint = fake.endpoint();
    // README, "One endpoint, one line" (the literal endpoint replaced by the fake's)
    try (AgentConnection vm = AgentConnection.open(endpoint)) {
      System.out.println(vm.exec(Exec.shell("uname -a")).join().stdout());
    }
  }

  @Test
  void agentRegistry() {
    AgentRegistry.Builder builder = AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(Map.of("vm-42", List.of(Endpoint.parse(fake.endpoint())))));
    // AgentRegistry (resolver: EndpointResolver.standard() there, the fake here)
    try (AgentRegistry agents = builder
            .build()) {
      AgentClient vm = agents.client("vm-42");      // shared; opens nothing twice
      AgentStatus s = agents.status("vm-42");       // cached, no I/O
      vm.exec(Exec.shell("uname -a")).join();
      assertThat(s.vmId()).isEqualTo("vm-42");
      assertThat(agents.status("vm-42").state()).isEqualTo(AgentState.CONNECTED);
    }
  }

  @Test
  void endpointResolverAndEndpoint() {
    // EndpointResolver
    EndpointResolver r = EndpointResolver.standard();      // Quantix layout, then libvirt's directories
    EndpointResolver m = EndpointResolver.explicit(Map.of("vm-1", List.of(Endpoint.parse("vsock://3:9443"))));
    // Endpoint
    Endpoint e = Endpoint.parse("vsock://42:9443");

    assertThat(r.resolve("vm-1")).isNotEmpty();
    assertThat(m.resolve("vm-1")).containsExactly(Endpoint.vsock(3, 9443));
    assertThat(e).isEqualTo(Endpoint.vsock(42, 9443));
  }

  @Test
  void agentClientAndItsResults(@TempDir Path dir) throws Exception {
    AgentRegistry registry = registry();
    Files.writeString(dir.resolve("app.tar"), "not really a tar\n");
    Files.createDirectories(fake.sandbox().resolve("opt"));   // as on a real guest: /opt exists
    // AgentClient (a relative "app.tar" there, a file in a temp directory here)
    AgentClient vm = registry.client("vm-42");
    ExecResult r = vm.exec(Exec.shell("uname -a")).join();
    vm.upload(dir.resolve("app.tar"), "/opt/app.tar", UploadOptions.DEFAULT).join();
    vm.withTimeout(Duration.ofSeconds(2)).ping().join();
    assertThat(r.exitCode()).isZero();

    AgentClient client = vm;
    // ExecResult
    ExecResult r2 = client.exec(Exec.shell("uname -r")).join();
    if (r2.succeeded()) System.out.println(r2.stdout().strip());
    // Pong
    Pong p = client.ping().join();
    System.out.printf("agent %s, rtt %d us%n", p.agentVersion(), p.roundTrip().toNanos() / 1000);
    // TransferResult
    TransferResult t = client.upload(dir.resolve("app.tar"), "/opt/app.tar", UploadOptions.DEFAULT).join();
    System.out.printf("%d bytes in %d chunks, %.1f MiB/s%n", t.bytes(), t.chunks(), t.mibPerSecond());
    // UploadOptions
    UploadOptions opts = UploadOptions.DEFAULT.withMode(0755).withCreateParents(true);
    assertThat(client.upload(new byte[0], "/opt/bin/tool", opts).join().chunks()).isEqualTo(1);
  }

  @Test
  void agentStatusSubscriptionAndException() throws Exception {
    AgentRegistry registry = registry();
    AgentClient client = registry.client("vm-42");
    client.ping().join();
    List<Telemetry> dashboard = new java.util.concurrent.CopyOnWriteArrayList<>();
    // AgentStatus
    AgentStatus s = registry.status("vm-42");
    System.out.printf("%s %s since %s%n", s.vmId(), s.state(), s.since());
    s.telemetry().ifPresent(t -> System.out.println("telemetry " + t.age() + " old"));
    // Subscription (dashboard.update(t) there, a list here)
    try (Subscription sub = client.onTelemetry(t -> dashboard.add(t))) {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !dashboard.isEmpty());
    }
    // AgentException (log.warn there, a local here)
    String[] warned = new String[1];
    try {
      client.files().stat("/no/such/file").join();
    } catch (CompletionException e) {
      AgentException failure = AgentException.from(e);
      if (failure.code() == AgentException.Code.REMOTE_FAILURE) {
        warned[0] = "guest said: " + failure.remoteMessage().orElse("");
      }
    }
    assertThat(warned[0]).startsWith("guest said: ");
  }

  @Test
  void guestSnapshotsWithQuiesced() {
    AgentClient client = registry().client("vm-42");
    String vmId = "vm-42";
    Hypervisor hypervisor = id -> CompletableFuture.completedFuture("snapshot-of-" + id);
    // GuestSnapshots
    String snapshotId = client.snapshots().withQuiesced(QuiesceSpec.allFilesystems(),
        q -> hypervisor.snapshotAsync(vmId)).join();
    assertThat(snapshotId).isEqualTo("snapshot-of-vm-42");
    assertThat(fake.guest().frozen()).isFalse();
  }

  @Test
  void faultScripting() {
    FakeGuestAgent agent = fake;
    // Fault
    agent.fault(PayloadCase.PING, Fault.delay(Duration.ofMillis(200)).then(Fault.duplicateReply()));
    agent.enqueue(PayloadCase.EXECUTE, ScriptedReply.handled().withFault(Fault.closeBeforeReply()));

    try (AgentConnection vm = AgentConnection.open(agent.endpoint())) {
      assertThat(vm.ping().join().agentVersion()).isNotBlank();
      Throwable e = org.assertj.core.api.Assertions.catchThrowable(
          () -> vm.exec(Exec.shell("echo hi")).join());
      assertThat(AgentException.from(e).code()).isEqualTo(AgentException.Code.UNAVAILABLE);
    }
  }

  /** FakeGuestAgentExtension's example, with the one-endpoint client it names. */
  @Nested
  class MyClientTest {
    @RegisterExtension
    FakeGuestAgentExtension agent = new FakeGuestAgentExtension(b -> b.telemetryInterval(Duration.ZERO));

    @Test
    void pings() throws Exception {
      try (AgentConnection client = AgentConnection.open(agent.endpoint())) {
        client.ping().join();
      }
    }
  }

  /** The free name {@code hypervisor} of GuestSnapshots' example. */
  interface Hypervisor {
    CompletableFuture<String> snapshotAsync(String vmId);
  }
}
