package io.quantix.agent.benchmarks.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Smoke test: the whole harness in quick mode, so that it cannot rot. */
class SideBySideTest {

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void quickModeMeasuresEveryColumnAndWritesTheTable(@TempDir Path out) throws Exception {
    Settings settings = Settings.parse("--quick", "--out", out.toString());

    Path file = SideBySide.run(settings, "--quick");

    assertThat(file).exists().hasParent(out);
    assertThat(file.getFileName().toString()).matches("\\d{4}-\\d{2}-\\d{2}-.+-quick\\.md");
    String md = Files.readString(file);
    assertThat(md)
        .contains("| Measure | floor | SDK | gRPC default | gRPC tuned | qemu-ga | "
            + Report.SDK_DIRECT + " | " + Report.SDK_MINIMAL + " | " + Report.NETTY_FLOOR + " | "
            + Report.NAIVE
            + " | SDK/floor | SDK/gRPC tuned | SDK/naive | Targets |")
        .contains("- Machine: ").contains("- JDK: ").contains("- Date: ")
        .contains("quick mode");
    for (Report.Row row : Report.Row.values()) {
      String line = md.lines().filter(l -> l.startsWith("| " + row.label)).findFirst()
          .orElseThrow(() -> new AssertionError("no row " + row.label + " in\n" + md));
      String[] cells = line.split("\\|");
      // cells[1] is the label; the SDK is measured in every row, the floor and the Netty floor in
      // all but the fsync peer's rows (no raw copy through an agent), the naive client in the
      // transfer rows
      boolean transfer = row.unit.equals("MiB/s");
      boolean fsyncPeer = transfer && row != Report.Row.UPLOAD && row != Report.Row.DOWNLOAD;
      if (!fsyncPeer) {
        assertThat(cells[2]).as(row + " floor").matches(" [0-9.]+ \\([0-9.]+–[0-9.]+\\) ");
        assertThat(cells[9]).as(row + " Netty floor").matches(" [0-9.]+ \\([0-9.]+–[0-9.]+\\) ");
      }
      assertThat(cells[3]).as(row + " SDK").matches(" [0-9.]+ \\([0-9.]+–[0-9.]+\\) ");
      if (transfer) {
        assertThat(cells[10]).as(row + " naive").matches(" [0-9.]+ \\([0-9.]+–[0-9.]+\\) ");
      } else {
        assertThat(cells[4]).as(row + " gRPC default").matches(" [0-9.]+ \\([0-9.]+–[0-9.]+\\) ");
        assertThat(cells[5]).as(row + " gRPC tuned").matches(" [0-9.]+ \\([0-9.]+–[0-9.]+\\) ");
      }
    }
    assertThat(md).contains("p50 ≤ 1.5× floor: ").contains("≥ 0.5× raw copy: ")
        .contains("≥ 2× naive client: ");
    long headerCells = md.lines().filter(l -> l.startsWith("| Measure")).findFirst().orElseThrow()
        .chars().filter(c -> c == '|').count();
    assertThat(md.lines().filter(l -> l.startsWith("| ")))
        .allSatisfy(l -> assertThat(l.chars().filter(c -> c == '|').count()).as(l)
            .isEqualTo(headerCells));
  }
}
