/**
 * A typed, asynchronous client for the QEMU guest agent (qemu-ga): {@link
 * io.quantix.agent.qga.QgaClient} over the SDK's transports, with guest-sync-delimited resync,
 * one command on the wire at a time behind a bounded queue, per-call deadlines and
 * {@link io.quantix.agent.AgentException}s.
 */
package io.quantix.agent.qga;
