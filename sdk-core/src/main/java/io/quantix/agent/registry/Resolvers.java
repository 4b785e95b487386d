package io.quantix.agent.registry;

import io.quantix.agent.transport.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The file-system work behind {@link EndpointResolver}'s factories. */
final class Resolvers {
  private static final Logger log = LoggerFactory.getLogger(Resolvers.class);
  /** {@code domain-<id>-<name>} (libvirt before 3.x) or {@code <id>-<name>} (its short name). */
  private static final Pattern LIBVIRT_DIR = Pattern.compile("(?:domain-)?([0-9]{1,18})-(.+)");

  private Resolvers() {}

  /** A libvirt channel socket found for a VM. */
  private record Found(long domainId, int root, int port, Path socket) {}

  /**
   * Characters of a domain name libvirt keeps in its short name (VIR_DOMAIN_SHORT_NAME_MAX): a
   * longer name appears in the channel directory cut to this many characters.
   */
  static final int LIBVIRT_SHORT_NAME_MAX = 20;

  /** The name as libvirt writes it into directory names: cut to 20 characters (code points). */
  static String libvirtShortName(String vmId) {
    if (vmId.codePointCount(0, vmId.length()) <= LIBVIRT_SHORT_NAME_MAX) {
      return vmId;
    }
    return vmId.substring(0, vmId.offsetByCodePoints(0, LIBVIRT_SHORT_NAME_MAX));
  }

  static List<Endpoint> libvirtChannels(List<Path> roots, String vmId) {
    String shortName = libvirtShortName(vmId);
    List<Found> found = new ArrayList<>();
    for (int r = 0; r < roots.size(); r++) {
      Path root = roots.get(r);
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
        for (Path dir : dirs) {
          Matcher m = LIBVIRT_DIR.matcher(dir.getFileName().toString());
          if (!m.matches() || !m.group(2).equals(shortName)) {
            continue;
          }
          long domainId = Long.parseLong(m.group(1));
          for (int p = 0; p < EndpointResolver.AGENT_PORT_NAMES.size(); p++) {
            Path socket = dir.resolve(EndpointResolver.AGENT_PORT_NAMES.get(p));
            if (isSocketLike(socket)) {
              found.add(new Found(domainId, r, p, socket));
            }
          }
        }
      } catch (IOException | UncheckedIOException e) {
        // An unreadable root is a root without channels (libvirt's are root-only on some hosts).
      }
    }
    if (!shortName.equals(vmId) && found.stream().mapToLong(Found::domainId).distinct().count() > 1) {
      // Two running domains whose names share the first 20 characters: connecting to the newest
      // could reach another VM's agent. Better no endpoint than the wrong guest.
      log.warn("libvirt channel directories of several domains match the 20-character short name"
          + " '{}' of VM '{}'; not choosing one (name the endpoint explicitly)", shortName, vmId);
      return List.of();
    }
    found.sort(Comparator.comparingLong(Found::domainId).reversed()
        .thenComparingInt(Found::root).thenComparingInt(Found::port));
    List<Endpoint> endpoints = new ArrayList<>(found.size());
    for (Found f : found) {
      endpoints.add(Endpoint.unix(f.socket()));
    }
    return List.copyOf(endpoints);
  }

  static List<Endpoint> firstExisting(List<EndpointResolver> chain, String vmId) {
    List<Endpoint> fallback = null;
    IllegalArgumentException rejected = null;
    int rejections = 0;
    for (EndpointResolver resolver : chain) {
      List<Endpoint> endpoints;
      try {
        endpoints = resolver.resolve(vmId);
      } catch (IllegalArgumentException e) {
        rejections++;
        if (rejected == null) {
          rejected = e;
        }
        continue;
      }
      if (endpoints == null || endpoints.isEmpty()) {
        continue;
      }
      if (fallback == null) {
        fallback = endpoints;
      }
      for (Endpoint e : endpoints) {
        if (present(e)) {
          return endpoints;
        }
      }
    }
    if (fallback != null) {
      return fallback;
    }
    if (rejections == chain.size()) {
      throw rejected;
    }
    return List.of();
  }

  /** Whether an endpoint's socket file exists; endpoints without a file count as present. */
  private static boolean present(Endpoint e) {
    if (e instanceof Endpoint.Unix) {
      return Files.exists(((Endpoint.Unix) e).path());
    }
    if (e instanceof Endpoint.HybridVsock) {
      return Files.exists(((Endpoint.HybridVsock) e).path());
    }
    return true;
  }

  static SortedMap<String, Endpoint> discover(Path dir) {
    Path absolute = dir.toAbsolutePath();
    SortedMap<String, Endpoint> found = new TreeMap<>();
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(absolute, "*" + EndpointResolver.QUANTIX_SOCKET_SUFFIX)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        String vmId = name.substring(0, name.length()
            - EndpointResolver.QUANTIX_SOCKET_SUFFIX.length());
        if (vmId.isEmpty() || vmId.equals(".") || vmId.equals("..") || !isSocketLike(entry)) {
          continue;
        }
        found.put(vmId, Endpoint.unix(entry));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list VM channels in " + absolute, e);
    }
    return found;
  }

  /** A socket (or another special file): not a regular file, not a directory. */
  private static boolean isSocketLike(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class).isOther();
    } catch (IOException e) {
      return false;
    }
  }
}
