package io.quantix.agent.client.internal;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.FileEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The paging state of one directory listing, free of I/O so it can be tested against a model of
 * the agent. The agent filters by token, truncates in readdir order and only then sorts, so a
 * token can skip names; only a reply shorter than {@code max_entries} is known to hold every
 * remaining name. So every request starts from the beginning (no token) and asks for twice as
 * many entries as the last full reply held; names already passed on are dropped; a short reply
 * ends the listing. Replies are kept under a byte budget estimated from the replies so far.
 */
final class DirectoryPager {
  /** Largest reply this pager will provoke: 12 MiB, leaving room under the 16 MiB frame limit. */
  static final long REPLY_BUDGET_BYTES = 12L * 1024 * 1024;

  private final String path;
  private final long limit;
  private final long budget;
  private final Set<String> seen = new HashSet<>();
  private int nextMax;
  private long emitted;
  private boolean complete;
  private int requests;
  private AgentException overflow;

  DirectoryPager(String path, int firstPage, long limit) {
    this(path, firstPage, limit, REPLY_BUDGET_BYTES);
  }

  DirectoryPager(String path, int firstPage, long limit, long budget) {
    this.path = path;
    this.limit = limit;
    this.budget = budget;
    this.nextMax = (int) Math.min(firstPage, limit);
  }

  /** Whether no further request is needed. */
  boolean isDone() {
    return complete || emitted >= limit;
  }

  /**
   * The {@code max_entries} of the next request (always from the start, no token).
   *
   * @throws AgentException RESOURCE_EXHAUSTED if a complete listing would not fit the frame budget
   */
  int nextMaxEntries() {
    if (overflow != null) {
      throw overflow;
    }
    return nextMax;
  }

  /** Requests answered so far. */
  int requests() {
    return requests;
  }

  /**
   * Takes the reply to a request for {@code requested} entries and returns the entries not passed
   * on before, in the reply's order, up to the limit.
   *
   * @param replyBytes the serialized size of the reply, to keep the next one under the budget
   * @throws AgentException PROTOCOL if the agent returned more than asked for
   */
  List<FileEntry> accept(int requested, List<FileEntry> entries, long replyBytes) {
    requests++;
    if (entries.size() > requested) {
      throw AgentException.of(Code.PROTOCOL, "listing " + path + ": asked for " + requested
          + " entries, the agent returned " + entries.size());
    }
    List<FileEntry> fresh = new ArrayList<>();
    for (FileEntry e : entries) {
      if (emitted >= limit) {
        break;
      }
      if (seen.add(e.name())) {
        fresh.add(e);
        emitted++;
      }
    }
    if (entries.size() < requested) {
      complete = true;
    } else if (emitted < limit) {
      grow(requested, entries.size(), replyBytes);
    }
    return fresh;
  }

  private void grow(int requested, int count, long replyBytes) {
    long perEntry = Math.max(1, replyBytes / Math.max(1, count));
    long byBudget = budget / perEntry;
    if (byBudget <= requested) {
      overflow = AgentException.of(Code.RESOURCE_EXHAUSTED, "listing " + path + ": more than "
          + requested + " entries; the agent's paging can skip entries, and a complete listing "
          + "(about " + perEntry + " bytes per entry) would not fit its 16 MiB frame; "
          + "list it with exec instead");
      return;
    }
    long next = Math.min(Math.min(2L * requested, byBudget), limit);
    nextMax = (int) Math.min(next, Integer.MAX_VALUE);
  }
}
