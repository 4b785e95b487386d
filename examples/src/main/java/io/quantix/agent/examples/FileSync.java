package io.quantix.agent.examples;

import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.transport.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Pushes a local directory tree into the guest, sending only files that changed since the last
 * sync: a manifest of sha256 sums kept in the guest ({@code REMOTE/.quantix-sync}) says what the
 * guest has. Up to four uploads run at once; the manifest is written last, so an interrupted sync
 * just sends more next time.
 *
 * <pre>
 * java -cp examples/target/agentctl.jar io.quantix.agent.examples.FileSync [ENDPOINT LOCAL_DIR REMOTE_DIR]
 * java -cp examples/target/agentctl.jar io.quantix.agent.examples.FileSync \
 *     unix:/var/run/quantix-kvm/vms/vm-42.agent.sock ./site /var/www/site
 * </pre>
 *
 * Without arguments it makes a small tree, starts a fake agent (the testkit's), and syncs twice:
 * the second sync sends only the one file changed in between.
 */
public final class FileSync {
  static final String MANIFEST = ".quantix-sync";
  private static final int IN_FLIGHT = 4;

  private FileSync() {}

  public static void main(String[] args) throws Exception {
    run(args, System.out);
  }

  static void run(String[] args, PrintStream out) throws Exception {
    ExampleArgs a = ExampleArgs.parse(args);
    if (a.positionalCount() != 0 && a.positionalCount() != 3) {
      throw new IllegalArgumentException("usage: FileSync [ENDPOINT LOCAL_DIR REMOTE_DIR]");
    }
    boolean demo = a.positionalCount() == 0;
    // Only so that the example runs without a VM: a fake agent and a small local tree.
    FakeGuestAgent fake = demo ? FakeGuestAgent.builder().start() : null;
    Path local = demo ? sampleTree() : Path.of(a.positional(1));
    String endpoint = demo ? fake.endpoint() : a.positional(0);
    String remote = demo ? "/srv/site" : a.positional(2);

    try (AgentRegistry agents = AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(Map.of("vm", List.of(Endpoint.parse(endpoint)))))
        .build()) {
      AgentClient vm = agents.client("vm");
      sync(vm, local, remote, out);
      if (demo) {
        Files.writeString(local.resolve("index.html"), "<h1>changed</h1>\n");
        sync(vm, local, remote, out);   // sends index.html only
      }
    } finally {
      if (fake != null) {
        fake.close();
      }
      if (demo) {
        deleteTree(local);
      }
    }
  }

  /** One sync of {@code local} into the guest's {@code remote}; returns how many files were sent. */
  static int sync(AgentClient vm, Path local, String remote, PrintStream out) throws Exception {
    Map<String, String> want = hashes(local);              // relative path -> sha256
    Map<String, String> have = readManifest(vm, remote);   // what the last sync left there

    Semaphore window = new Semaphore(IN_FLIGHT);
    List<CompletableFuture<?>> uploads = new ArrayList<>();
    AtomicLong bytes = new AtomicLong();
    int sent = 0;
    for (Map.Entry<String, String> file : want.entrySet()) {
      if (file.getValue().equals(have.get(file.getKey()))) {
        continue;   // unchanged
      }
      Path source = local.resolve(file.getKey());
      UploadOptions options = UploadOptions.DEFAULT.withCreateParents(true)
          .withMode(mode(source));
      window.acquire();   // at most IN_FLIGHT uploads at once
      uploads.add(vm.upload(source, remote + "/" + file.getKey(), options)
          .whenComplete((r, e) -> {
            window.release();
            if (r != null) {
              bytes.addAndGet(r.bytes());
            }
          }));
      sent++;
    }
    CompletableFuture.allOf(uploads.toArray(new CompletableFuture<?>[0])).join();

    // Last, so that an interrupted sync leaves the old manifest and sends more next time.
    StringBuilder manifest = new StringBuilder();
    want.forEach((path, sum) -> manifest.append(sum).append("  ").append(path).append('\n'));
    vm.upload(manifest.toString().getBytes(StandardCharsets.UTF_8), remote + "/" + MANIFEST,
        UploadOptions.DEFAULT.withCreateParents(true).withMode(0600)).join();

    out.printf("synced %s -> %s: %d files, %d sent (%d bytes), %d unchanged%n", local, remote,
        want.size(), sent, bytes.get(), want.size() - sent);
    return sent;
  }

  /** The manifest of the last sync, or nothing when there was none. */
  private static Map<String, String> readManifest(AgentClient vm, String remote) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      vm.download(remote + "/" + MANIFEST, buf, DownloadOptions.DEFAULT.withMaxBytes(16 << 20))
          .join();
    } catch (CompletionException e) {
      AgentException failure = AgentException.from(e);
      if (failure.code() == AgentException.Code.REMOTE_FAILURE) {
        return Map.of();   // no manifest yet (the guest says the file is not there)
      }
      throw failure;
    }
    Map<String, String> have = new TreeMap<>();
    for (String line : buf.toString(StandardCharsets.UTF_8).split("\n")) {
      int gap = line.indexOf("  ");
      if (gap > 0) {
        have.put(line.substring(gap + 2), line.substring(0, gap));
      }
    }
    return have;
  }

  private static Map<String, String> hashes(Path root) throws IOException {
    Map<String, String> sums = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
        String relative = root.relativize(p).toString().replace('\\', '/');
        sums.put(relative, sha256(p));
      }
    }
    return sums;
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The local file's permission bits, so scripts stay executable in the guest. */
  private static int mode(Path file) throws IOException {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      int mode = 0;
      for (PosixFilePermission p : perms) {
        mode |= 1 << (8 - p.ordinal());   // OWNER_READ is 0400 ... OTHERS_EXECUTE is 0001
      }
      return mode;
    } catch (UnsupportedOperationException e) {
      return 0644;
    }
  }

  private static Path sampleTree() throws IOException {
    Path root = Files.createTempDirectory("filesync-");
    Files.writeString(root.resolve("index.html"), "<h1>hello</h1>\n");
    Files.createDirectories(root.resolve("css"));
    Files.writeString(root.resolve("css/site.css"), "h1 { color: teal }\n");
    Files.createDirectories(root.resolve("bin"));
    Path script = Files.writeString(root.resolve("bin/deploy.sh"), "#!/bin/sh\necho deployed\n");
    script.toFile().setExecutable(true);
    return root;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(p);
      }
    }
  }
}
