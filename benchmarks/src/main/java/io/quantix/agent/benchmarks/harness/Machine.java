package io.quantix.agent.benchmarks.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What the figures were measured on. */
record Machine(String host, String cpu, int cores, String os, String jdk) {
  static Machine describe() {
    return new Machine(hostName(), cpuModel(), Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
            + " (" + System.getProperty("java.vendor") + ")");
  }

  /** The host name made safe for a file name. */
  String fileSafeHost() {
    String safe = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
    return safe.isEmpty() ? "unknown-host" : safe;
  }

  private static String hostName() {
    try {
      Path etc = Path.of("/etc/hostname");
      if (Files.isReadable(etc)) {
        String name = Files.readString(etc).trim();
        if (!name.isEmpty()) {
          return name;
        }
      }
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  private static String cpuModel() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      for (String line : lines) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or not readable: say so below.
    }
    return "unknown CPU";
  }
}
