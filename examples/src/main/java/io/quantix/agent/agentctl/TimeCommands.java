package io.quantix.agent.agentctl;

import io.quantix.agent.client.TimeSync;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl time sync|set}: the guest's clock. */
@Command(name = "time", description = {"The guest's clock.",
    "sync asks the guest to resync its clock (NTP, or the hypervisor clock); set sets it to a "
        + "given instant, by default this host's clock."},
    subcommands = {TimeCommands.Sync.class, TimeCommands.Set.class})
final class TimeCommands extends GroupCommand {
  static Json.Obj json(TimeSync t) {
    return Json.obj().put("offsetMicros", t.offset() == null ? null : t.offset().toNanos() / 1000)
        .put("guestTime", t.guestTime()).put("source", t.source());
  }

  static String text(String vm, TimeSync t) {
    return vm + ": guest clock " + (t.guestTime() == null ? "?" : t.guestTime())
        + (t.offset() == null ? "" : ", was off by " + Format.millis(t.offset()))
        + (t.source() == null || t.source().isEmpty() ? "" : " (" + t.source() + ")");
  }

  /** {@code agentctl time sync [--force]}. */
  @Command(name = "sync", description = "Resync the guest's clock.")
  static final class Sync extends AgentCommand {
    @Option(names = "--force", description = "step the clock at once instead of slewing")
    boolean force;

    @Override
    int run(Target target) throws Exception {
      TimeSync t = Target.await(target.client().lifecycle().syncTime(force));
      emit(TimeCommands.json(t).put("action", "sync"), text(target.vmId(), t));
      return ExitCodes.OK;
    }
  }

  /** {@code agentctl time set [TIME]}. */
  @Command(name = "set", description = "Set the guest's clock (default: to this host's clock).")
  static final class Set extends AgentCommand {
    @Parameters(arity = "0..1", paramLabel = "TIME",
        description = "ISO-8601 instant, e.g. 2026-12-04T22:30:00Z (default: now, from this host)")
    String time;

    private Instant instant;

    @Override
    void check() {
      try {
        instant = time == null ? null : Instant.parse(time);
      } catch (DateTimeParseException e) {
        throw CliError.usage("'" + time + "' is not an ISO-8601 instant such as "
            + "2026-12-04T22:30:00Z");
      }
    }

    @Override
    int run(Target target) throws Exception {
      Instant to = instant != null ? instant : Instant.now();
      TimeSync t = Target.await(target.client().lifecycle().setTime(to));
      emit(TimeCommands.json(t).put("action", "set").put("requestedTime", to), text(target.vmId(), t));
      return ExitCodes.OK;
    }
  }
}
