/** The qemu-ga session, its decoder and the multi-step operations; not API. */
package io.quantix.agent.qga.internal;
