package io.quantix.agent.agentctl;

import io.quantix.agent.client.AgentInfo;
import java.io.PrintWriter;
import java.util.TreeSet;
import picocli.CommandLine.Command;

/** {@code agentctl info}: what the agent said about itself in AgentReady. */
@Command(name = "info",
    description = {"The agent's own description of the guest (AgentReady).",
        "Agent version, OS, kernel, architecture, host name, addresses and capabilities. On a "
            + "connection without AgentReady: from GetCapabilities, the pong and telemetry "
            + "('?' marks what only AgentReady tells)."})
final class InfoCommand extends AgentCommand {
  @Override
  int run(Target target) throws Exception {
    AgentInfo i = target.agentInfo();
    if (json()) {
      emit(json(target.vmId(), target.endpoint(), i), null);
      return ExitCodes.OK;
    }
    PrintWriter out = out();
    print(out, target.vmId(), target.endpoint(), i);
    out.flush();
    return ExitCodes.OK;
  }

  static Json.Obj json(String vm, String endpoint, AgentInfo i) {
    return Json.obj().put("vm", vm).put("endpoint", endpoint).put("agentVersion", i.version())
        .put("hostname", i.hostname()).put("osName", i.osName()).put("osVersion", i.osVersion())
        .put("kernelVersion", i.kernelVersion()).put("architecture", i.architecture())
        .put("ipAddresses", i.ipAddresses()).put("capabilities", new TreeSet<>(i.capabilities()))
        .put("receivedAt", i.receivedAt()).put("source", i.source().name())
        .put("known", i.known().stream().map(Enum::name).sorted().toList());
  }

  static void print(PrintWriter out, String vm, String endpoint, AgentInfo i) {
    out.println("vm            " + vm + " (" + endpoint + ")");
    out.println("agent         " + or(i.version()));
    out.println("hostname      " + or(i.hostname()));
    out.println("os            " + or((i.osName() + " " + i.osVersion()).strip()));
    out.println("kernel        " + or(i.kernelVersion()) + " (" + or(i.architecture()) + ")");
    out.println("addresses     " + (i.ipAddresses().isEmpty()
        ? (i.isKnown(AgentInfo.Field.IP_ADDRESSES) ? "-" : "? (only AgentReady tells)")
        : String.join(", ", i.ipAddresses())));
    if (i.source() != AgentInfo.Source.AGENT_READY) {
      out.println("source        " + (i.source() == AgentInfo.Source.CAPABILITIES
          ? "GetCapabilities + pong + telemetry (no AgentReady on this connection)" : "pong"));
    }
    out.println("capabilities  " + String.join(" ", new TreeSet<>(i.capabilities())));
  }

  private static String or(String value) {
    return value == null || value.isEmpty() ? "?" : value;
  }
}
