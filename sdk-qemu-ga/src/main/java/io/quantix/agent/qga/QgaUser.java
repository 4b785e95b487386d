package io.quantix.agent.qga;

import java.time.Instant;
import java.util.Optional;

/**
 * A logged-in user ({@code guest-get-users}).
 *
 * <pre>{@code
 * qga.users().join().forEach(u -> System.out.println(u.user() + " since " + u.loginTime()));
 * }</pre>
 *
 * @param user the user name
 * @param loginTime when the first session of the user started
 * @param domainName the login domain (Windows), or null
 */
public record QgaUser(String user, Instant loginTime, String domainName) {
  /** The login domain, on Windows guests. */
  public Optional<String> domain() {
    return Optional.ofNullable(domainName);
  }
}
