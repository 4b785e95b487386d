package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.DirectoryEntry;
import io.quantix.agent.proto.ListDirectoryRequest;
import io.quantix.agent.proto.ListDirectoryResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(ResourceLeakCheck.class)
class DirectoryListingTest {

  static ListDirectoryResponse list(HostConnection host, ListDirectoryRequest.Builder request) throws Exception {
    return host.call(HostConnection.request(AgentMessage.newBuilder().setListDirectory(request))).getListDirectoryResponse();
  }

  /** The agent's algorithm, computed from the real readdir order: filter, cut, then sort. */
  static List<String> expectedPage(List<String> readdirOrder, String token, int max) {
    List<String> page = new ArrayList<>();
    for (String name : readdirOrder) {
      if (name.startsWith(".") || (!token.isEmpty() && name.compareTo(token) <= 0)) {
        continue;
      }
      page.add(name);
      if (page.size() == max) {
        break;
      }
    }
    page.sort(null);
    return page;
  }

  @Test
  void pagingFiltersCutsThenSortsAndCanSkipEntries(@TempDir Path sandbox) throws Exception {
    Path dir = Files.createDirectories(sandbox.resolve("data"));
    for (int i = 0; i < 40; i++) {
      Files.writeString(dir.resolve(String.format("file-%02d", i)), "x".repeat(i));
    }
    Files.writeString(dir.resolve(".hidden"), "h");
    List<String> readdir = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(p -> readdir.add(p.getFileName().toString()));
    }
    try (FakeGuestAgent agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).sandbox(sandbox).build().start();
        HostConnection host = HostConnection.open(agent)) {
      host.next();
      TreeSet<String> seen = new TreeSet<>();
      String token = "";
      int pages = 0;
      do {
        ListDirectoryResponse page = list(host, ListDirectoryRequest.newBuilder().setPath("/data").setMaxEntries(7)
            .setContinuationToken(token));
        List<String> names = page.getEntriesList().stream().map(DirectoryEntry::getName).toList();
        assertThat(page.getSuccess()).isTrue();
        assertThat(names).isEqualTo(expectedPage(readdir, token, 7)).isSorted();
        assertThat(page.getTotalEntries()).isEqualTo(names.size());
        assertThat(page.getContinuationToken()).isEqualTo(names.size() == 7 ? names.get(6) : "");
        assertThat(page.getEntries(0).getPath()).isEqualTo("/data/" + names.get(0));
        seen.addAll(names);
        token = page.getContinuationToken();
        pages++;
      } while (!token.isEmpty() && pages < 50);

      ListDirectoryResponse all = list(host, ListDirectoryRequest.newBuilder().setPath("/data"));
      assertThat(all.getEntriesCount()).isEqualTo(40);
      assertThat(all.getContinuationToken()).isEmpty();
      assertThat(all.getEntriesList().stream().map(DirectoryEntry::getName).toList()).isSorted();
      assertThat(list(host, ListDirectoryRequest.newBuilder().setPath("/data").setIncludeHidden(true))
          .getEntriesList()).extracting(DirectoryEntry::getName).contains(".hidden").hasSize(41);
      ListDirectoryResponse notDir = list(host, ListDirectoryRequest.newBuilder().setPath("/data/file-01"));
      assertThat(notDir.getSuccess()).isFalse();
      assertThat(notDir.getError()).contains("Not a directory");

      List<String> visible = readdir.stream().filter(n -> !n.startsWith(".")).toList();
      assumeFalse(visible.equals(visible.stream().sorted().toList()), "this filesystem lists names in sorted order");
      assertThat(seen).as("paging with the agent's quirk skips entries").hasSizeLessThan(40);
    }
  }
}
