package io.quantix.agent.client;

import java.time.Duration;
import java.util.List;

/**
 * What a thaw released.
 *
 * @param mountPoints the mount points thawed
 * @param duration how long the thaw itself took in the guest (the agent names it
 *     {@code frozen_duration_ms} but measures the thaw call)
 */
public record Thawed(List<String> mountPoints, Duration duration) {

  /** Copies the list. */
  public Thawed {
    mountPoints = List.copyOf(mountPoints);
  }
}
