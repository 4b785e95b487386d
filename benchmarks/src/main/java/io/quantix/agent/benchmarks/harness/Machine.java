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

  /** The 1-, 5- and 15-minute load averages, or "unknown". */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " / " + f[1] + " / " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** The working tree's commit ({@code git rev-parse --short HEAD}), or null. */
  static String commit() {
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0
          || !out.matches("[0-9a-f]{4,40}")) {
        return null;
      }
      String dirty = new String(new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no")
          .start().getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
      return dirty.isEmpty() ? out : out + " (with uncommitted changes)";
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
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
