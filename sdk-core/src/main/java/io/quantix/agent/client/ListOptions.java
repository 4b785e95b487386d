package io.quantix.agent.client;

import io.quantix.agent.internal.Checks;

/**
 * How to list a guest directory: whether dot-files are included, how many entries the first
 * request asks for, and an optional cap on the entries returned. Immutable.
 *
 * <pre>{@code
 * ListOptions opts = ListOptions.DEFAULT.withHidden(false).withLimit(500);
 * List<FileEntry> entries = client.files().list("/var/log", opts).join();
 * }</pre>
 */
public final class ListOptions {
  /** Entries asked for by the first request: 1,024. */
  public static final int DEFAULT_PAGE_SIZE = 1024;
  /** Largest first request: 65,536 entries. */
  public static final int MAX_PAGE_SIZE = 65_536;
  /** Defaults: every entry including dot-files, first page 1,024, no limit. */
  public static final ListOptions DEFAULT = new ListOptions(true, DEFAULT_PAGE_SIZE,
      Long.MAX_VALUE);

  private final boolean includeHidden;
  private final int pageSize;
  private final long limit;

  private ListOptions(boolean includeHidden, int pageSize, long limit) {
    this.includeHidden = includeHidden;
    this.pageSize = pageSize;
    this.limit = limit;
  }

  /** Whether names starting with '.' are listed (the agent skips them unless asked). */
  public ListOptions withHidden(boolean includeHidden) {
    return new ListOptions(includeHidden, pageSize, limit);
  }

  /**
   * The number of entries the first request asks for, 1..65,536. Later requests ask for twice as
   * many each (see {@link GuestFiles#stream(String, ListOptions)} for why).
   */
  public ListOptions withPageSize(int pageSize) {
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw Checks.invalid("page size must be 1.." + MAX_PAGE_SIZE + ", was " + pageSize);
    }
    return new ListOptions(includeHidden, pageSize, limit);
  }

  /** Stops after this many entries (at least 1). */
  public ListOptions withLimit(long limit) {
    if (limit < 1) {
      throw Checks.invalid("limit must be >= 1, was " + limit);
    }
    return new ListOptions(includeHidden, pageSize, limit);
  }

  /** Whether dot-files are listed. */
  public boolean includeHidden() {
    return includeHidden;
  }

  /** Entries asked for by the first request. */
  public int pageSize() {
    return pageSize;
  }

  /** The most entries returned; {@code Long.MAX_VALUE} for no limit. */
  public long limit() {
    return limit;
  }

  @Override
  public String toString() {
    return "ListOptions{hidden=" + includeHidden + ", pageSize=" + pageSize
        + (limit == Long.MAX_VALUE ? "" : ", limit=" + limit) + '}';
  }
}
