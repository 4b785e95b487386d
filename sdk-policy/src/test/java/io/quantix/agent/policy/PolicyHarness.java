package io.quantix.agent.policy;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.AuditListener;
import io.quantix.agent.client.AuditRecord;
import io.quantix.agent.client.CallGuard;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.client.AgentState;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.transport.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;

/**
 * A fake agent on a temp socket (its exec never reaches this machine's shell: scripted results
 * only) and a registry with a guard and an audit listener, for one test.
 */
final class PolicyHarness implements AutoCloseable {
  static final String VM = "vm-policy";

  final FakeGuestAgent agent;
  final AgentRegistry registry;
  final AgentClient client;
  final List<AuditRecord> records = new CopyOnWriteArrayList<>();

  PolicyHarness(Path sandbox, CallGuard guard, AuditListener audit) {
    agent = FakeGuestAgent.builder().localShell(false).sandbox(sandbox)
        .telemetryInterval(Duration.ofSeconds(5)).start();
    AuditListener collect = records::add;
    registry = AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(Map.of(VM, List.of(Endpoint.parse(agent.endpoint())))))
        .readyTimeout(Duration.ofSeconds(5))
        .callGuard(guard)
        .auditListener(audit == null ? collect : AuditListeners.all(collect, audit))
        .build();
    client = registry.client(VM);
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> registry.status(VM).state() == AgentState.CONNECTED);
  }

  PolicyHarness(Path sandbox, AgentPolicy policy) {
    this(sandbox, PolicyGuard.of(policy), null);
  }

  /** Waits for {@code n} audit records (they are written as calls complete). */
  List<AuditRecord> awaitRecords(int n) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> records.size() >= n);
    return records;
  }

  @Override
  public void close() {
    registry.close();
    agent.close();
  }
}
