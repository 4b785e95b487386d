package io.quantix.agent.agentctl;

import io.quantix.agent.client.ClipboardContent;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentctl clipboard get|set}: the guest desktop's clipboard. */
@Command(name = "clipboard", description = {"The guest desktop's clipboard.",
    "get prints it (text and HTML to stdout, an image to -o FILE); set replaces it with TEXT, "
        + "a file or stdin."},
    subcommands = {ClipboardCommands.Get.class, ClipboardCommands.Set.class})
final class ClipboardCommands extends GroupCommand {
  /** {@code agentctl clipboard get [--type T] [-o FILE]}. */
  @Command(name = "get", description = "Print the guest's clipboard.")
  static final class Get extends AgentCommand {
    @Option(names = "--type", paramLabel = "TYPE",
        description = "preferred type: ${COMPLETION-CANDIDATES} (default TEXT)")
    ClipboardContent.Type type = ClipboardContent.Type.TEXT;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the data here")
    Path output;

    @Override
    int run(Target target) throws Exception {
      ClipboardContent c = Target.await(target.client().desktop().getClipboard(type));
      boolean binary = c.type() == ClipboardContent.Type.IMAGE;
      if (output != null) {
        Files.write(output, c.data());
      } else if (binary && !json()) {
        throw CliError.failure("the clipboard holds an image (" + c.mimeType() + ", "
            + Format.bytes(c.size()) + "): give -o FILE");
      }
      if (json()) {
        emitJson(Json.obj().put("type", c.type().name()).put("mimeType", c.mimeType())
            .put("sizeBytes", c.size())
            .put("text", binary ? null : c.text())
            .put("dataBase64", binary && output == null
                ? Base64.getEncoder().encodeToString(c.data()) : null)
            .put("output", output == null ? null : output.toString()));
      } else if (output != null) {
        out().println(target.vmId() + ": clipboard (" + c.mimeType() + ", "
            + Format.bytes(c.size()) + ") written to " + output);
      } else {
        out().print(c.text());
      }
      out().flush();
      return ExitCodes.OK;
    }
  }

  /** {@code agentctl clipboard set [TEXT] [--file F] [--type T] [--mime M]}. */
  @Command(name = "set", description = "Replace the guest's clipboard (TEXT, --file, or stdin).")
  static final class Set extends AgentCommand {
    @Parameters(arity = "0..1", paramLabel = "TEXT", description = "the text (default: stdin)")
    String text;

    @Option(names = "--file", paramLabel = "FILE", description = "take the data from FILE")
    Path file;

    @Option(names = "--type", paramLabel = "TYPE",
        description = "${COMPLETION-CANDIDATES} (default TEXT)")
    ClipboardContent.Type type = ClipboardContent.Type.TEXT;

    @Option(names = "--mime", paramLabel = "MIME", description = "an image's type (default image/png)")
    String mime = "image/png";

    @Override
    void check() {
      if (text != null && file != null) {
        throw CliError.usage("give TEXT or --file, not both");
      }
      if (text != null && type == ClipboardContent.Type.IMAGE) {
        throw CliError.usage("an image comes from --file or stdin, not from TEXT");
      }
    }

    @Override
    int run(Target target) throws Exception {
      byte[] data;
      if (text != null) {
        data = text.getBytes(StandardCharsets.UTF_8);
      } else if (file != null) {
        data = Files.readAllBytes(file);
      } else {
        data = readLimited(console().in());
      }
      ClipboardContent content = type == ClipboardContent.Type.IMAGE
          ? ClipboardContent.image(data, mime)
          : ClipboardContent.of(type, data, type == ClipboardContent.Type.HTML
              ? "text/html" : "text/plain");
      Target.await(target.client().desktop().setClipboard(content));
      emit(Json.obj().put("type", content.type().name()).put("mimeType", content.mimeType())
              .put("sizeBytes", content.size()).put("set", true),
          target.vmId() + ": clipboard set (" + content.mimeType() + ", "
              + Format.bytes(content.size()) + ")");
      return ExitCodes.OK;
    }

    private static byte[] readLimited(InputStream in) throws java.io.IOException {
      byte[] data = in.readNBytes(ClipboardContent.MAX_BYTES + 1);
      if (data.length > ClipboardContent.MAX_BYTES) {
        throw CliError.usage("stdin holds more than the clipboard's "
            + Format.bytes(ClipboardContent.MAX_BYTES));
      }
      return data;
    }
  }
}
