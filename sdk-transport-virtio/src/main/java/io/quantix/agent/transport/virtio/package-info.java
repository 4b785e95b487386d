/**
 * The {@code unix} transport: QEMU virtio-serial agent channels reached through QEMU's chardev Unix
 * socket. Found by {@link java.util.ServiceLoader}; see
 * {@link io.quantix.agent.transport.virtio.VirtioSerialTransport}.
 */
package io.quantix.agent.transport.virtio;
