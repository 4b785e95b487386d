package io.quantix.agent.examples;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.ExecResult;
import io.quantix.agent.client.Pong;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.transport.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Quick start: connect to one VM's guest agent, ask who it is, run a command, and copy a file in
 * and back out.
 *
 * <pre>
 * java -cp examples/target/agentctl.jar io.quantix.agent.examples.QuickStart [ENDPOINT]
 * java -cp examples/target/agentctl.jar io.quantix.agent.examples.QuickStart unix:/var/run/quantix-kvm/vms/vm-42.agent.sock
 * </pre>
 *
 * Without an ENDPOINT it starts a fake agent (the testkit's) on a temporary socket, so it runs
 * anywhere.
 */
public final class QuickStart {
  private QuickStart() {}

  public static void main(String[] args) throws Exception {
    run(args, System.out);
  }

  static void run(String[] args, PrintStream out) throws Exception {
    ExampleArgs a = ExampleArgs.parse(args);
    // Only so that the example runs without a VM: a fake agent where QEMU's channel would be.
    FakeGuestAgent fake = a.positional(0) == null ? FakeGuestAgent.builder().start() : null;
    String endpoint = fake != null ? fake.endpoint() : a.positional(0);

    // A registry owns every agent session of the process; one VM here. A host daemon would use
    // EndpointResolver.quantixDefaults() and VM ids instead of an explicit endpoint.
    try (AgentRegistry agents = AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(Map.of("vm", List.of(Endpoint.parse(endpoint)))))
        .build()) {
      AgentClient vm = agents.client("vm");   // opens the session in the background

      // Every call returns a CompletableFuture; join() is fine in a main method.
      Pong pong = vm.ping().join();
      out.printf("agent %s, guest up %s, round trip %d us%n", pong.agentVersion(),
          pong.guestUptime(), pong.roundTrip().toNanos() / 1000);

      // AgentReady data is cached: no I/O.
      AgentInfo info = vm.agentInfo().orElseThrow();
      out.printf("%s runs %s %s, kernel %s, addresses %s%n", info.hostname(), info.osName(),
          info.osVersion(), info.kernelVersion(), info.ipAddresses());

      // A shell command; a non-zero exit is a result, not an exception.
      ExecResult r = vm.exec(Exec.shell("uname -a")).join();
      out.printf("uname -a -> exit %d: %s%n", r.exitCode(), r.stdout().strip());

      // Copy bytes into the guest and read them back.
      byte[] hello = ("hello from " + QuickStart.class.getSimpleName() + "\n")
          .getBytes(StandardCharsets.UTF_8);
      String remote = "/tmp/quantix-quickstart.txt";
      vm.upload(hello, remote, UploadOptions.DEFAULT.withMode(0644).withCreateParents(true)).join();
      ByteArrayOutputStream back = new ByteArrayOutputStream();
      vm.download(remote, back, DownloadOptions.DEFAULT).join();
      out.printf("wrote and read back %s: %s%n", remote,
          Arrays.equals(hello, back.toByteArray()) ? "same bytes" : "DIFFERENT BYTES");

      // The status a dashboard shows, from cached state.
      out.println("status: " + agents.status("vm").state());
    } finally {
      if (fake != null) {
        fake.close();
      }
    }
  }
}
