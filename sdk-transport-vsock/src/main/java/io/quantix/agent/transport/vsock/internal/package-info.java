/** Implementation details of the vsock transports; not API. */
package io.quantix.agent.transport.vsock.internal;
