package io.quantix.agent.micrometer;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations this module makes, with their key names, in Micrometer's documentation form
 * (tools that generate observability docs read it).
 *
 * <pre>{@code
 * String name = AgentObservationDocumentation.CALL.getName();              // "quantix.agent.call"
 * String tag = AgentObservationDocumentation.LowCardinalityKeys.OPERATION.asString(); // "operation"
 * }</pre>
 */
public enum AgentObservationDocumentation implements ObservationDocumentation {
  /** One agent call, from submission to its end (retries included). */
  CALL {
    @Override
    public String getName() {
      return DefaultAgentCallConvention.NAME;
    }

    @Override
    public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
      return DefaultAgentCallConvention.class;
    }

    @Override
    public KeyName[] getLowCardinalityKeyNames() {
      return LowCardinalityKeys.values();
    }

    @Override
    public KeyName[] getHighCardinalityKeyNames() {
      return HighCardinalityKeys.values();
    }
  };

  /** Tags of every call metric: a few values each, whatever the number of VMs. */
  public enum LowCardinalityKeys implements KeyName {
    /** The operation: {@code ping}, {@code execute}, {@code file_read}... */
    OPERATION {
      @Override
      public String asString() {
        return "operation";
      }
    },
    /** {@code OK}, or the failure's {@code AgentException.Code} ({@code UNAVAILABLE}...). */
    OUTCOME {
      @Override
      public String asString() {
        return "outcome";
      }
    },
    /** The endpoint scheme of the VM's session: {@code unix}, {@code vsock}, {@code hvsock}, or {@code unknown}. */
    TRANSPORT {
      @Override
      public String asString() {
        return "transport";
      }
    }
  }

  /** Keys of spans only (never metric tags, unless the VM id is opted in). */
  public enum HighCardinalityKeys implements KeyName {
    /** The VM id. */
    VM {
      @Override
      public String asString() {
        return "vm";
      }
    }
  }
}
