/**
 * The {@code vsock} (AF_VSOCK) and {@code hvsock} (Firecracker / Cloud Hypervisor hybrid vsock)
 * transports. Found by {@link java.util.ServiceLoader}; see
 * {@link io.quantix.agent.transport.vsock.VsockTransport} and
 * {@link io.quantix.agent.transport.vsock.HybridVsockTransport}.
 */
package io.quantix.agent.transport.vsock;
