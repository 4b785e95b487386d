package io.quantix.agent.agentctl;

import io.quantix.agent.client.DisplaySize;
import io.quantix.agent.client.GuestDesktop;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl display resize WxH}: the guest desktop's resolution. */
@Command(name = "display", description = {"The guest desktop's display.",
    "resize sets the resolution (and DPI), as a viewer's window size change would."},
    subcommands = DisplayCommand.Resize.class)
final class DisplayCommand extends GroupCommand {
  /** {@code agentctl display resize WxH [--dpi N] [--display ID]}. */
  @Command(name = "resize", description = "Set the guest display's resolution.")
  static final class Resize extends AgentCommand {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,5})[xX](\\d{1,5})");

    @Parameters(paramLabel = "WxH", description = "e.g. 1920x1080")
    String size;

    @Option(names = "--dpi", paramLabel = "N", description = "dots per inch (default: unchanged)")
    int dpi;

    @Option(names = "--display", paramLabel = "ID", description = "which display (default: the first)")
    String display = "";

    private int width;
    private int height;

    @Override
    void check() {
      Matcher m = SIZE.matcher(size);
      if (!m.matches()) {
        throw CliError.usage("'" + size + "' is not a size such as 1920x1080");
      }
      width = Integer.parseInt(m.group(1));
      height = Integer.parseInt(m.group(2));
      if (width < 1 || height < 1 || width > GuestDesktop.MAX_PIXELS
          || height > GuestDesktop.MAX_PIXELS) {
        throw CliError.usage("each side must be 1 to " + GuestDesktop.MAX_PIXELS + " pixels");
      }
      if (dpi < 0 || dpi > GuestDesktop.MAX_DPI) {
        throw CliError.usage("--dpi must be 0 to " + GuestDesktop.MAX_DPI);
      }
    }

    @Override
    int run(Target target) throws Exception {
      DisplaySize d = Target.await(target.client().desktop().resizeDisplay(width, height, dpi,
          display));
      emit(Json.obj().put("width", d.width()).put("height", d.height()).put("dpi", dpi),
          target.vmId() + ": display " + d.width() + "x" + d.height()
              + (dpi > 0 ? " at " + dpi + " dpi" : ""));
      return ExitCodes.OK;
    }
  }
}
