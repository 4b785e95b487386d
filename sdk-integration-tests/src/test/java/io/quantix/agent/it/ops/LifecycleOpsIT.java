package io.quantix.agent.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.GuestLifecycle;
import io.quantix.agent.client.PowerOptions;
import io.quantix.agent.client.PowerResult;
import io.quantix.agent.client.TimeSync;
import io.quantix.agent.it.Harness;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.ResetPasswordResponse;
import io.quantix.agent.proto.ShutdownType;
import io.quantix.agent.testkit.FakeGuestAgentBuilder;
import io.quantix.agent.testkit.GuestState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** lifecycle(): power actions confirmed by reply, EOF or agent reset; password; network; time. */
class LifecycleOpsIT {
  private Harness h;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  private GuestLifecycle life() {
    return h.client.lifecycle();
  }

  @Test
  void powerOffThatEndsTheSessionWithoutAReplyIsASuccess() {
    h = new Harness().awaitConnected();
    PowerResult r = life().powerOff(PowerOptions.NOW).join();
    assertThat(r.action()).isEqualTo(PowerResult.Action.POWER_OFF);
    assertThat(r.confirmation()).isEqualTo(PowerResult.Confirmation.SESSION_ENDED);
    assertThat(h.agent.guest().shutdowns()).extracting(GuestState.Shutdown::type)
        .containsExactly(ShutdownType.SHUTDOWN_TYPE_POWEROFF);
  }

  @Test
  void haltIsSentAsHalt() {
    h = new Harness().awaitConnected();
    assertThat(life().halt(PowerOptions.NOW).join().confirmation())
        .isEqualTo(PowerResult.Confirmation.SESSION_ENDED);
    assertThat(h.agent.guest().shutdowns().get(0).type())
        .isEqualTo(ShutdownType.SHUTDOWN_TYPE_HALT);
  }

  @Test
  void rebootInPlaceIsConfirmedByTheAgentsNewSession() {
    h = new Harness().awaitConnected();
    PowerResult r = life().reboot(PowerOptions.NOW).join();
    assertThat(r.confirmation()).isEqualTo(PowerResult.Confirmation.AGENT_RESET);
    assertThat(h.agent.guest().shutdowns().get(0).type())
        .isEqualTo(ShutdownType.SHUTDOWN_TYPE_REBOOT);
    assertThat(h.client.ping().join().agentVersion()).isEqualTo("0.1.27");
  }

  @Test
  void delayedShutdownIsAcceptedWithItsMessage() {
    h = new Harness().awaitConnected();
    PowerResult r = life().powerOff(PowerOptions.after(Duration.ofMinutes(5))
        .withMessage("maintenance")).join();
    assertThat(r.confirmation()).isEqualTo(PowerResult.Confirmation.ACCEPTED);
    GuestState.Shutdown s = h.agent.guest().shutdowns().get(0);
    assertThat(s.delaySeconds()).isEqualTo(300);
    assertThat(s.message()).isEqualTo("maintenance");
  }

  @Test
  void rebootIsGatedByItsOwnCapability() {
    List<String> caps = new ArrayList<>(FakeGuestAgentBuilder.DEFAULT_CAPABILITIES);
    caps.remove("reboot");
    h = new Harness(b -> b.capabilities(caps), b -> b).awaitConnected();
    long before = h.agent.requestCount();
    AgentException e = Ops.failure(life().reboot(PowerOptions.NOW));
    assertThat(e.code()).isEqualTo(Code.NOT_SUPPORTED);
    assertThat(e.getMessage()).contains("reboot");
    assertThat(h.agent.requestCount()).isEqualTo(before);
    assertThat(h.agent.guest().shutdowns()).isEmpty();
  }

  @Test
  void aPowerOffThatNeitherAnswersNorEndsTheSessionFailsWithItsDeadline() {
    h = new Harness().awaitConnected();
    h.agent.onRequest(PayloadCase.SHUTDOWN, request -> null);
    AgentException e = Ops.failure(h.client.withTimeout(Duration.ofMillis(300)).lifecycle()
        .powerOff(PowerOptions.NOW));
    assertThat(e.code()).isEqualTo(Code.DEADLINE_EXCEEDED);
    assertThat(e.mayHaveRun()).isTrue();
  }

