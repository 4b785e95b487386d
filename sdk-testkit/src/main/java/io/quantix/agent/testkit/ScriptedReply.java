package io.quantix.agent.testkit;

import io.quantix.agent.proto.AgentMessage;
import java.util.List;
import java.util.Objects;

/**
 * A one-shot answer to the next matching request, like OkHttp's {@code MockResponse}: either fixed
 * messages (a reply, events, or both, sent in order) or the answer of the current handler or
 * {@link Dispatcher}, with an optional {@link Fault}. In the messages, an empty message_id becomes
 * the request's (responses) or a fresh UUID (events), and a missing timestamp becomes now.
 *
 * <pre>{@code
 * agent.enqueue(PayloadCase.EXECUTE, ScriptedReply.of(AgentMessage.newBuilder()
 *     .setExecuteResponse(ExecuteResponse.newBuilder().setExitCode(3).setStderr("boom")).build()));
 * agent.enqueue(PayloadCase.PING, ScriptedReply.handled().withFault(Fault.duplicateReply()));
 * agent.enqueue(ScriptedReply.noReply());   // whatever the next request is
 * }</pre>
 *
 * @param useHandler true to ask the current handler or dispatcher for the reply, false to send
 *     {@code messages}
 * @param messages what to send when not using the handler (may be empty: no reply)
 * @param fault the fault applied on the way out
 */
public record ScriptedReply(boolean useHandler, List<AgentMessage> messages, Fault fault) {

  /** Copies the messages and checks the arguments. */
  public ScriptedReply {
    messages = List.copyOf(messages);
    Objects.requireNonNull(fault, "fault");
    if (useHandler && !messages.isEmpty()) {
      throw new IllegalArgumentException("either the handler's reply or fixed messages, not both");
    }
  }

  /** Sends these messages, in order, instead of asking the handler. */
  public static ScriptedReply of(AgentMessage... messages) {
    return new ScriptedReply(false, List.of(messages), Fault.none());
  }

  /**
   * Answers as the agent would without this script: the request type's handler if one is set,
   * else the {@link Dispatcher} (useful with {@link #withFault(Fault)}).
   */
  public static ScriptedReply handled() {
    return new ScriptedReply(true, List.of(), Fault.none());
  }

  /** Answers nothing; the handler does not run. */
  public static ScriptedReply noReply() {
    return new ScriptedReply(false, List.of(), Fault.none());
  }

  /** The handler's reply, with {@code fault} applied. */
  public static ScriptedReply fault(Fault fault) {
    return handled().withFault(fault);
  }

  /** The same reply with {@code fault} applied. */
  public ScriptedReply withFault(Fault fault) {
    return new ScriptedReply(useHandler, messages, fault);
  }
}
