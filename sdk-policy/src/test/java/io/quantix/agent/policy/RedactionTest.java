package io.quantix.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.client.CallGuard;
import io.quantix.agent.client.Exec;
import io.quantix.agent.proto.ExecuteResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Secrets never reach the audit file or the logs (everything logged at DEBUG, to a file). */
@Timeout(60)
class RedactionTest {
  private static final String PASSWORD = "pw-7Hq2-unguessable";
  private static final String SECRET_ENV = "env-9Zx4-unguessable";

  @TempDir
  Path dir;

  @Test
  void passwordAndSecretEnvironmentValuesAppearNowhere() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    Files.createDirectories(dir.resolve("sandbox"));
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(file).build();
        PolicyHarness h = new PolicyHarness(dir.resolve("sandbox"), CallGuard.ALLOW_ALL,
            AuditListeners.all(sink, new Slf4jAuditListener()))) {
      h.agent.scriptCommand("env", ExecuteResponse.newBuilder().setExitCode(0).build());
      h.client.exec(Exec.shell("env").withEnv("DB_PASSWORD", SECRET_ENV)
          .withEnv("API_TOKEN", SECRET_ENV).withEnv("LANG", "C.UTF-8")
          .withTimeout(Duration.ofSeconds(5))).join();
      h.client.lifecycle().resetPassword("root", PASSWORD.toCharArray(), false).join();
      h.awaitRecords(2);
    }
    String audit = Files.readString(file);
    assertThat(audit).contains("\"env.DB_PASSWORD\":\"****\"").contains("\"env.LANG\":\"C.UTF-8\"")
        .contains("\"password\":\"****\"");
    assertThat(audit).doesNotContain(PASSWORD).doesNotContain(SECRET_ENV);
    Path log = Path.of("target", "policy-tests.log");
    assertThat(log).exists();
    String logs = Files.readString(log);
    assertThat(logs).as("the audit lines were logged").contains("\"operation\":\"reset_password\"");
    assertThat(logs).doesNotContain(PASSWORD).doesNotContain(SECRET_ENV);
  }
}
