package io.quantix.agent.agentctl;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.Subscription;
import io.quantix.agent.client.Telemetry;
import io.quantix.agent.client.AgentStatus;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code agentctl watch}: telemetry as the guest pushes it (every 5 s on a real agent), and the
 * link's state changes, until Ctrl-C or {@code --count} reports.
 */
@Command(name = "watch", description = {
    "Print telemetry as it arrives, until Ctrl-C.",
    "Prints each report the guest pushes (every 5s), each change of the link's state and each "
        + "agent restart under the live session, until Ctrl-C or --count reports. Fails at once (exit 3) if the agent cannot be reached."})
final class WatchCommand extends AgentCommand {
  @Option(names = "--count", paramLabel = "N", description = "stop after N telemetry reports")
  Integer count;

  /** A status change within the same state: the agent restarted under a live session. */
  private record GuestReset(AgentStatus status) {}

  @Override
  public String timeoutHelp() {
    return "deadline of the first connect (default 30s); watch then runs until Ctrl-C or --count";
  }

  @Override
  int run(Target target) throws Exception {
    if (count != null && count < 1) {
      throw CliError.usage("--count must be at least 1");
    }
    // The SDK's listeners must return quickly: they only hand events to this thread.
    BlockingQueue<Object> events = new ArrayBlockingQueue<>(256);
    AgentClient client = target.plainClient();
    Subscription telemetry = client.onTelemetry(events::offer);
    Subscription states = target.registry().addStatusListener((before, now) -> {
      if (before.state() != now.state()) {
        events.offer(now);
      } else if (!before.detail().equals(now.detail())) {
        // Same state, new detail: a guest reset (the agent restarted) on a live session.
        events.offer(new GuestReset(now));
      }
    });
    try {
      target.ping();
      // State changes are news only after the first connect (the listener may still deliver it).
      Instant connectedAt = Instant.now();
      if (!json()) {
        err().println("watching " + target.vmId() + " (" + target.endpoint() + ")"
            + (count == null ? ", Ctrl-C to stop" : ", " + count + " report(s)"));
        err().flush();
      }
      client.latestTelemetry().ifPresent(events::offer);
      int seen = 0;
      Telemetry last = null;
      while (count == null || seen < count) {
        Object event = events.take();
        if (event instanceof Telemetry t) {
          if (last != null && t.receivedNanos() - last.receivedNanos() <= 0) {
            continue;
          }
          last = t;
          seen++;
          emit(Views.telemetryJson(target.vmId(), t), Views.telemetryLine(target.vmId(), t));
        } else if (event instanceof GuestReset r) {
          emit(Json.obj().put("event", "agentRestarted").put("vm", r.status().vmId())
                  .put("state", r.status().state().name()).put("detail", r.status().detail()),
              "# " + r.status().vmId() + " " + r.status().state() + ": " + r.status().detail());
        } else if (event instanceof AgentStatus s && !s.since().isBefore(connectedAt)) {
          emit(Json.obj().put("event", "status").put("vm", s.vmId()).put("state", s.state().name())
                  .put("detail", s.detail()),
              "# " + s.vmId() + " " + s.state() + (s.isConnected() ? "" : ": " + s.detail()));
        }
      }
    } finally {
      states.close();
      telemetry.close();
    }
    return ExitCodes.OK;
  }
}
