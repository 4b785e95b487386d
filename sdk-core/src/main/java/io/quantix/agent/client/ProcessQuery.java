package io.quantix.agent.client;

import io.quantix.agent.internal.Checks;

/**
 * Which processes to list: a name filter, whether threads are included, and a cap. Immutable.
 *
 * <pre>{@code
 * List<GuestProcess> java = client.processes().list(ProcessQuery.ALL.withFilter("java")).join();
 * }</pre>
 */
public final class ProcessQuery {
  /** Default cap: 10,000 processes. */
  public static final int DEFAULT_MAX_ENTRIES = 10_000;
  /** Every process (up to 10,000), no threads. */
  public static final ProcessQuery ALL = new ProcessQuery("", false, DEFAULT_MAX_ENTRIES);

  private final String filter;
  private final boolean includeThreads;
  private final int maxEntries;

  private ProcessQuery(String filter, boolean includeThreads, int maxEntries) {
    this.filter = filter;
    this.includeThreads = includeThreads;
    this.maxEntries = maxEntries;
  }

  /** Only processes whose name or command line contains {@code filter}; empty for all. */
  public ProcessQuery withFilter(String filter) {
    Checks.text(filter, "filter");
    return new ProcessQuery(filter, includeThreads, maxEntries);
  }

  /** Whether threads are listed too. */
  public ProcessQuery withThreads(boolean includeThreads) {
    return new ProcessQuery(filter, includeThreads, maxEntries);
  }

  /** At most this many entries, 1..1,000,000. */
  public ProcessQuery withMaxEntries(int maxEntries) {
    if (maxEntries < 1 || maxEntries > 1_000_000) {
      throw Checks.invalid("max entries must be within 1..1000000, was " + maxEntries);
    }
    return new ProcessQuery(filter, includeThreads, maxEntries);
  }

  /** The name filter, empty for none. */
  public String filter() {
    return filter;
  }

  /** Whether threads are listed. */
  public boolean includeThreads() {
    return includeThreads;
  }

  /** The cap. */
  public int maxEntries() {
    return maxEntries;
  }

  @Override
  public String toString() {
    return "ProcessQuery{filter=" + filter + ", threads=" + includeThreads + ", max=" + maxEntries
        + '}';
  }
}
