package io.quantix.agent.client;

import io.quantix.agent.proto.AgentReadyEvent;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What the agent said about itself in its last AgentReady: version, OS, host name, addresses and
 * capabilities.
 *
 * <pre>{@code
 * client.agentInfo().ifPresent(i -> System.out.println(i.hostname() + " runs " + i.version()));
 * }</pre>
 *
 * @param version agent version
 * @param osName OS name
 * @param osVersion OS version
 * @param kernelVersion kernel version
 * @param architecture CPU architecture, e.g. x86_64
 * @param hostname guest host name
 * @param ipAddresses guest addresses (IPv4 and IPv6, no prefix lengths)
 * @param capabilities feature names the agent announced
 * @param receivedAt when the host received it
 */
public record AgentInfo(String version, String osName, String osVersion, String kernelVersion,
    String architecture, String hostname, List<String> ipAddresses, Set<String> capabilities,
    Instant receivedAt) {

  /** Copies the collections. */
  public AgentInfo {
    ipAddresses = List.copyOf(ipAddresses);
    capabilities = Set.copyOf(capabilities);
  }

  /** Builds the value from the wire event. */
  public static AgentInfo from(AgentReadyEvent e, Instant receivedAt) {
    return new AgentInfo(e.getVersion(), e.getOsName(), e.getOsVersion(), e.getKernelVersion(),
        e.getArchitecture(), e.getHostname(), e.getIpAddressesList(),
        Set.copyOf(e.getCapabilitiesList()), receivedAt);
  }

  /** Whether the agent announced {@code capability}. */
  public boolean supports(String capability) {
    return capabilities.contains(capability);
  }
}