  @Test
  void passwordResetReachesTheGuestAndTheSecretStaysOutOfFailures() {
    h = new Harness().awaitConnected();
    char[] password = "Tr0ub4dor&3".toCharArray();
    CompletableFuture<Void> done = life().resetPassword("ubuntu", password, true);
    java.util.Arrays.fill(password, '\0');
    done.join();
    GuestState.PasswordReset reset = h.agent.guest().passwordResets().get(0);
    assertThat(reset.username()).isEqualTo("ubuntu");
    assertThat(reset.password()).isEqualTo("Tr0ub4dor&3");
    assertThat(reset.expire()).isTrue();

    // A guest that echoes the password in its error text: the SDK masks it.
    h.agent.onRequest(PayloadCase.RESET_PASSWORD, request -> AgentMessage.newBuilder()
        .setResetPasswordResponse(ResetPasswordResponse.newBuilder().setError(
            "chpasswd: password '" + request.getResetPassword().getNewPassword()
                + "' rejected by PAM")).build());
    CompletableFuture<Void> rejected = life().resetPassword("ubuntu", "s3cr3t-value".toCharArray(),
        false);
    AgentException e = Ops.failure(rejected);
    assertThat(e.code()).isEqualTo(Code.REMOTE_FAILURE);
    assertThat(e.getMessage()).doesNotContain("s3cr3t-value").contains("****", "PAM");
    assertThat(e.remoteMessage()).get().asString().doesNotContain("s3cr3t-value");
    assertThat(String.valueOf(e)).doesNotContain("s3cr3t-value");
    assertThat(rejected.toString()).doesNotContain("s3cr3t-value");
  }

  @Test
  void passwordsAndUsernamesAreValidatedWithoutEchoingTheSecret() {
    h = new Harness().awaitConnected();
    long before = h.agent.requestCount();
    for (CompletableFuture<Void> f : List.of(
        life().resetPassword("ubuntu", "line\nbreak-secret".toCharArray(), false),
        life().resetPassword("ubuntu", new char[0], false),
        life().resetPassword("ubuntu", null, false),
        life().resetPassword("bad:user", "x".toCharArray(), false),
        life().resetPassword("", "x".toCharArray(), false))) {
      AgentException e = Ops.failure(f);
      assertThat(e.code()).isEqualTo(Code.INVALID_ARGUMENT);
      assertThat(e.getMessage()).doesNotContain("break-secret");
    }
    assertThat(h.agent.requestCount()).isEqualTo(before);
  }

  @Test
  void networkConfigurationIsSentVerbatim() {
    h = new Harness().awaitConnected();
    String yaml = "network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n";
    life().configureNetwork(yaml, true).join();
    GuestState.NetworkChange change = h.agent.guest().networkChanges().get(0);
    assertThat(change.netplanConfig()).isEqualTo(yaml);
    assertThat(change.applyNow()).isTrue();
    assertThat(Ops.failure(life().configureNetwork("  ", true)).code())
        .isEqualTo(Code.INVALID_ARGUMENT);
  }

  @Test
  void timeSyncsFromNtpOrToAGivenInstant() {
    h = new Harness().awaitConnected();
    TimeSync ntp = life().syncTime(true).join();
    assertThat(ntp.source()).isEqualTo("chrony");
    assertThat(ntp.guestTime()).isNotNull();
    Instant target = Instant.parse("2030-01-02T03:04:05Z");
    TimeSync manual = life().setTime(target).join();
    assertThat(manual.source()).isEqualTo("manual");
    assertThat(manual.offset()).isGreaterThan(Duration.ofDays(365));
    List<GuestState.TimeSync> syncs = h.agent.guest().timeSyncs();
    assertThat(syncs.get(0).setTime()).isNull();
    assertThat(syncs.get(0).force()).isTrue();
    assertThat(syncs.get(1).setTime()).isEqualTo(target);
    assertThat(Ops.failure(life().setTime(Instant.EPOCH.minusSeconds(1))).code())
        .isEqualTo(Code.INVALID_ARGUMENT);
  }
}
