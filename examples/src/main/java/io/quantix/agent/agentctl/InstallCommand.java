package io.quantix.agent.agentctl;

import io.quantix.agent.AgentException;
import io.quantix.agent.qga.install.AgentInstaller;
import io.quantix.agent.qga.install.InstallResult;
import io.quantix.agent.qga.install.InstallSpec;
import io.quantix.agent.qga.install.InstallStep;
import io.quantix.agent.qga.install.ServiceManager;
import io.quantix.agent.qga.registry.GuestAgents;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.transport.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code agentctl install --qga QGA -e AGENT --binary FILE [--version V]}: installs the Quantix
 * agent through qemu-ga and waits until it answers on its own channel.
 */
@Command(name = "install", description = {
    "Install (or upgrade) the Quantix agent in the guest through qemu-ga: check the binary"
        + " (static ELF for the guest's architecture) and the guest, push, verify its sha256 there,"
        + " install atomically, start it, and wait until it answers on -e.",
    "Exit codes: 0 done (or already installed), 10 check, 11 push, 12 verify, 13 install,"
        + " 14 start (rolled back), 15 never ready (rolled back); 2 usage."})
final class InstallCommand implements Callable<Integer> {
  /** The exit code of a failure at {@code step}. */
  static int exitCode(InstallStep step) {
    return 10 + step.ordinal();
  }

  @ParentCommand
  Agentctl root;

  @Option(names = "--qga", required = true, paramLabel = "URI", description = "the qemu-ga channel")
  String qga;

  @Option(names = "--binary", required = true, paramLabel = "FILE", description = "the agent binary")
  Path binary;

  @Option(names = "--version", paramLabel = "V", description = "the version the agent must report")
  String version;

  @Option(names = "--root", paramLabel = "DIR", description = "install root in the guest (default /)")
  String installRoot = "/";

  @Option(names = "--start-command", paramLabel = "SH",
      description = "start the agent with this shell command ($1 = binary) instead of systemd/OpenRC")
  String startCommand;

  @Option(names = "--ready-timeout", paramLabel = "DURATION", converter = Durations.Converter.class,
      description = "how long to wait for the agent (default 90s)")
  Duration readyTimeout = InstallSpec.DEFAULT_READY_TIMEOUT;

  @Override
  public Integer call() throws Exception {
    Agentctl.Globals g = root.globals();
    if (g.endpoints().size() != 1) {
      throw CliError.usage("install needs exactly one -e: the agent's own channel");
    }
    Endpoint agent = Endpoints.parse(g.endpoints().get(0));
    Endpoint qgaEndpoint = Endpoints.parse(qga);
    String vm = Endpoints.vmId(agent);
    InstallSpec spec = InstallSpec.of(binary).withRoot(installRoot).withReadyTimeout(readyTimeout);
    if (version != null) {
      spec = spec.withExpectedVersion(version);
    }
    if (startCommand != null) {
      spec = spec.withService(ServiceManager.command(startCommand));
    }
    Console console = root.console();
    try (AgentRegistry registry = Endpoints.registry(g.timeout())
            .resolver(EndpointResolver.explicit(Map.of(vm, List.of(agent)))).build();
         GuestAgents agents = GuestAgents.builder(registry)
             .qgaResolver(EndpointResolver.explicit(Map.of(vm, List.of(qgaEndpoint)))).build()) {
      InstallResult r;
      long[] last = {System.nanoTime()};
      try {
        r = Target.await(new AgentInstaller(agents).install(vm, spec, (step, detail) -> {
          long now = System.nanoTime();
          Duration took = Duration.ofNanos(now - last[0]);
          last[0] = now;
          console.out().println(root.json ? Json.line(vm, agent.uri(), Json.obj()
              .put("event", "step").put("step", step.name()).put("detail", detail)
              .put("durationMillis", took.toMillis())).toString()
              : String.format("%-9s %7s  %s", step.name().toLowerCase(java.util.Locale.ROOT),
                  Format.millis(took), detail));
          console.out().flush();
        }));
      } catch (java.util.concurrent.ExecutionException e) {
        AgentException a = AgentException.from(e.getCause());
        for (InstallStep step : InstallStep.values()) {
          if (a.getMessage().contains("install failed at step " + step.name())) {
            console.err().println("agentctl: " + a.getMessage().lines().findFirst().orElse(""));
            console.err().flush();
            return exitCode(step);
          }
        }
        throw e;
      }
      String text = r.unchanged() ? "already installed: agent " + r.version() + " (nothing changed)"
          : "installed: agent " + r.version() + " answers on " + agent.uri()
              + (r.seLinuxLabel() == null ? "" : ", SELinux " + r.seLinuxLabel());
      console.out().println(root.json ? Json.line(vm, agent.uri(), Json.obj().put("event", "done")
          .put("version", r.version()).put("unchanged", r.unchanged())
          .put("seLinuxLabel", r.seLinuxLabel())).toString() : text);
      console.out().flush();
      return ExitCodes.OK;
    }
  }
}
