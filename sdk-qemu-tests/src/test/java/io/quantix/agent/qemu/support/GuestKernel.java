package io.quantix.agent.qemu.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Debian kernel for the guest and the virtio modules it must load, in dependency order. Looked
 * for under a root holding {@code boot/vmlinuz-V} and {@code lib/modules/V}: a kernel package
 * extracted with {@code dpkg-deb -x} (what {@code .ci/run} prepares), then the machine's own.
 *
 * @param vmlinuz the kernel image
 * @param version the kernel release, e.g. {@code 6.1.0-57-cloud-amd64}
 * @param modules the {@code .ko} files to insmod, dependencies first (empty when built in)
 */
public record GuestKernel(Path vmlinuz, String version, List<Path> modules) {
  /** The drivers the guest needs: the PCI transport and the virtio-serial ports. */
  private static final List<String> NEEDED = List.of("virtio_pci", "virtio_console");
  private static final Map<String, String> CONFIG_OF = Map.of(
      "virtio_pci", "CONFIG_VIRTIO_PCI", "virtio_console", "CONFIG_VIRTIO_CONSOLE");
  private static final List<String> BUILT_IN = List.of("CONFIG_DEVTMPFS", "CONFIG_DEBUG_FS",
      "CONFIG_BLK_DEV_INITRD", "CONFIG_RD_GZIP");

  /**
   * The first usable kernel under {@code roots}; otherwise empty, with why each candidate was
   * refused added to {@code reasons}.
   */
  static Optional<GuestKernel> find(List<Path> roots, List<String> reasons) {
    for (Path root : roots) {
      Path boot = root.resolve("boot");
      if (!Files.isDirectory(boot)) {
        reasons.add("no " + boot);
        continue;
      }
      List<Path> images;
      try (Stream<Path> files = Files.list(boot)) {
        images = files.filter(p -> p.getFileName().toString().startsWith("vmlinuz-"))
            .sorted(Comparator.reverseOrder()).toList();
      } catch (IOException e) {
        reasons.add("cannot list " + boot + ": " + e.getMessage());
        continue;
      }
      if (images.isEmpty()) {
        reasons.add("no vmlinuz-* in " + boot);
      }
      for (Path image : images) {
        Optional<GuestKernel> kernel = check(root, image, reasons);
        if (kernel.isPresent()) {
          return kernel;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<GuestKernel> check(Path root, Path image, List<String> reasons) {
    String version = image.getFileName().toString().substring("vmlinuz-".length());
    if (!Files.isReadable(image)) {
      reasons.add(image + " is not readable");
      return Optional.empty();
    }
    Map<String, String> config;
    try {
      config = readConfig(root.resolve("boot/config-" + version));
    } catch (IOException e) {
      reasons.add("no readable config-" + version + " beside " + image);
      return Optional.empty();
    }
    for (String option : BUILT_IN) {
      if (!"y".equals(config.get(option))) {
        reasons.add(version + ": " + option + " is not built in");
        return Optional.empty();
      }
    }
    Path moduleTree = root.resolve("lib/modules/" + version + "/kernel");
    Map<String, Path> byName;
    try {
      byName = indexModules(moduleTree);
    } catch (IOException e) {
      byName = Map.of();
    }
    LinkedHashMap<String, Path> ordered = new LinkedHashMap<>();
    for (String module : NEEDED) {
      String setting = config.get(CONFIG_OF.get(module));
      if ("y".equals(setting)) {
        continue;
      }
      if (!"m".equals(setting)) {
        reasons.add(version + ": " + CONFIG_OF.get(module) + " is not set");
        return Optional.empty();
      }
      try {
        addWithDependencies(module, byName, ordered);
      } catch (IOException e) {
        reasons.add(version + ": " + e.getMessage());
        return Optional.empty();
      }
    }
    return Optional.of(new GuestKernel(image, version, List.copyOf(ordered.values())));
  }

  private static Map<String, String> readConfig(Path file) throws IOException {
    Map<String, String> config = new HashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        config.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return config;
  }

  /** Every uncompressed module under {@code tree}, by module name ({@code -} read as {@code _}). */
  private static Map<String, Path> indexModules(Path tree) throws IOException {
    Map<String, Path> byName = new HashMap<>();
    try (Stream<Path> files = Files.walk(tree)) {
      files.forEach(p -> {
        String file = p.getFileName().toString();
        if (file.endsWith(".ko")) {
          byName.put(file.substring(0, file.length() - 3).replace('-', '_'), p);
        }
      });
    }
    return byName;
  }

  private static void addWithDependencies(String module, Map<String, Path> byName,
      LinkedHashMap<String, Path> ordered) throws IOException {
    if (ordered.containsKey(module)) {
      return;
    }
    Path file = byName.get(module);
    if (file == null) {
      throw new IOException("module " + module + " not found uncompressed (.ko; busybox insmod"
          + " cannot read .ko.xz or .ko.zst)");
    }
    for (String dependency : dependsOf(file)) {
      addWithDependencies(dependency, byName, ordered);
    }
    ordered.put(module, file);
  }

  /** The {@code depends=} entry of a module's modinfo section (what modules.dep is built from). */
  static List<String> dependsOf(Path module) throws IOException {
    String text = new String(Files.readAllBytes(module), StandardCharsets.ISO_8859_1);
    int at = text.indexOf("\0depends=");
    List<String> result = new ArrayList<>();
    if (at < 0) {
      return result;
    }
    int start = at + "\0depends=".length();
    int end = text.indexOf('\0', start);
    for (String name : text.substring(start, end).split(",")) {
      if (!name.isBlank()) {
        result.add(name.trim().replace('-', '_'));
      }
    }
    return result;
  }
}
