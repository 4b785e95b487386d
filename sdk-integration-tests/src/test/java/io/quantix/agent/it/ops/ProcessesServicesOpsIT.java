package io.quantix.agent.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.GuestProcess;
import io.quantix.agent.client.GuestService;
import io.quantix.agent.client.ProcessQuery;
import io.quantix.agent.client.ProcessSignal;
import io.quantix.agent.client.ServiceState;
import io.quantix.agent.it.Harness;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.KillProcessRequest;
import io.quantix.agent.proto.ServiceAction;
import io.quantix.agent.testkit.Fault;
import io.quantix.agent.testkit.ScriptedReply;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** processes() and services(): list, kill, control, status. */
class ProcessesServicesOpsIT {
  private Harness h;

  @BeforeEach
  void setUp() {
    h = new Harness().awaitConnected();
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void processesAreListedAndFiltered() throws Exception {
    List<GuestProcess> all = h.client.processes().list().join();
    assertThat(all).extracting(GuestProcess::name).contains("systemd", "sshd", "nginx");
    GuestProcess init = all.stream().filter(p -> p.pid() == 1).findFirst().orElseThrow();
    assertThat(init.commandLine()).isEqualTo("/sbin/init");
    assertThat(init.startedAt()).isNotNull();
    List<GuestProcess> nginx = h.client.processes().list(ProcessQuery.ALL.withFilter("nginx")
        .withMaxEntries(1)).join();
    assertThat(nginx).hasSize(1);
    assertThat(nginx.get(0).name()).isEqualTo("nginx");
    AgentMessage sent = Ops.drain(h.agent, PayloadCase.LIST_PROCESSES).get(1);
    assertThat(sent.getListProcesses().getFilter()).isEqualTo("nginx");
    assertThat(sent.getListProcesses().getMaxEntries()).isEqualTo(1);
  }

  @Test
  void killSendsTheSignalAndAMissingProcessIsTheGuestsError() throws Exception {
    h.client.processes().kill(1338, ProcessSignal.HUP).join();
    h.client.processes().kill(1337).join();
    assertThat(h.agent.guest().killedProcesses()).contains(1337, 1338);
    List<AgentMessage> sent = Ops.drain(h.agent, PayloadCase.KILL_PROCESS);
    assertThat(sent).extracting(m -> m.getKillProcess().getSignal()).containsExactly(1, 15);
    assertThat(sent).extracting(m -> m.getKillProcess()).extracting(KillProcessRequest::getPid)
        .containsExactly(1338, 1337);

    AgentException missing = Ops.failure(h.client.processes().kill(424242));
    assertThat(missing.code()).isEqualTo(Code.REMOTE_FAILURE);
    assertThat(missing.remoteMessage()).get().asString().contains("No such process");
  }

  @Test
  void badPidsAndSignalsFailBeforeAnyIo() {
    long before = h.agent.requestCount();
    for (CompletableFuture<?> f : List.of(h.client.processes().kill(0),
        h.client.processes().kill(-5), h.client.processes().kill(1L << 32),
        h.client.processes().kill(1, null), h.client.processes().list(null))) {
      assertThat(Ops.failure(f).code()).isEqualTo(Code.INVALID_ARGUMENT);
    }
    assertThat(h.agent.requestCount()).isEqualTo(before);
  }

  @Test
  void servicesAreListedAndControlled() throws Exception {
    List<GuestService> all = h.client.services().list().join();
    assertThat(all).extracting(GuestService::name).contains("nginx", "ssh", "ufw");
    List<GuestService> running = h.client.services().list("", true).join();
    assertThat(running).allMatch(s -> s.state().equals("running"));
    assertThat(running).extracting(GuestService::name).doesNotContain("ufw");

    ServiceState stopped = h.client.services().stop("nginx").join();
    assertThat(stopped).isEqualTo(new ServiceState("nginx", ServiceState.Action.STOP, "stopped"));
    assertThat(h.client.services().status("nginx").join().state()).isEqualTo("stopped");
    assertThat(h.client.services().start("nginx").join().state()).isEqualTo("running");
    assertThat(h.client.services().restart("nginx.service").join().state()).isEqualTo("running");
    h.client.services().enable("ufw").join();
    h.client.services().disable("ufw").join();
    List<AgentMessage> sent = Ops.drain(h.agent, PayloadCase.SERVICE_CONTROL);
    assertThat(sent).extracting(m -> m.getServiceControl().getAction()).containsExactly(
        ServiceAction.SERVICE_ACTION_STOP, ServiceAction.SERVICE_ACTION_STATUS,
        ServiceAction.SERVICE_ACTION_START, ServiceAction.SERVICE_ACTION_RESTART,
        ServiceAction.SERVICE_ACTION_ENABLE, ServiceAction.SERVICE_ACTION_DISABLE);
    assertThat(h.agent.guest().serviceStates()).containsEntry("nginx", "running");
  }

  @Test
  void unknownServicesAreTheGuestsErrorAndBadNamesNeverLeave() {
    AgentException e = Ops.failure(h.client.services().start("nope"));
    assertThat(e.code()).isEqualTo(Code.REMOTE_FAILURE);
    assertThat(e.remoteMessage()).get().asString().contains("not found");
    long before = h.agent.requestCount();
    for (CompletableFuture<?> f : List.of(h.client.services().start(""),
        h.client.services().stop("a/b"), h.client.services().status("x\ny"),
        h.client.services().enable(null), h.client.services().list(null, false))) {
      assertThat(Ops.failure(f).code()).isEqualTo(Code.INVALID_ARGUMENT);
    }
    assertThat(h.agent.requestCount()).isEqualTo(before);
  }

  @Test
  void statusIsRetriedAfterALostReplyButActionsAreNot() throws Exception {
    h.agent.enqueue(PayloadCase.SERVICE_CONTROL, ScriptedReply.fault(Fault.closeBeforeReply()));
    assertThat(h.client.services().status("ssh").join().state()).isEqualTo("running");
    assertThat(Ops.drain(h.agent, PayloadCase.SERVICE_CONTROL)).hasSize(2);

    h.agent.enqueue(PayloadCase.SERVICE_CONTROL, ScriptedReply.fault(Fault.closeBeforeReply()));
    AgentException lost = Ops.failure(h.client.services().restart("ssh"));
    assertThat(lost.code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(lost.mayHaveRun()).isTrue();
    assertThat(Ops.drain(h.agent, PayloadCase.SERVICE_CONTROL)).hasSize(1);
  }
}
