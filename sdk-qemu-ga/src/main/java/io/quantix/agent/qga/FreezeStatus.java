package io.quantix.agent.qga;

/**
 * {@code guest-fsfreeze-status}.
 *
 * <pre>{@code
 * if (qga.freezeStatus().join() == FreezeStatus.FROZEN) { qga.thaw().join(); }
 * }</pre>
 */
public enum FreezeStatus {
  /** Filesystems are writable. */
  THAWED,
  /** Filesystems are frozen; Linux never thaws them on its own. */
  FROZEN
}
