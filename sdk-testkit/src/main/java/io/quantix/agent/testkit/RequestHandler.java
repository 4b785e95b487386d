package io.quantix.agent.testkit;

import io.quantix.agent.proto.AgentMessage;

/**
 * Answers one request type synchronously, ahead of the {@link Dispatcher} (see {@link
 * FakeGuestAgent#onRequest}). Runs on the agent's worker executor, never on an event loop,
 * so it may block. The returned reply's empty message_id is filled with the request's, a missing
 * timestamp with now; {@code null} means no reply. A handler that throws sends no reply.
 *
 * <pre>{@code
 * agent.onRequest(PayloadCase.PING, request -> AgentMessage.newBuilder()
 *     .setPong(PongResponse.newBuilder().setSequence(request.getPing().getSequence()).setVersion("9.9.9"))
 *     .build());
 * }</pre>
 */
@FunctionalInterface
public interface RequestHandler {
  /**
   * @param request the request as received
   * @return the reply, or null for none
   */
  AgentMessage handle(AgentMessage request) throws Exception;
}
