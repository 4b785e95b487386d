package io.quantix.agent.qga.install;

/**
 * The installer's steps, in order; a failure names the step it happened in.
 *
 * <pre>{@code
 * installer.install("vm-42", spec, (step, detail) -> System.err.println(step + ": " + detail));
 * }</pre>
 */
public enum InstallStep {
  /** Binary and guest checked (architecture, static, space, init system). */
  CHECKED,
  /** Binary pushed through qemu-ga (detail: bytes). */
  PUSHED,
  /** sha256 of the pushed file verified in the guest. */
  VERIFIED,
  /** Installed atomically with mode 0755 (detail: the SELinux label, if any). */
  INSTALLED,
  /** Service (re)started. */
  STARTED,
  /** The agent answered through the registry (detail: its version). */
  READY
}
