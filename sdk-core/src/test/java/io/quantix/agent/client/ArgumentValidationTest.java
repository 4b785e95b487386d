package io.quantix.agent.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.internal.Checks;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ArgumentValidationTest {

  private static void invalid(ThrowingCallable call, String fragment) {
    assertThatThrownBy(call).isInstanceOfSatisfying(AgentException.class, e -> {
      assertThat(e.code()).isEqualTo(Code.INVALID_ARGUMENT);
      assertThat(e.getMessage()).contains(fragment);
    });
  }

  @Test
  void guestPathsMustBeAbsoluteWithoutNulOrDotDot() {
    invalid(() -> Checks.absolutePath(null, "path"), "null");
    invalid(() -> Checks.absolutePath("", "path"), "empty");
    invalid(() -> Checks.absolutePath("etc/passwd", "path"), "relative");
    invalid(() -> Checks.absolutePath("/etc/\0passwd", "path"), "NUL");
    invalid(() -> Checks.absolutePath("/etc/../root", "path"), "'..'");
    assertThat(Checks.absolutePath("/etc/..hidden", "path")).isEqualTo("/etc/..hidden");
    assertThat(Checks.absolutePath("C:\\Windows", "path")).isEqualTo("C:\\Windows");
  }

  @Test
  void execSpecsAreValidatedAtConstruction() {
    invalid(() -> Exec.shell(null), "null");
    invalid(() -> Exec.shell("  "), "blank");
    invalid(() -> Exec.shell("ls").withTimeout(Duration.ofSeconds(301)), "0..300");
    invalid(() -> Exec.shell("ls").withTimeout(Duration.ofSeconds(-1)), "0..300");
    invalid(() -> Exec.shell("ls").withEnv("A=B", "c"), "'='");
    invalid(() -> Exec.shell("ls").inDirectory("tmp"), "relative");
    invalid(() -> Exec.shell("ls").asUser("bad user"), "' '");
    invalid(() -> Exec.shell("ls").withMaxOutputBytes(-1), ">= 0");
    invalid(() -> Exec.program("/bin/echo", "a\0b"), "NUL");
    Exec e = Exec.program("/bin/echo", "hi").withEnv("K", "V").asUser("root")
        .withTimeout(Duration.ofSeconds(5));
    assertThat(e.args()).containsExactly("hi");
    assertThat(e.environment()).containsEntry("K", "V");
    assertThat(e.effectiveTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(Exec.shell("x").effectiveTimeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(e.toString()).doesNotContain("hi");
  }

  @Test
  void transferOptionsRejectOutOfRangeValues() {
    invalid(() -> UploadOptions.DEFAULT.withChunkSize(0), "chunk size");
    invalid(() -> UploadOptions.DEFAULT.withChunkSize(UploadOptions.MAX_CHUNK_SIZE + 1), "chunk size");
    invalid(() -> UploadOptions.DEFAULT.withMode(010000), "mode");
    invalid(() -> UploadOptions.DEFAULT.withWindow(0), "window");
    invalid(() -> UploadOptions.DEFAULT.withWindow(UploadOptions.MAX_WINDOW + 1), "window");
    invalid(() -> UploadOptions.DEFAULT.withWindow(64).withChunkSize(8 << 20), "would hold");
    invalid(() -> DownloadOptions.DEFAULT.withChunkSize(2 << 20), "chunk size");
    invalid(() -> DownloadOptions.DEFAULT.withPipelineDepth(0), "depth");
    invalid(() -> DownloadOptions.DEFAULT.withMaxBytes(-1), "max bytes");
  }

  @Test
  void callOptionsKnowWhetherTheDeadlineIsExplicit() {
    assertThat(CallOptions.DEFAULT.hasExplicitDeadline()).isFalse();
    assertThat(CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(1)).hasExplicitDeadline()).isTrue();
    assertThatThrownBy(() -> CallOptions.DEFAULT.withTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(CallOptions.DEFAULT.withRetryOfNonIdempotent(true).retryMayHaveRun()).isTrue();
  }
}
