package io.quantix.agent.agentctl;

import io.quantix.agent.policy.AgentPolicy;
import io.quantix.agent.policy.JsonLinesAuditSink;
import io.quantix.agent.policy.PolicyGuard;
import io.quantix.agent.registry.AgentRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code --policy FILE} and {@code --audit FILE}: the host's policy enforced before any request
 * is sent (a denied call exits with {@link ExitCodes#POLICY_DENIED} and prints the verdict), and
 * one JSON line per mutating operation appended to the audit file.
 *
 * <pre>{@code
 * agentctl --policy /etc/quantix/agent-policy.yaml --audit /var/log/quantix/audit.jsonl \
 *     -e unix:/var/run/quantix-kvm/vms/vm-42.agent.sock exec -- rm -rf /srv/cache
 * }</pre>
 */
final class PolicyOptions {
  @Option(names = "--policy", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "enforce this policy (YAML or JSON) before anything is sent; "
          + "a denied call exits with 8 and prints the rule")
  Path policyFile;

  @Option(names = "--audit", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "append one JSON line per mutating operation to FILE (secrets redacted)")
  Path auditFile;

  /**
   * Installs the policy and audit on {@code builder}; returns what must be closed with the
   * registry (the audit file), or a no-op.
   *
   * @throws CliError a usage error when the policy file is missing or invalid
   */
  Closeable applyTo(AgentRegistry.Builder builder) {
    AgentPolicy policy = null;
    if (policyFile != null) {
      try {
        policy = AgentPolicy.load(policyFile);
      } catch (IOException e) {
        throw CliError.usage("cannot read policy " + policyFile + ": " + e.getMessage());
      } catch (IllegalArgumentException e) {
        throw CliError.usage("invalid policy: " + e.getMessage());
      }
    }
    JsonLinesAuditSink sink = null;
    if (auditFile != null) {
      try {
        sink = JsonLinesAuditSink.builder(auditFile).build();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open audit file " + auditFile, e);
      }
      builder.auditListener(sink);
    }
    if (policy != null) {
      builder.callGuard(sink != null ? PolicyGuard.of(policy, sink) : PolicyGuard.of(policy));
    }
    return sink != null ? sink : () -> { };
  }
}
