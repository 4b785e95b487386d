package io.quantix.agent.testkit.internal;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.DirectoryEntry;
import io.quantix.agent.proto.ListDirectoryRequest;
import io.quantix.agent.proto.ListDirectoryResponse;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * list_directory exactly as the agent pages it (wire document §3.4): entries in readdir order,
 * filtered to names greater than the continuation token, cut to max_entries, and only then sorted.
 * Because the cut happens before the sort, a page is not the smallest names after the token, and
 * paging with "last name of the page" as the next token can skip entries. A full page carries a
 * token (its last name after sorting); total_entries is the page size. Not API.
 */
final class DirectoryListing {
  private final Lazy<Sandbox, IOException> sandbox;

  DirectoryListing(Lazy<Sandbox, IOException> sandbox) {
    this.sandbox = sandbox;
  }

  AgentMessage list(AgentMessage request) {
    ListDirectoryRequest r = request.getListDirectory();
    ListDirectoryResponse.Builder response = ListDirectoryResponse.newBuilder();
    try {
      Path dir = sandbox.get().resolve(r.getPath());
      if (!Files.isDirectory(dir)) {
        throw new GuestError(Files.exists(dir)
            ? "Failed to read directory: Not a directory (os error 20)"
            : "Failed to read directory: No such file or directory (os error 2)");
      }
      List<DirectoryEntry> page = page(dir, r);
      response.setSuccess(true).addAllEntries(page).setTotalEntries(page.size());
      if (r.getMaxEntries() > 0 && page.size() == r.getMaxEntries()) {
        response.setContinuationToken(page.get(page.size() - 1).getName());
      }
    } catch (GuestError e) {
      response.setError(e.getMessage());
    } catch (IOException e) {
      response.setError("Failed to read directory: " + Sandbox.describe(e));
    }
    return Messages.replyTo(request).setListDirectoryResponse(response).build();
  }

  private static List<DirectoryEntry> page(Path dir, ListDirectoryRequest r) throws IOException {
    String token = r.getContinuationToken();
    String base = r.getPath().endsWith("/") ? r.getPath() : r.getPath() + "/";
    List<DirectoryEntry> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        String name = child.getFileName().toString();
        if (!r.getIncludeHidden() && name.startsWith(".")) {
          continue;
        }
        if (!token.isEmpty() && name.compareTo(token) <= 0) {
          continue;
        }
        entries.add(FileHandlers.entry(child, base + name));
        if (r.getMaxEntries() > 0 && entries.size() >= r.getMaxEntries()) {
          break;
        }
      }
    }
    entries.sort(Comparator.comparing(DirectoryEntry::getName));
    return entries;
  }
}
