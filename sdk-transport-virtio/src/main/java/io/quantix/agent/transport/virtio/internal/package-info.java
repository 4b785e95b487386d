/** Implementation details of the virtio-serial transport; not API. */
package io.quantix.agent.transport.virtio.internal;
