package io.quantix.agent.agentctl;

import io.quantix.agent.qga.QgaClient;
import io.quantix.agent.qga.QgaOptions;
import io.quantix.agent.transport.Endpoint;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * A {@code qga} subcommand: opens a qemu-ga client on the {@code -e} channel, runs, closes it
 * (after reading every reply qemu-ga owes: a unix-listen qemu-ga exits otherwise).
 */
@Command
abstract class QgaSubcommand implements Callable<Integer> {
  @ParentCommand
  QgaCommand parent;

  private String vm;
  private String endpointUri;

  @Override
  public final Integer call() throws Exception {
    Agentctl.Globals g = parent.root.globals();
    if (g.endpoints().isEmpty()) {
      throw CliError.usage("qga needs -e: the qemu-ga channel socket");
    }
    List<Endpoint> endpoints = Endpoints.parseAll(g.endpoints());
    QgaOptions.Builder options = QgaOptions.builder();
    if (g.timeout() != null) {
      options.callTimeout(g.timeout());
    }
    endpointUri = endpoints.get(0).uri();
    vm = Endpoints.vmId(endpoints.get(0));
    try (QgaClient qga = QgaClient.builder().endpoints(endpoints).options(options.build())
        .label(endpointUri).build()) {
      return run(qga, endpoints.get(0).uri());
    }
  }

  /** The work; returns the exit code. */
  abstract int run(QgaClient qga, String endpoint) throws Exception;

  boolean json() {
    return parent.root.json;
  }

  Console console() {
    return parent.root.console();
  }

  /** Prints {@code json} (in the schema's envelope) with --json, otherwise {@code text}. */
  void emit(Json.Obj json, String text) {
    PrintWriter out = console().out();
    out.println(json() ? Json.line(vm, endpointUri, json).toString() : text);
    out.flush();
  }
}
