package io.quantix.agent.agentctl;

import io.quantix.agent.qga.QgaClient;
import io.quantix.agent.qga.QgaFilesystem;
import io.quantix.agent.qga.QgaInfo;
import io.quantix.agent.qga.QgaOsInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** The small {@code qga} queries: ping, info, osinfo, fsinfo, freeze-status. */
final class QgaCommands {
  private QgaCommands() {}

  /** {@code agentctl qga ping}. */
  @Command(name = "ping", description = "guest-ping: is qemu-ga answering? Prints the round trip.")
  static final class Ping extends QgaSubcommand {
    @Override
    int run(QgaClient qga, String endpoint) throws Exception {
      long start = System.nanoTime();
      Target.await(qga.ping());
      Duration rtt = Duration.ofNanos(System.nanoTime() - start);
      emit(Json.obj().put("endpoint", endpoint).put("roundTripMicros", rtt.toNanos() / 1000),
          "qemu-ga answers on " + endpoint + " (round trip with connect and sync "
              + Format.millis(rtt) + ")");
      return ExitCodes.OK;
    }
  }

  /** {@code agentctl qga info}. */
  @Command(name = "info", description = "guest-info: qemu-ga's version, enabled and disabled commands.")
  static final class Info extends QgaSubcommand {
    @Override
    int run(QgaClient qga, String endpoint) throws Exception {
      QgaInfo info = Target.await(qga.info());
      List<String> disabled = new ArrayList<>();
      info.commands().stream().filter(c -> !c.enabled()).forEach(c -> disabled.add(c.name()));
      emit(Json.obj().put("endpoint", endpoint).put("version", info.version())
              .put("enabled", info.enabledCommands()).put("disabled", disabled),
          "qemu-ga " + info.version() + "\nenabled:  " + String.join(" ", info.enabledCommands())
              + "\ndisabled: " + (disabled.isEmpty() ? "(none)" : String.join(" ", disabled)));
      return ExitCodes.OK;
    }
  }

  /** {@code agentctl qga osinfo}. */
  @Command(name = "osinfo", description = "guest-get-osinfo: distribution, kernel, architecture.")
  static final class OsInfo extends QgaSubcommand {
    @Override
    int run(QgaClient qga, String endpoint) throws Exception {
      QgaOsInfo os = Target.await(qga.osInfo());
      emit(Json.obj().put("prettyName", os.prettyNameText()).put("id", os.id())
              .put("versionId", os.versionId()).put("kernelRelease", os.kernelRelease())
              .put("machine", os.machineName()),
          os.prettyName().orElse("(unknown OS)") + ", kernel "
              + (os.kernelRelease() == null ? "?" : os.kernelRelease()) + ", "
              + os.machine().orElse("?"));
      return ExitCodes.OK;
    }
  }

  /** {@code agentctl qga fsinfo}. */
  @Command(name = "fsinfo", description = "guest-get-fsinfo: mounted filesystems, use and disks.")
  static final class FsInfo extends QgaSubcommand {
    @Override
    int run(QgaClient qga, String endpoint) throws Exception {
      List<QgaFilesystem> all = Target.await(qga.filesystems());
      if (json()) {
        for (QgaFilesystem fs : all) {
          emit(Json.obj().put("mountpoint", fs.mountpoint()).put("name", fs.name())
              .put("type", fs.type()).put("usedBytes", fs.used() < 0 ? null : fs.used())
              .put("totalBytes", fs.total() < 0 ? null : fs.total())
              .put("disks", fs.disks().stream().map(d -> d.dev() == null ? d.busType()
                  : d.dev()).toList()), "");
        }
        return ExitCodes.OK;
      }
      StringBuilder text = new StringBuilder(String.format("%-24s %-8s %-10s %10s %10s%n",
          "MOUNTPOINT", "TYPE", "DEVICE", "USED", "TOTAL"));
      for (QgaFilesystem fs : all) {
        text.append(String.format("%-24s %-8s %-10s %10s %10s%n", fs.mountpoint(), fs.type(),
            fs.name(), fs.used() < 0 ? "-" : Format.bytes(fs.used()),
            fs.total() < 0 ? "-" : Format.bytes(fs.total())));
      }
      emit(Json.obj(), text.toString().stripTrailing());
      return ExitCodes.OK;
    }
  }

  /** {@code agentctl qga freeze-status}. */
  @Command(name = "freeze-status", description = "guest-fsfreeze-status: thawed or frozen.")
  static final class FreezeStatus extends QgaSubcommand {
    @Override
    int run(QgaClient qga, String endpoint) throws Exception {
      String status = Target.await(qga.freezeStatus()).name().toLowerCase(java.util.Locale.ROOT);
      emit(Json.obj().put("endpoint", endpoint).put("status", status), status);
      return ExitCodes.OK;
    }
  }
}
