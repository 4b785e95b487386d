package io.quantix.agent.micrometer;

import io.micrometer.observation.Observation;
import io.quantix.agent.AgentException;

/**
 * What an {@link AgentCallConvention} knows of one agent call: the VM, the operation, the
 * transport, and once it ended its outcome.
 *
 * <pre>{@code
 * AgentCallConvention mine = new DefaultAgentCallConvention() {
 *   public String getContextualName(AgentCallContext context) {
 *     return "guest " + context.operation();
 *   }
 * };
 * }</pre>
 */
public final class AgentCallContext extends Observation.Context {
  private final String vmId;
  private final String operation;
  private volatile String transport;
  private volatile AgentException.Code failure;
  private volatile boolean ended;

  /**
   * @param vmId the VM
   * @param operation the operation's metric name ({@code ping}, {@code execute}...)
   * @param transport the endpoint scheme of the VM's session, or {@code unknown} (a call made
   *     while the VM connects learns it when it ends)
   */
  public AgentCallContext(String vmId, String operation, String transport) {
    this.vmId = vmId;
    this.operation = operation;
    this.transport = transport;
  }

  /** The VM. */
  public String vmId() {
    return vmId;
  }

  /** The operation's metric name. */
  public String operation() {
    return operation;
  }

  /** The endpoint scheme of the VM's session, or {@code unknown}. */
  public String transport() {
    return transport;
  }

  /** The failure's code, or null on success or while the call runs. */
  public AgentException.Code failure() {
    return failure;
  }

  /** Whether the call ended. */
  public boolean ended() {
    return ended;
  }

  /** {@code OK}, the failure's code, or {@code UNKNOWN} while the call runs. */
  public String outcome() {
    AgentException.Code code = failure;
    return code != null ? code.name() : ended ? "OK" : "UNKNOWN";
  }

  /** Records the end of the call (null: success) and the transport it went through. */
  void end(AgentException.Code code, String transport) {
    this.failure = code;
    this.transport = transport;
    this.ended = true;
  }
}
