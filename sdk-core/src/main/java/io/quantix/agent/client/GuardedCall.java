package io.quantix.agent.client;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One operation as a {@link CallGuard} judges it and an {@link AuditRecord} describes it: the VM,
 * the operation, the caller's principal, and the typed arguments that matter for a policy (guest
 * path, transfer size, command line, user, working directory, guest timeout), exactly as they will
 * be sent. {@link #arguments()} is the same call as text for people and audit logs, with secrets
 * already redacted. Immutable.
 *
 * <pre>{@code
 * GuardedCall call = GuardedCall.builder("vm-42", GuestOperation.DELETE).path("/tmp/x").build();
 * assert call.path().equals("/tmp/x") && call.bytes() == -1;
 * }</pre>
 */
public final class GuardedCall {
  /** What {@link #arguments()} shows in place of a secret. */
  public static final String REDACTED = "****";

  private final String vmId;
  private final GuestOperation operation;
  private final String principal;
  private final String path;
  private final long bytes;
  private final String command;
  private final List<String> args;
  private final String user;
  private final String workingDirectory;
  private final Duration timeout;
  private final Map<String, String> arguments;

  private GuardedCall(Builder b) {
    this.vmId = b.vmId;
    this.operation = b.operation;
    this.principal = b.principal;
    this.path = b.path;
    this.bytes = b.bytes;
    this.command = b.command;
    this.args = b.args;
    this.user = b.user;
    this.workingDirectory = b.workingDirectory;
    this.timeout = b.timeout;
    this.arguments = Collections.unmodifiableMap(new LinkedHashMap<>(b.arguments));
  }

  /** A builder for a call of {@code operation} on {@code vmId}. */
  public static Builder builder(String vmId, GuestOperation operation) {
    return new Builder(vmId, operation);
  }

  /** The VM the call is for. */
  public String vmId() {
    return vmId;
  }

  /** The operation. */
  public GuestOperation operation() {
    return operation;
  }

  /** Who asked, when the call carried a principal ({@link CallOptions#withPrincipal}). */
  public Optional<String> principal() {
    return Optional.ofNullable(principal);
  }

  /** The guest path the operation touches as the caller wrote it; empty when none. */
  public String path() {
    return path;
  }

  /** The bytes the operation sends to the guest when known in advance; -1 when unknown or none. */
  public long bytes() {
    return bytes;
  }

  /** For {@link GuestOperation#EXEC}: the command (a shell string when {@link #args()} is empty).
   */
  public String command() {
    return command;
  }

  /** For {@link GuestOperation#EXEC}: the program's arguments; empty for the shell form. */
  public List<String> args() {
    return args;
  }

  /** For {@link GuestOperation#EXEC}: whether the agent runs {@link #command()} with sh -c. */
  public boolean shellForm() {
    return operation == GuestOperation.EXEC && args.isEmpty();
  }

  /** For {@link GuestOperation#EXEC}: the user to run as; empty for the agent's own. */
  public String user() {
    return user;
  }

  /** For {@link GuestOperation#EXEC}: the working directory; empty for the agent's own. */
  public String workingDirectory() {
    return workingDirectory;
  }

  /** For {@link GuestOperation#EXEC}: the time limit the agent will apply; zero for others. */
  public Duration timeout() {
    return timeout;
  }

  /** The arguments as text, in a stable order, secrets replaced by {@link #REDACTED}. */
  public Map<String, String> arguments() {
    return arguments;
  }

  @Override
  public String toString() {
    return operation.policyName() + "@" + vmId + arguments;
  }

  /** Builds a {@link GuardedCall}; the SDK makes them, tests and tools may too. */
  public static final class Builder {
    private final String vmId;
    private final GuestOperation operation;
    private String principal;
    private String path = "";
    private long bytes = -1;
    private String command = "";
    private List<String> args = List.of();
    private String user = "";
    private String workingDirectory = "";
    private Duration timeout = Duration.ZERO;
    private final Map<String, String> arguments = new LinkedHashMap<>();

    private Builder(String vmId, GuestOperation operation) {
      this.vmId = Objects.requireNonNull(vmId, "vmId");
      this.operation = Objects.requireNonNull(operation, "operation");
    }

    /** The caller's principal, or null. */
    public Builder principal(String principal) {
      this.principal = principal;
      return this;
    }

    /** The guest path; also shown as argument {@code path}. */
    public Builder path(String path) {
      this.path = Objects.requireNonNull(path, "path");
      arguments.put("path", path);
      return this;
    }

    /** The bytes sent to the guest, when known; also shown as argument {@code bytes}. */
    public Builder bytes(long bytes) {
      this.bytes = bytes;
      if (bytes >= 0) {
        arguments.put("bytes", Long.toString(bytes));
      }
      return this;
    }

    /** The command and its arguments; shown as {@code command} and {@code args}. */
    public Builder command(String command, List<String> args) {
      this.command = Objects.requireNonNull(command, "command");
      this.args = List.copyOf(args);
      arguments.put("command", command);
      if (!args.isEmpty()) {
        arguments.put("args", String.join(" ", args));
      }
      return this;
    }

    /** The user to run as; shown as {@code user} when not empty. */
    public Builder user(String user) {
      this.user = Objects.requireNonNull(user, "user");
      if (!user.isEmpty()) {
        arguments.put("user", user);
      }
      return this;
    }

    /** The working directory; shown as {@code cwd} when not empty. */
    public Builder workingDirectory(String directory) {
      this.workingDirectory = Objects.requireNonNull(directory, "directory");
      if (!directory.isEmpty()) {
        arguments.put("cwd", directory);
      }
      return this;
    }

    /** The time limit the agent will apply; shown as {@code timeout}. */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      arguments.put("timeout", timeout.toString());
      return this;
    }

    /** Any other argument, as text (never a secret: pass {@link #REDACTED} instead). */
    public Builder argument(String name, String value) {
      arguments.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** The call. */
    public GuardedCall build() {
      return new GuardedCall(this);
    }
  }
}
