package io.quantix.agent.qga.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quantix.agent.AgentException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ELF preflight against real files of this machine. */
class AgentBinaryTest {
  @TempDir Path dir;

  private static Path staticBusybox() {
    Path p = Path.of("/bin/busybox");
    assumeTrue(Files.isRegularFile(p), "no /bin/busybox (apt-get install busybox-static)");
    assumeTrue(AgentBinary.inspect(p).isStatic(), "/bin/busybox is not the static build");
    return p;
  }

  private static String arch() {
    String a = System.getProperty("os.arch");
    return a.equals("amd64") ? "x86_64" : a;
  }

  @Test
  void staticBinaryPasses() {
    AgentBinary bin = AgentBinary.inspect(staticBusybox());
    assertThat(bin.bits()).isEqualTo(64);
    assertThat(bin.interpreter()).isEmpty();
    bin.requireRunnableOn(arch());
  }

  @Test
  void dynamicBinaryIsRefusedNamingItsLoader() {
    AgentBinary ls = AgentBinary.inspect(Path.of("/bin/ls"));
    assertThat(ls.interpreter()).hasValueSatisfying(i -> assertThat(i).startsWith("/lib"));
    assertThatThrownBy(() -> ls.requireRunnableOn(arch())).isInstanceOf(AgentException.class)
        .hasMessageContaining("PT_INTERP").hasMessageContaining("No such file or directory");
  }

  @Test
  void trueStaticPieFromGccPasses() throws Exception {
    Path gcc = Path.of("/usr/bin/gcc");
    assumeTrue(Files.isExecutable(gcc), "gcc is not installed");
    Path src = Files.writeString(dir.resolve("t.c"), "int main(void){return 0;}\n");
    Path out = dir.resolve("t");
    Process p = new ProcessBuilder(gcc.toString(), "-static-pie", "-o", out.toString(),
        src.toString()).redirectErrorStream(true).start();
    assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0,
        "gcc cannot link -static-pie here");
    AgentBinary bin = AgentBinary.inspect(out);
    assertThat(bin.type()).isEqualTo(3);
    bin.requireRunnableOn(arch());
  }

  @Test
  void wrongArchitectureIsRefused() throws Exception {
    Path copy = Files.copy(staticBusybox(), dir.resolve("busybox-arm"));
    try (var ch = java.nio.channels.FileChannel.open(copy, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 183), 18);
    }
    AgentBinary bin = AgentBinary.inspect(copy);
    assertThat(bin.architecture()).isEqualTo("aarch64");
    assertThatThrownBy(() -> bin.requireRunnableOn("x86_64"))
        .hasMessageContaining("built for aarch64").hasMessageContaining("guest is x86_64");
  }

  @Test
  void nonElfAndTruncatedFilesAreRefusedBeforeAnything() throws Exception {
    Path script = Files.writeString(dir.resolve("agent.sh"), "#!/bin/sh\necho hi\n");
    assertThatThrownBy(() -> AgentBinary.inspect(script))
        .hasMessageContaining("not an ELF executable");
    byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(Path.of("/bin/ls")), 64);
    Path truncated = Files.write(dir.resolve("cut"), head);
    assertThatThrownBy(() -> AgentBinary.inspect(truncated)).isInstanceOf(AgentException.class);
    assertThat(AgentException.from(catchIt(() -> AgentBinary.inspect(dir.resolve("none"))))
        .code()).isEqualTo(AgentException.Code.INVALID_ARGUMENT);
  }

  private static Throwable catchIt(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("no failure");
  }
}
