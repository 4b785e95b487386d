/** Connect plumbing shared by the transport modules (errno mapping, domain sockets, attempts); not API. */
package io.quantix.agent.transport.internal;
