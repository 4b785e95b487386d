package io.quantix.agent.benchmarks.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

  private static Report report() {
    Machine machine = new Machine("host", "cpu", 2, "os", "jdk");
    return new Report(machine, ZonedDateTime.of(2026, 1, 2, 3, 4, 0, 0, ZoneOffset.UTC),
        Settings.parse("--quick"), "");
  }

  private static long cells(String line) {
    return line.chars().filter(c -> c == '|').count();
  }

  @Test
  void everyRowHasTheHeadersCellsJmhRowsIncluded() {
    Report r = report();
    r.add(Report.Row.P50, Report.FLOOR, 10);
    r.add(Report.Row.P50, Report.SDK, 14);
    r.add(Report.Row.P50, Report.GRPC_TUNED, 20);
    r.framing(List.of(
        new JmhFraming.Score("FramingBenchmark.sdkFraming", "size=100", 300, 10, "ns/op"),
        new JmhFraming.Score("FramingBenchmark.protobufByteArray", "size=100", 150, 5, "ns/op")));

    String md = r.markdown();

    long header = cells(md.lines().filter(l -> l.startsWith("| Measure")).findFirst().orElseThrow());
    assertThat(md.lines().filter(l -> l.startsWith("| "))).hasSize(4)
        .allSatisfy(l -> assertThat(cells(l)).as(l).isEqualTo(header));
    assertThat(md).contains("| framing JMH FramingBenchmark.sdkFraming (size=100), ns/op | — | "
        + "300 ± 10.0 |").contains("| 2.00× |");
  }

  @Test
  void targetsAreJudgedOnTheMediansAgainstTheirBound() {
    Report r = report();
    for (double v : new double[] {10, 11, 9}) {
      r.add(Report.Row.P50, Report.FLOOR, v);
    }
    for (double v : new double[] {14, 30, 15}) {
      r.add(Report.Row.P50, Report.SDK, v);
    }
    r.add(Report.Row.P50, Report.GRPC_TUNED, 18);

    String md = r.markdown();

    assertThat(md).contains("p50 ≤ 1.5× floor: pass (1.50×)")
        .contains("p50 ≤ 0.75× gRPC tuned: **MISS** (0.83×)")
        .contains("| 10.0 (9.00–11.0) | 15.0 (14.0–30.0) |")
        .contains("- Targets met: 1 of 2");
  }
}
