package io.quantix.agent.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Directories and file metadata in the guest: stat, list, mkdir, delete. File contents move with
 * {@link AgentClient#upload} and {@link AgentClient#download}. Paths must be absolute and free of
 * NUL and {@code ..}; a bad path fails with INVALID_ARGUMENT before anything is sent. A
 * {@code success=false} reply fails with REMOTE_FAILURE carrying the guest's text (for example
 * "Path not found").
 *
 * <pre>{@code
 * GuestFiles files = client.files();
 * files.mkdir("/var/lib/app/cache", true, 0750).join();
 * try (Stream<FileEntry> s = files.stream("/var/log", ListOptions.DEFAULT)) {
 *   s.filter(e -> e.size() > 1 << 20).forEach(e -> System.out.println(e.path()));
 * }
 * }</pre>
 */
public interface GuestFiles {

  /**
   * Metadata of one path (symbolic links are followed). Idempotent: retried after a lost reply.
   * Capability {@code file_stat}.
   */
  CompletableFuture<FileEntry> stat(String path);

  /**
   * Every entry of a directory, dot-files included, sorted by name. Idempotent: retried after a
   * lost reply. See {@link #list(String, ListOptions)}.
   */
  default CompletableFuture<List<FileEntry>> list(String path) {
    return list(path, ListOptions.DEFAULT);
  }

  /**
   * The entries of a directory, sorted by name, each exactly once; paged as described in
   * {@link #stream(String, ListOptions)}. With an explicit timeout or deadline on the client it
   * covers the whole listing; otherwise each page request gets the default 30 s. Idempotent:
   * retried after a lost reply. Capability {@code file_list}.
   */
  CompletableFuture<List<FileEntry>> list(String path, ListOptions options);

  /**
   * The entries of a directory as a lazy stream that asks the agent for more only as it is
   * consumed. Each entry comes exactly once; entries are sorted within a page but pages overlap in
   * name order, so the stream as a whole is unordered (use {@link #list} for a sorted list).
   * Consuming it blocks the consuming thread on the agent's replies (never consume it on the SDK's
   * callback executor); a page fetch failure is thrown as an
   * {@link io.quantix.agent.AgentException} from the terminal operation; closing the stream cancels
   * a fetch in flight. Each page request gets its own timeout (or the client's fixed deadline).
   * Idempotent: retried after a lost reply.
   *
   * <p><b>Why pages grow instead of following the continuation token.</b> The agent takes entries
   * in {@code readdir} order, keeps those named after the token, cuts the list at
   * {@code max_entries}, and only then sorts it and returns the last name as the next token. A name
   * that sorts before that token but comes late in {@code readdir} order is skipped by every later
   * page, so token paging silently loses entries. Only a reply holding fewer entries than asked
   * for is known to be complete. This client therefore always asks from the start of the directory,
   * doubling {@code max_entries} after every full reply (1,024, 2,048, 4,096...) and passing on
   * only names it has not seen, until a reply comes back short: the listing is then complete, and
   * the bytes fetched are at most about twice the directory's listing. Should the next request's
   * reply risk the agent's 16 MiB frame limit (estimated from the bytes per entry so far, with a
   * 12 MiB budget: roughly 100,000 entries), the stream fails with RESOURCE_EXHAUSTED rather than
   * return an incomplete listing; list such directories with {@link AgentClient#exec} instead.
   * A directory that changes while it is listed gives no snapshot: entries added or removed
   * meanwhile may or may not appear.
   */
  Stream<FileEntry> stream(String path, ListOptions options);

  /**
   * Creates a directory; with {@code createParents} missing parents too (and an existing
   * directory is then no error). {@code mode} is the permission bits (e.g. {@code 0750}) applied
   * to the directory, 0 for the guest's default. Not idempotent: not retried once it may have
   * reached the agent, unless the client opts in. Capability {@code directory_create}.
   */
  CompletableFuture<Void> mkdir(String path, boolean createParents, int mode);

  /** {@code mkdir(path, true, 0)}: creates the directory and missing parents. Not idempotent. */
  default CompletableFuture<Void> mkdirs(String path) {
    return mkdir(path, true, 0);
  }

  /**
   * Deletes a file, a link or an empty directory. Not idempotent (a repeated delete fails with
   * "Path not found"): not retried once it may have reached the agent, unless the client opts
   * in. Capability {@code file_delete}.
   */
  CompletableFuture<Void> delete(String path);

  /**
   * Deletes a file or a directory with everything below it. Refuses a filesystem root
   * ({@code /}, {@code C:\}) with INVALID_ARGUMENT. Not idempotent, as {@link #delete}.
   */
  CompletableFuture<Void> deleteRecursively(String path);
}
