package io.quantix.agent.qga;

import java.util.Optional;

/**
 * {@code guest-get-timezone}.
 *
 * <pre>{@code
 * QgaTimezone tz = qga.timezone().join();
 * }</pre>
 *
 * @param zoneName the zone's name, e.g. {@code UTC}, or null
 * @param offsetSeconds seconds east of UTC
 */
public record QgaTimezone(String zoneName, int offsetSeconds) {
  /** The zone's name, if the guest reports one. */
  public Optional<String> zone() {
    return Optional.ofNullable(zoneName);
  }
}
