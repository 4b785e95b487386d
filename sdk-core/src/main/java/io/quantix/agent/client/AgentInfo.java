package io.quantix.agent.client;

import io.quantix.agent.proto.AgentReadyEvent;
import io.quantix.agent.proto.GetCapabilitiesResponse;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What the session knows about the agent: version, OS, host name, addresses and capabilities.
 *
 * <p>Most of it comes from the AgentReady the agent sends when it opens its port. A host that
 * connects later (behind a bridge, after the agent opened the port, across an agent restart while
 * the host stayed) may never see one; the session then pieces the identity together from the pong
 * (version), {@code GetCapabilities} (version, OS, architecture, capabilities) and the latest
 * telemetry (host name). {@link #source()} says where it came from and {@link #isKnown(Field)}
 * which fields are known; unknown text fields are empty. A later AgentReady replaces it.
 *
 * <pre>{@code
 * client.agentInfo().ifPresent(i -> System.out.println(i.hostname() + " runs " + i.version()
 *     + (i.isKnown(AgentInfo.Field.IP_ADDRESSES) ? " at " + i.ipAddresses() : "")));
 * }</pre>
 *
 * @param version agent version
 * @param osName OS name (without AgentReady: the agent's OS constant, e.g. {@code linux})
 * @param osVersion OS version
 * @param kernelVersion kernel version
 * @param architecture CPU architecture, e.g. x86_64
 * @param hostname guest host name
 * @param ipAddresses guest addresses (IPv4 and IPv6, no prefix lengths)
 * @param capabilities feature names the agent announced
 * @param receivedAt when the host received it (the last piece of it)
 * @param source where the values came from
 * @param known the fields the source told (the rest are empty)
 */
public record AgentInfo(String version, String osName, String osVersion, String kernelVersion,
    String architecture, String hostname, List<String> ipAddresses, Set<String> capabilities,
    Instant receivedAt, Source source, Set<Field> known) {

  /** Where an {@link AgentInfo} came from, from least to most complete. */
  public enum Source {
    /** A pong only: the version. */
    PONG,
    /** GetCapabilities (+ pong, + telemetry's host name): no kernel, OS version or addresses. */
    CAPABILITIES,
    /** The agent's AgentReady: every field. */
    AGENT_READY
  }

  /** The fields of an {@link AgentInfo}, for {@link #isKnown(Field)}. */
  public enum Field {
    VERSION, OS_NAME, OS_VERSION, KERNEL_VERSION, ARCHITECTURE, HOSTNAME, IP_ADDRESSES, CAPABILITIES
  }

  /** Copies the collections. */
  public AgentInfo {
    ipAddresses = List.copyOf(ipAddresses);
    capabilities = Set.copyOf(capabilities);
    known = known.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(known));
  }

  /** An AgentReady's info: every field known. */
  public AgentInfo(String version, String osName, String osVersion, String kernelVersion,
      String architecture, String hostname, List<String> ipAddresses, Set<String> capabilities,
      Instant receivedAt) {
    this(version, osName, osVersion, kernelVersion, architecture, hostname, ipAddresses,
        capabilities, receivedAt, Source.AGENT_READY, EnumSet.allOf(Field.class));
  }

  /** Builds the value from the wire event. */
  public static AgentInfo from(AgentReadyEvent e, Instant receivedAt) {
    return new AgentInfo(e.getVersion(), e.getOsName(), e.getOsVersion(), e.getKernelVersion(),
        e.getArchitecture(), e.getHostname(), e.getIpAddressesList(),
        Set.copyOf(e.getCapabilitiesList()), receivedAt);
  }

  /** What a pong tells: the version only. */
  public static AgentInfo fromPong(String version, Instant receivedAt) {
    return new AgentInfo(version, "", "", "", "", "", List.of(), Set.of(), receivedAt,
        Source.PONG, EnumSet.of(Field.VERSION));
  }

  /**
   * What GetCapabilities tells, with the host name of the latest telemetry when there is one
   * ({@code hostname} empty: unknown). Capabilities are the announced names plus features set to
   * {@code true} (the agent lists platform extras such as {@code user_context_exec} there).
   */
  public static AgentInfo fromCapabilities(GetCapabilitiesResponse r, String hostname,
      Instant receivedAt) {
    Set<String> caps = new java.util.HashSet<>(r.getCapabilitiesList());
    r.getFeaturesMap().forEach((name, value) -> {
      if ("true".equalsIgnoreCase(value)) {
        caps.add(name);
      }
    });
    EnumSet<Field> known = EnumSet.of(Field.VERSION, Field.OS_NAME, Field.ARCHITECTURE,
        Field.CAPABILITIES);
    if (hostname != null && !hostname.isEmpty()) {
      known.add(Field.HOSTNAME);
    }
    return new AgentInfo(r.getVersion(), r.getOs(), "", "", r.getArchitecture(),
        hostname == null ? "" : hostname, List.of(), caps, receivedAt, Source.CAPABILITIES, known);
  }

  /** This info with the host name telemetry reported (when it was not known yet). */
  public AgentInfo withHostname(String name, Instant at) {
    if (name == null || name.isEmpty() || isKnown(Field.HOSTNAME)) {
      return this;
    }
    EnumSet<Field> more = known.isEmpty() ? EnumSet.noneOf(Field.class) : EnumSet.copyOf(known);
    more.add(Field.HOSTNAME);
    return new AgentInfo(version, osName, osVersion, kernelVersion, architecture, name,
        ipAddresses, capabilities, at, source, more);
  }

  /** Whether the session learnt {@code field} (unknown text fields are empty). */
  public boolean isKnown(Field field) {
    return known.contains(field);
  }

  /** Whether the agent announced {@code capability}. */
  public boolean supports(String capability) {
    return capabilities.contains(capability);
  }
}
