package io.quantix.agent.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.FileEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DirectoryPagerTest {
  private static final int BYTES_PER_ENTRY = 100;

  /** The agent's list_directory: readdir order, filter by token, cut, THEN sort. */
  private static List<FileEntry> agentPage(List<String> readdirOrder, String token, int max) {
    List<FileEntry> page = new ArrayList<>();
    for (String name : readdirOrder) {
      if (!token.isEmpty() && name.compareTo(token) <= 0) {
        continue;
      }
      if (max > 0 && page.size() >= max) {
        break;
      }
      page.add(entry(name));
    }
    page.sort(Comparator.comparing(FileEntry::name));
    return page;
  }

  private static FileEntry entry(String name) {
    return new FileEntry(name, "/d/" + name, FileEntry.Type.FILE, 1, 0100644, null, null, "root",
        "root", "");
  }

  private static List<String> directory(int size, long seed) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      names.add(String.format("f%05d", i));
    }
    Collections.shuffle(names, new Random(seed));
    return names;
  }

  /** Runs the pager against the model; returns what it passed on, in order. */
  private static List<String> drive(DirectoryPager pager, List<String> readdirOrder) {
    List<String> out = new ArrayList<>();
    while (!pager.isDone()) {
      int max = pager.nextMaxEntries();
      List<FileEntry> page = agentPage(readdirOrder, "", max);
      for (FileEntry e : pager.accept(max, page, (long) page.size() * BYTES_PER_ENTRY)) {
        out.add(e.name());
      }
    }
    return out;
  }

  @Test
  void tokenPagingAsTheAgentDefinesItLosesEntries() {
    List<String> dir = directory(1000, 7);
    Set<String> seen = new HashSet<>();
    String token = "";
    while (true) {
      List<FileEntry> page = agentPage(dir, token, 100);
      page.forEach(e -> seen.add(e.name()));
      if (page.size() < 100) {
        break;
      }
      token = page.get(page.size() - 1).name();
    }
    assertThat(seen).hasSizeLessThan(1000);
  }

  @Test
  void everyEntryComesExactlyOnceWhateverTheReaddirOrder() {
    for (long seed = 0; seed < 20; seed++) {
      for (int size : new int[] {0, 1, 99, 100, 101, 1000, 5000}) {
        List<String> dir = directory(size, seed);
        DirectoryPager pager = new DirectoryPager("/d", 100, Long.MAX_VALUE);
        List<String> out = drive(pager, dir);
        assertThat(out).as("size %d seed %d", size, seed).hasSize(size)
            .containsExactlyInAnyOrderElementsOf(dir);
      }
    }
  }

  @Test
  void pagesDoubleSoTheWorkStaysWithinTwiceTheListing() {
    List<String> dir = directory(5000, 3);
    DirectoryPager pager = new DirectoryPager("/d", 100, Long.MAX_VALUE);
    List<Integer> asked = new ArrayList<>();
    long fetched = 0;
    while (!pager.isDone()) {
      int max = pager.nextMaxEntries();
      asked.add(max);
      List<FileEntry> page = agentPage(dir, "", max);
      fetched += page.size();
      pager.accept(max, page, (long) page.size() * BYTES_PER_ENTRY);
    }
    assertThat(asked).containsExactly(100, 200, 400, 800, 1600, 3200, 6400);
    assertThat(fetched).isLessThan(3L * 5000);
  }

  @Test
  void aShortFirstReplyEndsTheListingInOneRequest() {
    DirectoryPager pager = new DirectoryPager("/d", 1024, Long.MAX_VALUE);
    List<String> out = drive(pager, directory(10, 1));
    assertThat(out).hasSize(10);
    assertThat(pager.requests()).isEqualTo(1);
  }

  @Test
  void theLimitStopsTheListingAndCapsTheRequests() {
    List<String> dir = directory(1000, 5);
    DirectoryPager pager = new DirectoryPager("/d", 100, 250);
    List<Integer> asked = new ArrayList<>();
    List<String> out = new ArrayList<>();
    while (!pager.isDone()) {
      int max = pager.nextMaxEntries();
      asked.add(max);
      List<FileEntry> page = agentPage(dir, "", max);
      pager.accept(max, page, (long) page.size() * BYTES_PER_ENTRY).forEach(e -> out.add(e.name()));
    }
    assertThat(out).hasSize(250).doesNotHaveDuplicates();
    assertThat(asked).containsExactly(100, 200, 250);
    DirectoryPager small = new DirectoryPager("/d", 1024, 5);
    assertThat(small.nextMaxEntries()).isEqualTo(5);
  }

  @Test
  void aListingThatCannotFitTheFrameFailsInsteadOfSkipping() {
    List<String> dir = directory(1000, 9);
    // A budget of 30,000 bytes at 100 bytes per entry allows replies of 300 entries at most.
    DirectoryPager pager = new DirectoryPager("/d", 100, Long.MAX_VALUE, 30_000);
    List<String> out = new ArrayList<>();
    assertThatThrownBy(() -> {
      while (!pager.isDone()) {
        int max = pager.nextMaxEntries();
        List<FileEntry> page = agentPage(dir, "", max);
        pager.accept(max, page, (long) page.size() * BYTES_PER_ENTRY)
            .forEach(e -> out.add(e.name()));
      }
    }).isInstanceOfSatisfying(AgentException.class,
        e -> assertThat(e.code()).isEqualTo(Code.RESOURCE_EXHAUSTED));
    assertThat(out).hasSize(300).doesNotHaveDuplicates();
  }

  @Test
  void moreEntriesThanAskedForIsAProtocolError() {
    DirectoryPager pager = new DirectoryPager("/d", 2, Long.MAX_VALUE);
    assertThatThrownBy(() -> pager.accept(2, List.of(entry("a"), entry("b"), entry("c")), 300))
        .isInstanceOfSatisfying(AgentException.class,
            e -> assertThat(e.code()).isEqualTo(Code.PROTOCOL));
  }

  @Test
  void entriesAddedBetweenRequestsStillComeOnce() {
    List<String> dir = new ArrayList<>(directory(300, 11));
    DirectoryPager pager = new DirectoryPager("/d", 100, Long.MAX_VALUE);
    Set<String> out = new HashSet<>();
    int added = 0;
    while (!pager.isDone()) {
      int max = pager.nextMaxEntries();
      List<FileEntry> page = agentPage(dir, "", max);
      for (FileEntry e : pager.accept(max, page, (long) page.size() * BYTES_PER_ENTRY)) {
        assertThat(out.add(e.name())).isTrue();
      }
      dir.add(0, "new" + added++);
    }
    assertThat(out).containsAll(dir.subList(added, dir.size()));
  }
}
