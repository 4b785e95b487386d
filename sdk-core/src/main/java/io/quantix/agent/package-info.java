/**
 * Types shared by every layer of the SDK: {@link io.quantix.agent.AgentException} with its
 * {@link io.quantix.agent.AgentException.Code}, the {@link io.quantix.agent.ConnectFailure}
 * classification and {@link io.quantix.agent.Deadline}.
 *
 * <h2>Package order</h2>
 * sdk-core's packages point one way; each imports only the ones listed below it:
 * <ol>
 *   <li>{@code io.quantix.agent.registry}: the registry, resolvers, the status hub;</li>
 *   <li>{@code io.quantix.agent.client.internal}: links, the call router, sessions, operations;</li>
 *   <li>{@code io.quantix.agent.client}: the client API, options, results and the VM status;</li>
 *   <li>{@code io.quantix.agent.transport} (and its {@code internal}): endpoints and transports;</li>
 *   <li>{@code io.quantix.agent.framing}: the wire framing;</li>
 *   <li>{@code io.quantix.agent} (and its {@code internal}): errors, deadlines, argument checks.</li>
 * </ol>
 * An {@code internal} package is no API: it serves its own package tree (and, for
 * {@code client.internal}, the registry that wires it). sdk-core never names a transport module,
 * the testkit, the examples or the benchmarks. {@code PackageOrderTest} enforces all of this.
 */
package io.quantix.agent;
