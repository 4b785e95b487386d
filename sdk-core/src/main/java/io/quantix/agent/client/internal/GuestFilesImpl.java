package io.quantix.agent.client.internal;

import io.quantix.agent.internal.Checks;
import io.quantix.agent.AgentException;
import io.quantix.agent.client.FileEntry;
import io.quantix.agent.client.GuestFiles;
import io.quantix.agent.client.ListOptions;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.CreateDirectoryRequest;
import io.quantix.agent.proto.CreateDirectoryResponse;
import io.quantix.agent.proto.DirectoryEntry;
import io.quantix.agent.proto.FileDeleteRequest;
import io.quantix.agent.proto.FileDeleteResponse;
import io.quantix.agent.proto.FileStatRequest;
import io.quantix.agent.proto.FileStatResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** {@link GuestFiles} over one client view. */
final class GuestFilesImpl implements GuestFiles {
  private final AgentClientImpl client;

  GuestFilesImpl(AgentClientImpl client) {
    this.client = client;
  }

  static FileEntry entry(DirectoryEntry e) {
    return new FileEntry(e.getName(), e.getPath(),
        FileEntry.typeOf(e.getIsDirectory(), e.getIsSymlink(), e.getMode()), e.getSizeBytes(),
        e.getMode(), Replies.instant(e.hasModifiedAt(), e.getModifiedAt()),
        Replies.instant(e.hasCreatedAt(), e.getCreatedAt()), e.getOwner(), e.getGroup(),
        e.getSymlinkTarget());
  }

  @Override
  public CompletableFuture<FileEntry> stat(String path) {
    return Replies.guarded(() -> {
      Checks.absolutePath(path, "path");
      AgentMessage request = AgentMessage.newBuilder()
          .setFileStat(FileStatRequest.newBuilder().setPath(path)).build();
      return client.call(Operation.FILE_STAT, request, reply -> {
        FileStatResponse r = reply.getFileStatResponse();
        // An entry-less reply with the guest's error text is a failure whatever its flag says.
        Replies.requireSuccess("stat " + path, r.getSuccess() && (r.hasEntry()
            || r.getError().isEmpty()), r.getError());
        if (!r.hasEntry()) {
          throw AgentException.of(AgentException.Code.PROTOCOL,
              "stat " + path + ": the agent reported success without an entry");
        }
        return entry(r.getEntry());
      });
    });
  }

  @Override
  public CompletableFuture<List<FileEntry>> list(String path, ListOptions options) {
    return Replies.guarded(() -> {
      Checks.absolutePath(path, "path");
      Checks.notNull(options, "options");
      return DirectoryListing.collect(client, path, options);
    });
  }

  @Override
  public Stream<FileEntry> stream(String path, ListOptions options) {
    Checks.absolutePath(path, "path");
    Checks.notNull(options, "options");
    return DirectoryListing.stream(client, path, options);
  }

  @Override
  public CompletableFuture<Void> mkdir(String path, boolean createParents, int mode) {
    return Replies.guarded(() -> {
      Checks.absolutePath(path, "path");
      OpChecks.mode(mode);
      AgentMessage request = AgentMessage.newBuilder().setCreateDirectory(
          CreateDirectoryRequest.newBuilder().setPath(path).setCreateParents(createParents)
              .setMode(mode)).build();
      return client.call(Operation.CREATE_DIRECTORY, request, reply -> {
        CreateDirectoryResponse r = reply.getCreateDirectoryResponse();
        Replies.requireSuccess("mkdir " + path, r.getSuccess(), r.getError());
        return null;
      });
    });
  }

  @Override
  public CompletableFuture<Void> delete(String path) {
    return Replies.guarded(() -> delete(Checks.absolutePath(path, "path"), false));
  }

  @Override
  public CompletableFuture<Void> deleteRecursively(String path) {
    return Replies.guarded(() -> delete(OpChecks.notRoot(path, "path"), true));
  }

  private CompletableFuture<Void> delete(String path, boolean recursive) {
    AgentMessage request = AgentMessage.newBuilder().setFileDelete(
        FileDeleteRequest.newBuilder().setPath(path).setRecursive(recursive)).build();
    return client.call(Operation.FILE_DELETE, request, reply -> {
      FileDeleteResponse r = reply.getFileDeleteResponse();
      Replies.requireSuccess("delete " + path, r.getSuccess(), r.getError());
      return null;
    });
  }
}
