package io.quantix.agent.policy;

import io.quantix.agent.client.GuardVerdict;
import io.quantix.agent.client.GuardedCall;
import io.quantix.agent.client.GuestOperation;
import io.quantix.agent.policy.internal.CommandCheck;
import io.quantix.agent.policy.internal.GuestPaths;
import io.quantix.agent.policy.internal.PolicyFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the host lets callers do in its guests, checked before any byte is written: which
 * operations, which commands (argv[0], and the whole command for anything a shell parses), which
 * path prefixes for read, write, delete and listing (after normalisation), the largest transfer,
 * the longest exec timeout, rate limits per VM and operation class, and whether calls must fail
 * when the audit cannot be written. Immutable; per-VM overrides replace the whole policy for
 * their VM. Unset rules allow everything.
 *
 * <pre>{@code
 * AgentPolicy policy = AgentPolicy.builder()
 *     .blockCommands("rm", "dd", "mkfs")
 *     .writePaths("/tmp", "/opt/app")
 *     .maxTransferBytes(10 << 20)
 *     .maxExecTimeout(Duration.ofSeconds(30))
 *     .rateLimit(OperationClass.EXEC, RateLimit.parse("10/1m"))
 *     .build();
 * AgentPolicy fromFile = AgentPolicy.load(Path.of("/etc/quantix/agent-policy.yaml"));
 * }</pre>
 *
 * <p>Limits: symlinks inside the guest are the guest's business (a {@code /tmp} rule admits
 * {@code /tmp/link} whatever it points to); a block list is best effort against a shell or an
 * interpreter (use an allow list and keep shell strings off to enforce); downloads are not bounded
 * by {@link Builder#maxTransferBytes} (their size is known only after the first reply).
 */
public final class AgentPolicy {
  /** Allows every operation, command and path, without limits. */
  public static final AgentPolicy ALLOW_ALL = builder().build();

  /** Path rule kinds. */
  enum Access { READ, WRITE, DELETE, LIST }

  private final Set<GuestOperation> allowedOperations;
  private final Set<GuestOperation> deniedOperations;
  private final List<String> allowedCommands;
  private final List<String> blockedCommands;
  private final Set<String> blockedNames;
  private final boolean shellAllowed;
  private final Map<Access, List<String>> paths;
  private final long maxTransferBytes;
  private final Duration maxExecTimeout;
  private final Map<OperationClass, RateLimit> rateLimits;
  private final boolean auditFailClosed;
  private final Map<String, AgentPolicy> vmOverrides;

  private AgentPolicy(Builder b) {
    this.allowedOperations = b.allowedOperations == null ? null
        : Collections.unmodifiableSet(EnumSet.copyOf(b.allowedOperations));
    this.deniedOperations = Collections.unmodifiableSet(b.deniedOperations.isEmpty()
        ? EnumSet.noneOf(GuestOperation.class) : EnumSet.copyOf(b.deniedOperations));
    this.allowedCommands = b.allowedCommands == null ? null : List.copyOf(b.allowedCommands);
    this.blockedCommands = List.copyOf(b.blockedCommands);
    this.blockedNames = CommandCheck.baseNames(blockedCommands);
    this.shellAllowed = b.shellAllowed != null ? b.shellAllowed : b.allowedCommands == null;
    Map<Access, List<String>> p = new EnumMap<>(Access.class);
    b.paths.forEach((k, v) -> p.put(k, List.copyOf(v)));
    this.paths = Collections.unmodifiableMap(p);
    this.maxTransferBytes = b.maxTransferBytes;
    this.maxExecTimeout = b.maxExecTimeout;
    this.rateLimits = Collections.unmodifiableMap(new EnumMap<>(b.rateLimits.isEmpty()
        ? new EnumMap<>(OperationClass.class) : b.rateLimits));
    this.auditFailClosed = b.auditFailClosed;
    this.vmOverrides = Collections.unmodifiableMap(new LinkedHashMap<>(b.vmOverrides));
  }

  /** A builder with nothing restricted. */
  public static Builder builder() {
    return new Builder();
  }

  /** Loads a policy from a YAML ({@code .yaml}/{@code .yml}) or JSON file; see the README. */
  public static AgentPolicy load(Path file) throws IOException {
    return PolicyFiles.load(file);
  }

  /** Parses a policy from YAML text (JSON is YAML too). */
  public static AgentPolicy parse(String yamlOrJson) {
    return PolicyFiles.parse(yamlOrJson);
  }

  /** The policy that applies to {@code vmId}: its override, or this one. */
  public AgentPolicy forVm(String vmId) {
    AgentPolicy p = vmOverrides.get(vmId);
    return p != null ? p : this;
  }

  /**
   * The verdict of this policy's stateless rules on {@code call} (operations, commands, paths,
   * sizes, timeout); rate limits and fail-closed audit are {@link PolicyGuard}'s.
   */
  public GuardVerdict check(GuardedCall call) {
    GuestOperation op = call.operation();
    if (op == GuestOperation.THAW) {
      return GuardVerdict.allow();  // never leave a guest frozen
    }
    if (deniedOperations.contains(op)) {
      return GuardVerdict.deny("operations.deny", op.policyName() + " is denied");
    }
    if (allowedOperations != null && !allowedOperations.contains(op)) {
      return GuardVerdict.deny("operations.allow", op.policyName() + " is not allowed");
    }
    Access access = access(op);
    if (access != null && paths.containsKey(access)) {
      GuardVerdict v = checkPath(access, call.path());
      if (!v.allowed()) {
        return v;
      }
    }
    if (op == GuestOperation.EXEC) {
      GuardVerdict v = CommandCheck.check(call.command(), call.args(), allowedCommands,
          blockedNames, shellAllowed);
      if (!v.allowed()) {
        return v;
      }
      if (maxExecTimeout != null && call.timeout().compareTo(maxExecTimeout) > 0) {
        return GuardVerdict.deny("maxExecTimeout", "the guest timeout " + call.timeout()
            + " exceeds " + maxExecTimeout + " (a timeout of 0 means the agent's 300 s)");
      }
    }
    boolean transfer = op == GuestOperation.UPLOAD || op == GuestOperation.AGENT_UPDATE;
    if (maxTransferBytes >= 0 && transfer) {
      if (call.bytes() < 0) {
        return GuardVerdict.deny("maxTransferBytes", "the size is unknown and transfers are "
            + "limited to " + maxTransferBytes + " bytes");
      }
      if (call.bytes() > maxTransferBytes) {
        return GuardVerdict.deny("maxTransferBytes", call.bytes() + " bytes exceed the limit of "
            + maxTransferBytes);
      }
    }
    return GuardVerdict.allow();
  }

  private GuardVerdict checkPath(Access access, String path) {
    String rule = "paths." + access.name().toLowerCase(java.util.Locale.ROOT);
    GuestPaths.Normalised n = GuestPaths.normalise(path);
    if (!n.ok()) {
      return GuardVerdict.deny(rule, "'" + path.replace("\0", "\\0") + "': " + n.refusal());
    }
    for (String prefix : paths.get(access)) {
      if (GuestPaths.under(n.path(), prefix)) {
        return GuardVerdict.allow();
      }
    }
    return GuardVerdict.deny(rule, "'" + n.path() + "' is outside " + paths.get(access));
  }

  private static Access access(GuestOperation op) {
    switch (op) {
      case DOWNLOAD: case STAT: return Access.READ;
      case UPLOAD: case MKDIR: return Access.WRITE;
      case DELETE: return Access.DELETE;
      case LIST: return Access.LIST;
      default: return null;
    }
  }

  /** The rate limits, by class. */
  public Map<OperationClass, RateLimit> rateLimits() {
    return rateLimits;
  }

  /** Whether mutating calls fail while the audit cannot be written. */
  public boolean auditFailClosed() {
    return auditFailClosed;
  }

  /** The per-VM overrides. */
  public Map<String, AgentPolicy> vmOverrides() {
    return vmOverrides;
  }

  /** How many rules this policy (without overrides) holds: list entries, limits and flags. */
  public int ruleCount() {
    int n = (allowedOperations == null ? 0 : allowedOperations.size()) + deniedOperations.size()
        + (allowedCommands == null ? 0 : allowedCommands.size()) + blockedCommands.size()
        + rateLimits.size() + (maxTransferBytes >= 0 ? 1 : 0) + (maxExecTimeout != null ? 1 : 0)
        + (auditFailClosed ? 1 : 0);
    for (List<String> l : paths.values()) {
      n += l.size();
    }
    return n;
  }

  @Override
  public String toString() {
    return "AgentPolicy{" + ruleCount() + " rules, " + vmOverrides.size() + " VM overrides}";
  }

  /** Builds an {@link AgentPolicy}; every rule is optional. */
  public static final class Builder {
    private Set<GuestOperation> allowedOperations;
    private final Set<GuestOperation> deniedOperations = EnumSet.noneOf(GuestOperation.class);
    private List<String> allowedCommands;
    private final List<String> blockedCommands = new ArrayList<>();
    private Boolean shellAllowed;
    private final Map<Access, List<String>> paths = new EnumMap<>(Access.class);
    private long maxTransferBytes = -1;
    private Duration maxExecTimeout;
    private final Map<OperationClass, RateLimit> rateLimits = new EnumMap<>(OperationClass.class);
    private boolean auditFailClosed;
    private final Map<String, AgentPolicy> vmOverrides = new LinkedHashMap<>();

    private Builder() {}

    /** Only these operations (adds to earlier calls). */
    public Builder allowOperations(GuestOperation... operations) {
      if (allowedOperations == null) {
        allowedOperations = EnumSet.noneOf(GuestOperation.class);
      }
      allowedOperations.addAll(List.of(operations));
      return this;
    }

    /** Never these operations (thaw excepted: it is always allowed). */
    public Builder denyOperations(GuestOperation... operations) {
      deniedOperations.addAll(List.of(operations));
      return this;
    }

    /** Only these programs: bare names match bare names, paths match exactly. */
    public Builder allowCommands(String... programs) {
      if (allowedCommands == null) {
        allowedCommands = new ArrayList<>();
      }
      for (String p : programs) {
        allowedCommands.add(p.indexOf('/') >= 0 ? GuestPaths.prefix(p) : requireWord(p));
      }
      return this;
    }

    /** Never these programs, matched by base name on argv[0] and in shell commands. */
    public Builder blockCommands(String... programs) {
      for (String p : programs) {
        blockedCommands.add(requireWord(p));
      }
      return this;
    }

    /**
     * Whether shell strings ({@code Exec.shell}, {@code sh -c}, inline interpreter code) may run;
     * default: yes without an allow list, no with one.
     */
    public Builder allowShell(boolean allowed) {
      this.shellAllowed = allowed;
      return this;
    }

    /** Path prefixes for download and stat. */
    public Builder readPaths(String... prefixes) {
      return paths(Access.READ, prefixes);
    }

    /** Path prefixes for upload and mkdir. */
    public Builder writePaths(String... prefixes) {
      return paths(Access.WRITE, prefixes);
    }

    /** Path prefixes for delete. */
    public Builder deletePaths(String... prefixes) {
      return paths(Access.DELETE, prefixes);
    }

    /** Path prefixes for listing. */
    public Builder listPaths(String... prefixes) {
      return paths(Access.LIST, prefixes);
    }

    private Builder paths(Access access, String... prefixes) {
      List<String> list = paths.computeIfAbsent(access, k -> new ArrayList<>());
      for (String p : prefixes) {
        list.add(GuestPaths.prefix(p));
      }
      return this;
    }

    /** The largest upload or agent update, in bytes (uploads of unknown size are refused). */
    public Builder maxTransferBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("max transfer bytes must be >= 0, was " + bytes);
      }
      this.maxTransferBytes = bytes;
      return this;
    }

    /** The longest guest timeout an exec may ask for (0, the agent's 300 s, counts as 300 s). */
    public Builder maxExecTimeout(Duration timeout) {
      this.maxExecTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** A rate limit per VM for {@code operations}. */
    public Builder rateLimit(OperationClass operations, RateLimit limit) {
      rateLimits.put(Objects.requireNonNull(operations, "operations"),
          Objects.requireNonNull(limit, "limit"));
      return this;
    }

    /** Whether mutating calls are denied while the audit cannot be written (default false). */
    public Builder auditFailClosed(boolean failClosed) {
      this.auditFailClosed = failClosed;
      return this;
    }

    /** The policy of {@code vmId}, replacing this one for that VM. */
    public Builder vm(String vmId, AgentPolicy policy) {
      vmOverrides.put(Objects.requireNonNull(vmId, "vmId"),
          Objects.requireNonNull(policy, "policy"));
      return this;
    }

    private static String requireWord(String program) {
      if (program == null || program.isBlank() || program.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("command '" + program + "' is blank or has a NUL");
      }
      return program.trim();
    }

    /** The policy. */
    public AgentPolicy build() {
      return new AgentPolicy(this);
    }
  }
}
