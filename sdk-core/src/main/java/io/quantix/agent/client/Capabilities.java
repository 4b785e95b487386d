package io.quantix.agent.client;

import io.quantix.agent.proto.GetCapabilitiesResponse;
import java.util.Map;
import java.util.Set;

/**
 * The agent's answer to GetCapabilities.
 *
 * <pre>{@code
 * Capabilities c = client.capabilities().join();
 * boolean canFreeze = "true".equals(c.features().get("fsfreeze"));
 * }</pre>
 *
 * @param version agent version
 * @param os agent's OS family (linux, windows)
 * @param architecture CPU architecture
 * @param capabilities base capability names
 * @param features platform extras, e.g. {@code fsfreeze=true}
 * @param buildTime build time, or "unknown"
 * @param buildCommit build commit, or "unknown"
 */
public record Capabilities(String version, String os, String architecture, Set<String> capabilities,
    Map<String, String> features, String buildTime, String buildCommit) {

  /** Copies the collections. */
  public Capabilities {
    capabilities = Set.copyOf(capabilities);
    features = Map.copyOf(features);
  }

  /** Builds the value from the wire response. */
  public static Capabilities from(GetCapabilitiesResponse r) {
    return new Capabilities(r.getVersion(), r.getOs(), r.getArchitecture(),
        Set.copyOf(r.getCapabilitiesList()), r.getFeaturesMap(), r.getBuildTime(),
        r.getBuildCommit());
  }
}
