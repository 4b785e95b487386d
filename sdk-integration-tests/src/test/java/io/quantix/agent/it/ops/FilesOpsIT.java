package io.quantix.agent.it.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.FileEntry;
import io.quantix.agent.client.GuestFiles;
import io.quantix.agent.client.ListOptions;
import io.quantix.agent.it.Harness;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.ListDirectoryRequest;
import io.quantix.agent.testkit.Fault;
import io.quantix.agent.testkit.ScriptedReply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** files(): stat, list (complete despite the agent's paging), stream, mkdir, delete. */
class FilesOpsIT {
  private Harness h;
  private GuestFiles files;

  @BeforeEach
  void setUp() {
    h = new Harness().awaitConnected();
    files = h.client.files();
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  /** Creates {@code count} files in the guest directory {@code dir} (plus one dot-file). */
  private Set<String> populate(String dir, int count) throws Exception {
    Path d = h.agent.sandbox().resolve(dir.substring(1));
    Files.createDirectories(d);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < count; i++) {
      String name = "file-" + Integer.toString(i * 7919 % 10007, 36) + "-" + i;
      Files.write(d.resolve(name), new byte[i % 5]);
      names.add(name);
    }
    Files.write(d.resolve(".hidden"), new byte[1]);
    return names;
  }

  @Test
  void statDescribesFilesAndDirectories() throws Exception {
    Path etc = h.agent.sandbox().resolve("etc");
    Files.createDirectories(etc);
    Files.writeString(etc.resolve("hostname"), "vm\n");
    Files.setPosixFilePermissions(etc.resolve("hostname"),
        PosixFilePermissions.fromString("rw-r-----"));
    FileEntry f = files.stat("/etc/hostname").join();
    assertThat(f.name()).isEqualTo("hostname");
    assertThat(f.path()).isEqualTo("/etc/hostname");
    assertThat(f.type()).isEqualTo(FileEntry.Type.FILE);
    assertThat(f.size()).isEqualTo(3);
    assertThat(f.permissions()).isEqualTo(0640);
    assertThat(f.modifiedAt()).isNotNull();
    assertThat(files.stat("/etc").join().isDirectory()).isTrue();

    AgentException missing = Ops.failure(files.stat("/etc/nope"));
    assertThat(missing.code()).isEqualTo(Code.REMOTE_FAILURE);
    assertThat(missing.remoteMessage()).get().asString().isNotBlank();
  }

  @Test
  void listIsCompleteAndSortedAlthoughTheAgentsPagesSkipEntries() throws Exception {
    Set<String> names = populate("/data", 500);
    List<FileEntry> listed = files.list("/data", ListOptions.DEFAULT.withPageSize(16)).join();
    List<String> got = listed.stream().map(FileEntry::name).collect(Collectors.toList());
    Set<String> expected = new HashSet<>(names);
    expected.add(".hidden");
    assertThat(got).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    assertThat(got).isSorted();
    assertThat(listed.get(0).path()).startsWith("/data/");

    List<AgentMessage> sent = Ops.drain(h.agent, PayloadCase.LIST_DIRECTORY);
    assertThat(sent).extracting(m -> m.getListDirectory().getContinuationToken())
        .containsOnly("");
    assertThat(sent).extracting(m -> m.getListDirectory().getMaxEntries())
        .containsExactly(16, 32, 64, 128, 256, 512);
  }

  @Test
  void hiddenEntriesCanBeLeftOut() throws Exception {
    populate("/h", 5);
    List<FileEntry> listed = files.list("/h", ListOptions.DEFAULT.withHidden(false)).join();
    assertThat(listed).extracting(FileEntry::name).hasSize(5).noneMatch(n -> n.startsWith("."));
    ListDirectoryRequest sent = Ops.drain(h.agent, PayloadCase.LIST_DIRECTORY).get(0)
        .getListDirectory();
    assertThat(sent.getIncludeHidden()).isFalse();
    assertThat(sent.getMaxEntries()).isEqualTo(ListOptions.DEFAULT_PAGE_SIZE);
  }

  @Test
  void streamIsLazyAndStillComplete() throws Exception {
    Set<String> names = populate("/lazy", 300);
    try (Stream<FileEntry> s = files.stream("/lazy", ListOptions.DEFAULT.withPageSize(10))) {
      List<String> first = s.limit(5).map(FileEntry::name).collect(Collectors.toList());
      assertThat(first).hasSize(5);
    }
    assertThat(Ops.drain(h.agent, PayloadCase.LIST_DIRECTORY)).hasSize(1);

    List<String> all;
    try (Stream<FileEntry> s = files.stream("/lazy", ListOptions.DEFAULT.withPageSize(10)
        .withHidden(false))) {
      all = s.map(FileEntry::name).collect(Collectors.toList());
    }
    assertThat(all).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(names);
  }

  @Test
  void limitStopsTheListing() throws Exception {
    populate("/many", 100);
    List<FileEntry> listed = files.list("/many", ListOptions.DEFAULT.withPageSize(8).withLimit(20))
        .join();
    assertThat(listed).hasSize(20);
    assertThat(Ops.drain(h.agent, PayloadCase.LIST_DIRECTORY))
        .extracting(m -> m.getListDirectory().getMaxEntries()).containsExactly(8, 16, 20);
  }

  @Test
  void listFailuresCarryTheGuestsText() {
    AgentException e = Ops.failure(files.list("/no/such/dir"));
    assertThat(e.code()).isEqualTo(Code.REMOTE_FAILURE);
    assertThat(e.remoteMessage()).get().asString().contains("No such file");
    try (Stream<FileEntry> s = files.stream("/no/such/dir", ListOptions.DEFAULT)) {
      assertThatThrownBy(s::count).isInstanceOfSatisfying(AgentException.class,
          x -> assertThat(x.code()).isEqualTo(Code.REMOTE_FAILURE));
    }
  }

  @Test
  void listPagesAreRetriedAfterALostReply() throws Exception {
    populate("/retry", 3);
    h.agent.enqueue(PayloadCase.LIST_DIRECTORY, ScriptedReply.fault(Fault.closeBeforeReply()));
    assertThat(files.list("/retry").join()).hasSize(4);
    assertThat(Ops.drain(h.agent, PayloadCase.LIST_DIRECTORY)).hasSize(2);
  }

  @Test
  void mkdirCreatesWithParentsAndMode() throws Exception {
    files.mkdir("/srv/app/cache", true, 0750).join();
    Path made = h.agent.sandbox().resolve("srv/app/cache");
    assertThat(Files.isDirectory(made)).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(made)))
        .isEqualTo("rwxr-x---");
    files.mkdirs("/srv/app/cache").join();
    AgentMessage sent = Ops.drain(h.agent, PayloadCase.CREATE_DIRECTORY).get(0);
    assertThat(sent.getCreateDirectory().getCreateParents()).isTrue();
    assertThat(sent.getCreateDirectory().getMode()).isEqualTo(0750);

    AgentException exists = Ops.failure(files.mkdir("/srv/app", false, 0));
    assertThat(exists.code()).isEqualTo(Code.REMOTE_FAILURE);
    AgentException noParent = Ops.failure(files.mkdir("/a/b/c", false, 0));
    assertThat(noParent.code()).isEqualTo(Code.REMOTE_FAILURE);
  }

  @Test
  void deleteRemovesFilesAndTreesButNeverTheRoot() throws Exception {
    populate("/tree/sub", 3);
    Files.write(h.agent.sandbox().resolve("single"), new byte[1]);
    files.delete("/single").join();
    assertThat(Files.exists(h.agent.sandbox().resolve("single"))).isFalse();
    AgentException notEmpty = Ops.failure(files.delete("/tree"));
    assertThat(notEmpty.code()).isEqualTo(Code.REMOTE_FAILURE);
    files.deleteRecursively("/tree").join();
    assertThat(Files.exists(h.agent.sandbox().resolve("tree"))).isFalse();
    AgentException again = Ops.failure(files.delete("/single"));
    assertThat(again.code()).isEqualTo(Code.REMOTE_FAILURE);
    assertThat(again.mayHaveRun()).isTrue();

    long before = h.agent.requestCount();
    assertThat(Ops.failure(files.deleteRecursively("/")).code()).isEqualTo(Code.INVALID_ARGUMENT);
    assertThat(h.agent.requestCount()).isEqualTo(before);
  }

  @Test
  void badPathsAndModesFailBeforeAnyIo() {
    long before = h.agent.requestCount();
    List<CompletableFuture<?>> calls = new ArrayList<>(List.of(
        files.stat("relative"), files.stat(null), files.stat("/a/\0b"), files.stat("/a/../b"),
        files.list("etc"), files.list("/etc", null), files.mkdir("/x", true, 010000),
        files.mkdir("/x", true, -1), files.delete(".."), files.deleteRecursively("C:\\")));
    for (CompletableFuture<?> c : calls) {
      assertThat(Ops.failure(c).code()).isEqualTo(Code.INVALID_ARGUMENT);
    }
    assertThatThrownBy(() -> files.stream("rel", ListOptions.DEFAULT))
        .isInstanceOfSatisfying(AgentException.class,
            e -> assertThat(e.code()).isEqualTo(Code.INVALID_ARGUMENT));
    assertThat(h.agent.requestCount()).isEqualTo(before);
  }

  @Test
  void aLostDeleteIsNotRetried() throws Exception {
    Files.write(h.agent.sandbox().resolve("once"), new byte[1]);
    h.agent.enqueue(PayloadCase.FILE_DELETE, ScriptedReply.fault(Fault.closeBeforeReply()));
    AgentException lost = Ops.failure(files.delete("/once"));
    assertThat(lost.code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(lost.mayHaveRun()).isTrue();
    assertThat(Ops.drain(h.agent, PayloadCase.FILE_DELETE)).hasSize(1);
  }
}
