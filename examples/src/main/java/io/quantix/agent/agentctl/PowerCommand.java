package io.quantix.agent.agentctl;

import io.quantix.agent.client.GuestLifecycle;
import io.quantix.agent.client.PowerOptions;
import io.quantix.agent.client.PowerResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code agentctl shutdown} and {@code agentctl reboot}. A real poweroff often answers nothing:
 * the VM is gone first. A session that ends (or an agent that starts again) after the request was
 * sent therefore counts as done, and the output says which evidence there was.
 */
@Command
abstract class PowerCommand extends AgentCommand {
  @Option(names = "--delay", paramLabel = "DURATION", converter = Durations.Converter.class,
      description = "when: now (default), or after e.g. 5m (Linux guests round down to minutes)")
  Duration delay;

  @Option(names = "--message", paramLabel = "TEXT", description = "message to logged-in users")
  String message;

  abstract CompletableFuture<PowerResult> request(GuestLifecycle life, PowerOptions options);

  abstract String verb();

  @Override
  void check() {
    Durations.wholeSeconds("--delay", delay);
  }

  @Override
  int run(Target target) throws Exception {
    PowerOptions options = delay == null ? PowerOptions.NOW : PowerOptions.after(delay);
    if (message != null) {
      options = options.withMessage(message);
    }
    PowerResult r = Target.await(request(target.client().lifecycle(), options));
    emit(Json.obj().put("vm", target.vmId()).put("action", r.action().name())
            .put("confirmation", r.confirmation().name())
            .put("delayMillis", options.delay().toMillis()),
        target.vmId() + ": " + verb() + (options.delay().isZero() ? ""
            : " in " + Format.duration(options.delay())) + " " + evidence(r.confirmation()));
    return ExitCodes.OK;
  }

  private static String evidence(PowerResult.Confirmation c) {
    switch (c) {
      case ACCEPTED:
        return "accepted by the agent";
      case SESSION_ENDED:
        return "done: the VM went away (session ended)";
      default:
        return "done: the agent started again";
    }
  }

  /** {@code agentctl shutdown}. */
  @Command(name = "shutdown", description = "Power the guest off (gracefully, through the guest OS).")
  static final class Shutdown extends PowerCommand {
    @Override
    CompletableFuture<PowerResult> request(GuestLifecycle life, PowerOptions options) {
      return life.powerOff(options);
    }

    @Override
    String verb() {
      return "power off";
    }
  }

  /** {@code agentctl reboot}. */
  @Command(name = "reboot", description = "Reboot the guest (gracefully, through the guest OS).")
  static final class Reboot extends PowerCommand {
    @Override
    CompletableFuture<PowerResult> request(GuestLifecycle life, PowerOptions options) {
      return life.reboot(options);
    }

    @Override
    String verb() {
      return "reboot";
    }
  }
}
