package io.quantix.agent.qga.install;

import io.quantix.agent.AgentException;
import io.quantix.agent.qga.QgaClient;
import io.quantix.agent.qga.QgaExec;
import java.util.concurrent.CompletableFuture;

/** systemd and OpenRC service managers: files written through guest-exec with stdin. */
final class ServiceManagers {
  /** {@code ExecStart} is filled in with the binary's path. */
  static final String SYSTEMD_UNIT = "[Unit]\nDescription=Quantix guest agent\n"
      + "ConditionVirtualization=vm\n[Service]\nExecStart=%s\nRestart=always\nRestartSec=2\n"
      + "[Install]\nWantedBy=multi-user.target\n";
  static final String OPENRC_SCRIPT = "#!/sbin/openrc-run\ndescription=\"Quantix guest agent\"\n"
      + "command=\"%s\"\ncommand_background=\"yes\"\npidfile=\"/run/${RC_SVCNAME}.pid\"\n"
      + "depend() { after localmount; }\n";

  private ServiceManagers() {}

  static ServiceManager systemd(String unitTemplate) {
    return new ServiceManager() {
      @Override
      public CompletableFuture<Void> restart(QgaClient qga, String binary) {
        return run(qga, "cat > /etc/systemd/system/quantix-agent.service"
            + " && chmod 0644 /etc/systemd/system/quantix-agent.service"
            + " && systemctl daemon-reload && systemctl enable quantix-agent"
            + " && systemctl restart quantix-agent", String.format(unitTemplate, binary));
      }

      @Override
      public CompletableFuture<Void> remove(QgaClient qga, String binary) {
        return run(qga, "systemctl disable --now quantix-agent 2>/dev/null;"
            + " rm -f /etc/systemd/system/quantix-agent.service && systemctl daemon-reload", "");
      }
    };
  }

  static ServiceManager openRc() {
    return new ServiceManager() {
      @Override
      public CompletableFuture<Void> restart(QgaClient qga, String binary) {
        return run(qga, "cat > /etc/init.d/quantix-agent && chmod 0755 /etc/init.d/quantix-agent"
            + " && rc-update add quantix-agent default && rc-service quantix-agent restart",
            String.format(OPENRC_SCRIPT, binary));
      }

      @Override
      public CompletableFuture<Void> remove(QgaClient qga, String binary) {
        return run(qga, "rc-service quantix-agent stop 2>/dev/null;"
            + " rc-update del quantix-agent default 2>/dev/null; rm -f /etc/init.d/quantix-agent",
            "");
      }
    };
  }

  static CompletableFuture<Void> run(QgaClient qga, String script, String stdin) {
    return qga.exec(QgaExec.shell(script).withInput(stdin)).thenAccept(r -> {
      if (!r.succeeded()) {
        throw AgentException.remote("starting the agent service", (r.stderrText()
            + r.stdoutText()).trim() + " (exit " + r.exit() + ")");
      }
    });
  }
}
