package io.quantix.agent.client;

import java.util.List;

/**
 * Installed software, possibly capped.
 *
 * @param items the packages returned
 * @param totalCount how many the agent counted in all (0 when it did not say)
 */
public record SoftwareList(List<InstalledSoftware> items, int totalCount) {

  /** Copies the list. */
  public SoftwareList {
    items = List.copyOf(items);
  }

  /** Whether the agent counted more packages than it returned (then narrow the filter). */
  public boolean truncated() {
    return totalCount > items.size();
  }
}
