package io.quantix.agent.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The operation groups' value types: validation at construction, safe toString, derived values. */
class OperationOptionsTest {

  private static void invalid(ThrowingCallable call, String fragment) {
    assertThatThrownBy(call).isInstanceOfSatisfying(AgentException.class, e -> {
      assertThat(e.code()).isEqualTo(Code.INVALID_ARGUMENT);
      assertThat(e.getMessage()).contains(fragment);
    });
  }

  @Test
  void listOptionsBoundPageSizeAndLimit() {
    invalid(() -> ListOptions.DEFAULT.withPageSize(0), "page size");
    invalid(() -> ListOptions.DEFAULT.withPageSize(ListOptions.MAX_PAGE_SIZE + 1), "page size");
    invalid(() -> ListOptions.DEFAULT.withLimit(0), "limit");
    ListOptions o = ListOptions.DEFAULT.withHidden(false).withPageSize(10).withLimit(20);
    assertThat(o.includeHidden()).isFalse();
    assertThat(o.pageSize()).isEqualTo(10);
    assertThat(o.limit()).isEqualTo(20);
    assertThat(ListOptions.DEFAULT.includeHidden()).isTrue();
  }

  @Test
  void powerOptionsTakeWholeSecondsAndOneLineMessages() {
    invalid(() -> PowerOptions.after(Duration.ofSeconds(-1)), "delay");
    invalid(() -> PowerOptions.after(Duration.ofDays(2)), "delay");
    invalid(() -> PowerOptions.NOW.withMessage("a\nb"), "line break");
    invalid(() -> PowerOptions.NOW.withMessage("a\0b"), "NUL");
    invalid(() -> PowerOptions.NOW.withMessage(null), "null");
    PowerOptions o = PowerOptions.after(Duration.ofMillis(90_500)).withMessage("bye");
    assertThat(o.delay()).isEqualTo(Duration.ofSeconds(90));
    assertThat(o.message()).isEqualTo("bye");
    assertThat(o).isEqualTo(PowerOptions.after(Duration.ofSeconds(90)).withMessage("bye"));
  }

  @Test
  void quiesceSpecAlwaysHasAFiniteGuestTimeout() {
    QuiesceSpec all = QuiesceSpec.allFilesystems();
    assertThat(all.guestTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(all.mountPoints()).isEmpty();
    invalid(() -> all.withGuestTimeout(Duration.ZERO), "guest timeout");
    invalid(() -> all.withGuestTimeout(Duration.ofMillis(999)), "guest timeout");
    invalid(() -> all.withGuestTimeout(Duration.ofHours(2)), "guest timeout");
    invalid(() -> QuiesceSpec.of("data"), "relative");
    invalid(() -> QuiesceSpec.of("/a/../b"), "'..'");
    invalid(() -> all.withPreFreezeScripts("scripts"), "relative");
    invalid(() -> all.withThawTimeout(Duration.ofHours(1)), "thaw timeout");
    QuiesceSpec s = QuiesceSpec.of("/", "/data").withGuestTimeout(Duration.ofMillis(30_700))
        .withPreFreezeScripts("").withPostThawScripts("/opt/hooks");
    assertThat(s.guestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.runPreFreezeScripts()).isTrue();
    assertThat(s.preFreezeScriptDir()).isEmpty();
    assertThat(s.postThawScriptDir()).isEqualTo("/opt/hooks");
    assertThat(s.mountPoints()).containsExactly("/", "/data");
  }

  @Test
  void clipboardContentNeverPrintsItsData() {
    ClipboardContent secret = ClipboardContent.text("hunter2");
    assertThat(secret.toString()).doesNotContain("hunter2").contains("TEXT", "7 bytes");
    assertThat(secret.text()).isEqualTo("hunter2");
    byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
    ClipboardContent image = ClipboardContent.image(png, "image/png");
    png[0] = 0;
    assertThat(image.data()[0]).isEqualTo((byte) 0x89);
    assertThat(ClipboardContent.html("<b>x</b>").data())
        .isEqualTo("<b>x</b>".getBytes(StandardCharsets.UTF_8));
    invalid(() -> ClipboardContent.text(null), "null");
    invalid(() -> ClipboardContent.of(ClipboardContent.Type.IMAGE, new byte[1], null), "null");
  }

  @Test
  void processQueryAndSignals() {
    invalid(() -> ProcessQuery.ALL.withMaxEntries(0), "max entries");
    invalid(() -> ProcessQuery.ALL.withFilter(null), "null");
    assertThat(ProcessSignal.KILL.number()).isEqualTo(9);
    assertThat(ProcessSignal.TERM.number()).isEqualTo(15);
    assertThat(ProcessSignal.HUP.number()).isEqualTo(1);
  }

  @Test
  void updateOptionsRestartDetachedWithinBounds() {
    assertThat(UpdateOptions.DEFAULT.restart()).isFalse();
    UpdateOptions r = UpdateOptions.DEFAULT.withRestart(Duration.ofSeconds(30));
    assertThat(r.restart()).isTrue();
    assertThat(r.restartCommand().isDetached()).isTrue();
    assertThat(r.restartCommand().args()).containsExactly("--no-block", "restart",
        "quantix-kvm-agent");
    UpdateOptions custom = UpdateOptions.DEFAULT.withRestart(Exec.shell("rc-service agent restart"),
        Duration.ofMinutes(1));
    assertThat(custom.restartCommand().isDetached()).isTrue();
    assertThat(custom.withoutRestart().restart()).isFalse();
    invalid(() -> UpdateOptions.DEFAULT.withRestart(Duration.ZERO), "restart timeout");
    invalid(() -> UpdateOptions.DEFAULT.withChunkSize(0), "chunk size");
  }

  @Test
  void fileEntryTypesComeFromFlagsAndModeBits() {
    assertThat(FileEntry.typeOf(false, true, 0120777)).isEqualTo(FileEntry.Type.SYMLINK);
    assertThat(FileEntry.typeOf(true, false, 040755)).isEqualTo(FileEntry.Type.DIRECTORY);
    assertThat(FileEntry.typeOf(false, false, 0100644)).isEqualTo(FileEntry.Type.FILE);
    assertThat(FileEntry.typeOf(false, false, 0644)).isEqualTo(FileEntry.Type.FILE);
    assertThat(FileEntry.typeOf(false, false, 020666)).isEqualTo(FileEntry.Type.OTHER);
    FileEntry e = new FileEntry("x", "/x", FileEntry.Type.FILE, 1, 0100640, null, null, "", "", "");
    assertThat(e.permissions()).isEqualTo(0640);
  }

  @Test
  void softwareListKnowsWhenItWasCapped() {
    InstalledSoftware bash = new InstalledSoftware("bash", "5", "", null, 0, "deb", "amd64");
    assertThat(new SoftwareList(java.util.List.of(bash), 3).truncated()).isTrue();
    assertThat(new SoftwareList(java.util.List.of(bash), 1).truncated()).isFalse();
    assertThat(new SoftwareList(java.util.List.of(bash), 0).truncated()).isFalse();
  }
}
