package io.quantix.agent.client.internal;

import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.Deadline;
import io.quantix.agent.client.FileEntry;
import io.quantix.agent.client.ListOptions;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.ListDirectoryRequest;
import io.quantix.agent.proto.ListDirectoryResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Drives a {@link DirectoryPager} over the wire, collected asynchronously or as a lazy stream. */
final class DirectoryListing {
  private final AgentClientImpl client;
  private final String path;
  private final ListOptions options;
  private final DirectoryPager pager;

  private DirectoryListing(AgentClientImpl client, String path, ListOptions options) {
    this.client = client;
    this.path = path;
    this.options = options;
    this.pager = new DirectoryPager(path, options.pageSize(), options.limit());
  }

  /** Every entry, sorted by name, under one deadline when the client has an explicit one. */
  static CompletableFuture<List<FileEntry>> collect(AgentClientImpl client, String path,
      ListOptions options) {
    DirectoryListing listing = new DirectoryListing(client, path, options);
    Deadline overall = client.options().hasExplicitDeadline() ? client.deadline() : null;
    CompletableFuture<List<FileEntry>> result = new CompletableFuture<>();
    List<FileEntry> all = new ArrayList<>();
    listing.collectFrom(overall, all, result);
    return result;
  }

  private void collectFrom(Deadline overall, List<FileEntry> all,
      CompletableFuture<List<FileEntry>> result) {
    CompletableFuture<List<FileEntry>> page = fetch(overall != null ? overall : client.deadline());
    result.whenComplete((r, e) -> page.cancel(false));
    page.whenComplete((fresh, e) -> {
      if (e != null) {
        result.completeExceptionally(AgentException.from(e));
        return;
      }
      all.addAll(fresh);
      if (pager.isDone()) {
        all.sort(Comparator.comparing(FileEntry::name));
        result.complete(List.copyOf(all));
      } else if (!result.isDone()) {
        collectFrom(overall, all, result);
      }
    });
  }

  /** A lazy stream: one page request each time the consumer has used up the entries so far. */
  static Stream<FileEntry> stream(AgentClientImpl client, String path, ListOptions options) {
    Pages pages = new DirectoryListing(client, path, options).new Pages();
    return StreamSupport.stream(pages, false).onClose(pages::close);
  }

  /** Sends the next page request; completes with the entries not seen before. */
  private CompletableFuture<List<FileEntry>> fetch(Deadline deadline) {
    int max;
    synchronized (pager) {
      try {
        max = pager.nextMaxEntries();
      } catch (AgentException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    AgentMessage request = AgentMessage.newBuilder().setListDirectory(
        ListDirectoryRequest.newBuilder().setPath(path).setIncludeHidden(options.includeHidden())
            .setMaxEntries(max)).build();
    return client.call(Operation.LIST_DIRECTORY, request, deadline, null, false, reply -> {
      ListDirectoryResponse r = reply.getListDirectoryResponse();
      Replies.requireSuccess("list " + path, r.getSuccess(), r.getError());
      List<FileEntry> entries = new ArrayList<>(r.getEntriesCount());
      for (io.quantix.agent.proto.DirectoryEntry e : r.getEntriesList()) {
        entries.add(GuestFilesImpl.entry(e));
      }
      synchronized (pager) {
        return pager.accept(max, entries, reply.getSerializedSize());
      }
    });
  }

  /** The stream's source: blocks for one page at a time. */
  private final class Pages extends Spliterators.AbstractSpliterator<FileEntry> {
    private final ArrayDeque<FileEntry> buffer = new ArrayDeque<>();
    private volatile CompletableFuture<List<FileEntry>> inFlight;
    private volatile boolean closed;

    Pages() {
      super(Long.MAX_VALUE, Spliterator.DISTINCT | Spliterator.NONNULL);
    }

    @Override
    public boolean tryAdvance(Consumer<? super FileEntry> action) {
      while (buffer.isEmpty()) {
        boolean done;
        synchronized (pager) {
          done = pager.isDone();
        }
        if (done || closed) {
          return false;
        }
        buffer.addAll(await(fetch(client.deadline())));
      }
      action.accept(buffer.poll());
      return true;
    }

    private List<FileEntry> await(CompletableFuture<List<FileEntry>> page) {
      inFlight = page;
      try {
        return page.get();
      } catch (InterruptedException e) {
        page.cancel(false);
        Thread.currentThread().interrupt();
        throw AgentException.of(Code.CANCELLED, "listing " + path + " interrupted", e);
      } catch (ExecutionException e) {
        throw AgentException.from(e.getCause());
      } catch (java.util.concurrent.CancellationException e) {
        throw AgentException.of(Code.CANCELLED, "listing " + path + " closed", e);
      } finally {
        inFlight = null;
      }
    }

    void close() {
      closed = true;
      CompletableFuture<List<FileEntry>> page = inFlight;
      if (page != null) {
        page.cancel(false);
      }
    }
  }
}
