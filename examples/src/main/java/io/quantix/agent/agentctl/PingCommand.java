package io.quantix.agent.agentctl;

import io.quantix.agent.client.Pong;
import picocli.CommandLine.Command;

/** {@code agentctl ping}: one round trip; the agent's version and the guest's uptime. */
@Command(name = "ping", description = "Round trip to the agent: agent version, guest uptime.")
final class PingCommand extends AgentCommand {
  @Override
  int run(Target target) throws Exception {
    Pong p = target.ping();
    emit(Json.obj().put("vm", target.vmId()).put("endpoint", target.endpoint())
            .put("agentVersion", p.agentVersion())
            .put("guestUptimeMillis", p.guestUptime().toMillis())
            .put("roundTripMicros", p.roundTrip().toNanos() / 1000),
        "pong from " + target.vmId() + " (" + target.endpoint() + "): agent " + p.agentVersion()
            + ", guest up " + Format.duration(p.guestUptime()) + ", round trip "
            + Format.millis(p.roundTrip()));
    return ExitCodes.OK;
  }
}
