/**
 * Installing the Quantix agent through qemu-ga: {@link io.quantix.agent.qga.install.Preflight}
 * (binary and guest checks before any byte moves) and {@link
 * io.quantix.agent.qga.install.AgentBinary} (the ELF checks).
 */
package io.quantix.agent.qga.install;
