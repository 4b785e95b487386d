package io.quantix.agent.qga.install;

import java.util.OptionalLong;

/**
 * What the preflight found before any byte moved.
 *
 * <pre>{@code
 * PreflightReport r = Preflight.run(qga, Path.of("quantix-agent"), "/").join();
 * System.out.println(r.binary().architecture() + " on " + r.guestMachine() + ", " + r.initSystem());
 * }</pre>
 *
 * @param binary the checked binary
 * @param guestMachine the guest's {@code uname -m}
 * @param initSystem the guest's service manager
 * @param mountpoint the guest filesystem that will hold the binary, or null if qemu-ga lists none
 * @param free its free bytes, or -1 when unknown
 */
public record PreflightReport(AgentBinary binary, String guestMachine, InitSystem initSystem,
    String mountpoint, long free) {
  /** Free bytes where the binary goes, when qemu-ga reports them. */
  public OptionalLong freeBytes() {
    return free < 0 ? OptionalLong.empty() : OptionalLong.of(free);
  }
}
