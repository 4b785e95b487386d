package io.quantix.agent.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantix.agent.transport.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolvers over real socket files: libvirt's directories matched exactly, chains, discovery. */
class EndpointResolverTest {
  @TempDir Path tmp;

  /** A socket file nobody listens on (what a stopped QEMU leaves behind). */
  private static Path socketFile(Path path) throws IOException {
    Files.createDirectories(path.getParent());
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
    }
    return path;
  }

  private static List<Endpoint> unix(Path... paths) {
    return java.util.Arrays.stream(paths).map(Endpoint::unix).map(e -> (Endpoint) e).toList();
  }

  @Test
  void libvirtMatchesTheDomainNameExactlyNeverAsASubstring() throws IOException {
    Path root = tmp.resolve("channel");
    Path vm1 = socketFile(root.resolve("domain-3-vm1/org.quantix.agent.0"));
    Path vm10 = socketFile(root.resolve("domain-4-vm10/org.quantix.agent.0"));
    socketFile(root.resolve("domain-5-xvm1/org.quantix.agent.0"));
    socketFile(root.resolve("domain-6-vm1x/org.quantix.agent.0"));
    EndpointResolver libvirt = EndpointResolver.libvirt(List.of(root));

    assertThat(libvirt.resolve("vm1")).isEqualTo(unix(vm1));
    assertThat(libvirt.resolve("vm10")).isEqualTo(unix(vm10));
    assertThat(libvirt.resolve("vm")).isEmpty();
    assertThat(libvirt.resolve("3-vm1")).isEmpty();
    assertThat(libvirt.resolve("domain-3-vm1")).isEmpty();
  }

  @Test
  void libvirtFindsALongNameByTheTwentyCharacterPrefixLibvirtKeeps() throws IOException {
    Path root = tmp.resolve("channel");
    String uuidName = "0f8fad5b-d9cb-469f-a165-70867728950e";
    Path cut = socketFile(root.resolve("domain-5-0f8fad5b-d9cb-469f-a/org.quantix.agent.0"));
    String unicodeName = "Überwachung-Datenbank-primär";
    Path unicodeCut = socketFile(root.resolve("6-Überwachung-Datenban/org.quantix.agent.0"));
    EndpointResolver libvirt = EndpointResolver.libvirt(List.of(root));

    assertThat(libvirt.resolve(uuidName)).isEqualTo(unix(cut));
    assertThat(libvirt.resolve(unicodeName)).isEqualTo(unix(unicodeCut));
    assertThat(libvirt.resolve("0f8fad5b-d9cb-469f-a")).as("a 20-character name is its own short name")
        .isEqualTo(unix(cut));
    assertThat(libvirt.resolve("0f8fad5b-d9cb-469f")).isEmpty();
  }

  @Test
  void libvirtChoosesNoneWhenTheCutNameMatchesSeveralDomains() throws IOException {
    Path root = tmp.resolve("channel");
    socketFile(root.resolve("domain-5-customer-database-re/org.quantix.agent.0"));
    socketFile(root.resolve("domain-6-customer-database-re/org.quantix.agent.0"));
    EndpointResolver libvirt = EndpointResolver.libvirt(List.of(root));

    assertThat(libvirt.resolve("customer-database-replica-1")).isEmpty();
    assertThat(libvirt.resolve("customer-database-replica-2")).isEmpty();
  }

  @Test
  void libvirtAcceptsTheShortFormNamesWithDashesAndTheLegacyPortName() throws IOException {
    Path root = tmp.resolve("channel");
    Path shortForm = socketFile(root.resolve("12-web-01/org.quantix.agent.0"));
    Path legacy = socketFile(root.resolve("domain-7-db-2/org.limiquantix.agent.0"));
    Path numericName = socketFile(root.resolve("domain-8-42/org.quantix.agent.0"));
    EndpointResolver libvirt = EndpointResolver.libvirt(List.of(root));

    assertThat(libvirt.resolve("web-01")).isEqualTo(unix(shortForm));
    assertThat(libvirt.resolve("db-2")).isEqualTo(unix(legacy));
    assertThat(libvirt.resolve("42")).isEqualTo(unix(numericName));
    assertThat(libvirt.resolve("01")).isEmpty();
  }

  @Test
  void libvirtListsTheNewestDomainFirstThenTheOtherRootAndTheLegacyName() throws IOException {
    Path run = tmp.resolve("run");
    Path target = tmp.resolve("target");
    Path old = socketFile(run.resolve("domain-2-vm/org.quantix.agent.0"));
    Path newest = socketFile(run.resolve("domain-9-vm/org.quantix.agent.0"));
    Path newestLegacy = socketFile(run.resolve("domain-9-vm/org.limiquantix.agent.0"));
    Path otherRoot = socketFile(target.resolve("domain-9-vm/org.quantix.agent.0"));
    Files.createDirectories(run.resolve("domain-11-vm"));
    Files.writeString(run.resolve("domain-11-vm/org.quantix.agent.0"), "not a socket");
    EndpointResolver libvirt = EndpointResolver.libvirt(List.of(run, target));

    assertThat(libvirt.resolve("vm")).isEqualTo(unix(newest, newestLegacy, otherRoot, old));
  }

  @Test
  void libvirtSkipsMissingRootsAndRejectsIdsThatCannotNameAFile() {
    EndpointResolver libvirt = EndpointResolver.libvirt(List.of(tmp.resolve("missing")));
    assertThat(libvirt.resolve("vm1")).isEmpty();
    assertThatThrownBy(() -> libvirt.resolve("../vm1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void firstExistingTakesTheFirstSocketThatExistsElseThePrimaryPath() throws IOException {
    Path quantix = tmp.resolve("vms");
    Path root = tmp.resolve("channel");
    Path libvirtVm2 = socketFile(root.resolve("domain-1-vm2/org.quantix.agent.0"));
    Path quantixVm3 = socketFile(quantix.resolve("vm3.agent.sock"));
    socketFile(root.resolve("domain-2-vm3/org.quantix.agent.0"));
    EndpointResolver chain = EndpointResolver.firstExisting(EndpointResolver.directory(quantix),
        EndpointResolver.libvirt(List.of(root)));

    // Nothing anywhere: the Quantix path, so that the status names the path looked for.
    assertThat(chain.resolve("vm1")).isEqualTo(unix(quantix.resolve("vm1.agent.sock")));
    assertThat(chain.resolve("vm2")).isEqualTo(unix(libvirtVm2));
    assertThat(chain.resolve("vm3")).isEqualTo(unix(quantixVm3));
  }

  @Test
  void firstExistingSkipsResolversThatRejectTheIdUnlessAllDo() {
    Endpoint vsock = Endpoint.vsock(7, 9443);
    EndpointResolver chain = EndpointResolver.firstExisting(
        EndpointResolver.explicit(Map.of("a", List.of(vsock))),
        EndpointResolver.libvirt(List.of(tmp)));
    assertThat(chain.resolve("a")).containsExactly(vsock);
    assertThat(chain.resolve("b")).isEmpty();
    EndpointResolver rejecting = EndpointResolver.firstExisting(
        EndpointResolver.explicit(Map.of()), EndpointResolver.explicit(Map.of()));
    assertThatThrownBy(() -> rejecting.resolve("b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void standardLooksAtTheQuantixLayoutFirst() {
    List<Endpoint> missing = EndpointResolver.standard().resolve("no-such-vm-" + System.nanoTime());
    assertThat(missing).hasSize(1);
    assertThat(((Endpoint.Unix) missing.get(0)).path().getParent())
        .isEqualTo(EndpointResolver.QUANTIX_SOCKET_DIR);
  }

  @Test
  void discoverFindsEverySocketNamedAfterAVmAndNothingElse() throws IOException {
    Path a = socketFile(tmp.resolve("vm-a.agent.sock"));
    Path b = socketFile(tmp.resolve("vm-b.agent.sock"));
    socketFile(tmp.resolve("other.sock"));
    socketFile(tmp.resolve(".agent.sock"));
    Files.writeString(tmp.resolve("regular.agent.sock"), "not a socket");
    Files.createDirectories(tmp.resolve("dir.agent.sock"));

    assertThat(EndpointResolver.discover(tmp))
        .containsExactly(Map.entry("vm-a", Endpoint.unix(a)), Map.entry("vm-b", Endpoint.unix(b)));
  }

  @Test
  void discoverOfAMissingDirectoryFails() {
    assertThatThrownBy(() -> EndpointResolver.discover(tmp.resolve("missing")))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("missing");
  }
}
