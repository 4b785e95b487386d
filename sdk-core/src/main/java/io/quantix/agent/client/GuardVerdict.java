package io.quantix.agent.client;

import java.util.Objects;

/**
 * A {@link CallGuard}'s answer: allowed, or denied by a named rule with a reason. A denied call
 * fails before any I/O with {@code PERMISSION_DENIED}, its message naming the rule.
 *
 * <pre>{@code
 * GuardVerdict v = GuardVerdict.deny("commands.block", "'rm' is blocked");
 * assert !v.allowed() && v.rule().equals("commands.block");
 * }</pre>
 */
public final class GuardVerdict {
  private static final GuardVerdict ALLOW = new GuardVerdict(true, "", "");

  private final boolean allowed;
  private final String rule;
  private final String reason;

  private GuardVerdict(boolean allowed, String rule, String reason) {
    this.allowed = allowed;
    this.rule = rule;
    this.reason = reason;
  }

  /** The call may go ahead. */
  public static GuardVerdict allow() {
    return ALLOW;
  }

  /** The call is refused by {@code rule} (a name an operator can find in the policy). */
  public static GuardVerdict deny(String rule, String reason) {
    return new GuardVerdict(false, Objects.requireNonNull(rule, "rule"),
        Objects.requireNonNull(reason, "reason"));
  }

  /** Whether the call may go ahead. */
  public boolean allowed() {
    return allowed;
  }

  /** The rule that denied the call; empty when allowed. */
  public String rule() {
    return rule;
  }

  /** Why the rule denied the call; empty when allowed. */
  public String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return allowed ? "allowed" : "denied by " + rule + ": " + reason;
  }
}
