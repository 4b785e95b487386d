package io.quantix.agent.qga;

/**
 * The state of a qemu-ga session, from cached state.
 *
 * <pre>{@code
 * if (qga.status().state() == QgaState.READY) { ... }
 * }</pre>
 */
public enum QgaState {
  /** Nothing tried yet: the session connects on its first call. */
  IDLE,
  /** Connecting to the channel socket. */
  CONNECTING,
  /** Connected; guest-sync-delimited sent, its reply not yet seen. */
  SYNCING,
  /** Synced: qemu-ga answers. */
  READY,
  /** Connected, but qemu-ga did not answer the sync in time: not installed, not running, or busy. */
  NOT_RESPONDING,
  /** The socket exists but refuses: the VM is not running. */
  VM_NOT_RUNNING,
  /** No socket file: the VM is not defined or has no qemu-ga channel. */
  NO_CHANNEL,
  /** The last connect failed otherwise (busy lock, timeout...); see the detail. */
  FAILED,
  /** The session ended (EOF); the next call reconnects. */
  DISCONNECTED,
  /** The client was closed. */
  CLOSED
}
