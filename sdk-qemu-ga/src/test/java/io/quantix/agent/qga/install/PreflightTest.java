package io.quantix.agent.qga.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quantix.agent.AgentException;
import io.quantix.agent.qga.QgaClient;
import io.quantix.agent.qga.fake.FakeQemuGa;
import io.quantix.agent.transport.Endpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The installer's preflight against the fake qemu-ga (real exec of the detection script). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PreflightTest {
  @TempDir Path dir;
  private FakeQemuGa fake;
  private QgaClient qga;
  private Path busybox;

  @BeforeEach
  void start() throws Exception {
    busybox = Path.of("/bin/busybox");
    assumeTrue(Files.isRegularFile(busybox) && AgentBinary.inspect(busybox).isStatic(),
        "no static /bin/busybox (apt-get install busybox-static)");
    fake = FakeQemuGa.start(dir.resolve("qga.sock"));
    qga = QgaClient.builder().endpoint(Endpoint.unix(fake.socket())).build();
  }

  @AfterEach
  void stop() {
    if (qga != null) {
      qga.close();
      fake.close();
    }
  }

  private static AgentException failure(Runnable r) {
    try {
      r.run();
    } catch (CompletionException e) {
      return AgentException.from(e);
    }
    throw new AssertionError("succeeded");
  }

  @Test
  void staticBinaryOnAMatchingGuestWithSystemdUnderTheRoot() throws Exception {
    Files.createDirectories(dir.resolve("run/systemd/system"));
    PreflightReport r = Preflight.run(qga, busybox, dir.toString()).join();
    assertThat(r.guestMachine()).isEqualTo("x86_64");
    assertThat(r.initSystem()).isEqualTo(InitSystem.SYSTEMD);
    assertThat(r.mountpoint()).isEqualTo("/");
    assertThat(r.freeBytes()).isPresent();
  }

  @Test
  void openRcAndNoInitSystem() throws Exception {
    assertThat(Preflight.run(qga, busybox, dir.toString()).join().initSystem())
        .isEqualTo(InitSystem.NONE);
    Files.createDirectories(dir.resolve("run/openrc"));
    Files.createFile(dir.resolve("run/openrc/softlevel"));
    assertThat(Preflight.run(qga, busybox, dir.toString()).join().initSystem())
        .isEqualTo(InitSystem.OPENRC);
  }

  @Test
  void dynamicBinaryIsRefusedBeforeAnyByteMoves() {
    AgentException e = failure(() -> Preflight.run(qga, Path.of("/bin/ls"), dir.toString())
        .join());
    assertThat(e.code()).isEqualTo(AgentException.Code.INVALID_ARGUMENT);
    assertThat(e.getMessage()).contains("PT_INTERP");
    assertThat(fake.requests()).doesNotContain("guest-file-open", "guest-file-write");
  }

  @Test
  void wrongGuestArchitectureAndFullDiskAreRefused() {
    fake.script("guest-get-osinfo", a -> JsonNodeFactory.instance.objectNode()
        .put("machine", "aarch64"));
    assertThat(failure(() -> Preflight.run(qga, busybox, dir.toString()).join()).getMessage())
        .contains("guest is aarch64");
    fake.script("guest-get-osinfo", a -> JsonNodeFactory.instance.objectNode()
        .put("machine", "x86_64"));
    fake.script("guest-get-fsinfo", a -> {
      var list = JsonNodeFactory.instance.arrayNode();
      list.addObject().put("name", "vda1").put("mountpoint", "/").put("type", "ext4")
          .put("used-bytes", 999_000L).put("total-bytes", 1_000_000L).putArray("disk");
      return list;
    });
    AgentException full = failure(() -> Preflight.run(qga, busybox, dir.toString()).join());
    assertThat(full.code()).isEqualTo(AgentException.Code.RESOURCE_EXHAUSTED);
    assertThat(full.getMessage()).contains("1000 bytes free on /");
  }
}
