package io.quantix.agent.qga.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.Arrays;
import java.util.Base64;

/** guest-file-open/read/write/close on this machine's files, qemu-ga's way. */
final class FakeFiles {
  private FakeFiles() {}

  static JsonNode run(FakeCommands c, String name, JsonNode a) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    try {
      switch (name) {
        case "guest-file-open": {
          String path = a.path("path").asText();
          String mode = a.path("mode").asText("r");
          RandomAccessFile file = new RandomAccessFile(path, mode.startsWith("r")
              && !mode.contains("+") ? "r" : "rw");
          if (mode.startsWith("w")) {
            file.setLength(0);
          }
          return f.numberNode(c.newHandle(file));
        }
        case "guest-file-read": {
          RandomAccessFile file = c.file(a.path("handle").asLong());
          int count = a.path("count").asInt(4096);
          if (count < 0 || count > 48 << 20) {
            throw new FakeCommands.GuestError("value '" + count + "' is invalid for argument count");
          }
          byte[] buf = new byte[count];
          int n = 0;
          while (n < count) {
            int r = file.read(buf, n, count - n);
            if (r < 0) {
              break;
            }
            n += r;
          }
          return f.objectNode().put("count", n)
              .put("buf-b64", Base64.getEncoder().encodeToString(Arrays.copyOf(buf, n)))
              .put("eof", n < count);
        }
        case "guest-file-write": {
          RandomAccessFile file = c.file(a.path("handle").asLong());
          byte[] data;
          try {
            data = Base64.getDecoder().decode(a.path("buf-b64").asText());
          } catch (IllegalArgumentException e) {
            throw new FakeCommands.GuestError("Base64 data contains invalid characters");
          }
          file.write(data);
          return f.objectNode().put("count", data.length).put("eof", false);
        }
        case "guest-file-close":
          c.remove(a.path("handle").asLong()).close();
          return f.objectNode();
        default:
          return null;
      }
    } catch (IOException e) {
      throw new FakeCommands.GuestError("failed to open file '" + a.path("path").asText() + "': "
          + e.getMessage());
    }
  }
}
