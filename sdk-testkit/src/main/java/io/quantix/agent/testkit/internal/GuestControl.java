package io.quantix.agent.testkit.internal;

/**
 * What a guest-side power action does to the host connections, for the shutdown handler. Not API.
 */
interface GuestControl {
  /** The VM powers off: every host connection ends. */
  void powerOff();

  /** The guest reboots: replies in flight are lost, and AgentReady follows shortly. */
  void reboot();
}
