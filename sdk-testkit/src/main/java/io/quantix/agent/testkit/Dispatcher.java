package io.quantix.agent.testkit;

import io.quantix.agent.proto.AgentMessage;
import java.util.concurrent.CompletionStage;

/**
 * Decides the answer to each request the fake agent receives, in the shape of OkHttp
 * MockWebServer's {@code Dispatcher}: the agent consults its dispatcher once per request that no
 * one-shot {@link ScriptedReply} and no per-type handler ({@link FakeGuestAgent#onRequest}) has
 * claimed, and sends the reply through the request's {@link Fault}s. The default dispatcher is the
 * built-in agent ({@link FakeGuestAgent#defaultDispatcher()}): a custom one can answer some
 * requests itself and hand the others to it.
 *
 * <p>A dispatcher runs on the agent's worker threads, never on an event loop, so it may block;
 * requests of one connection may be dispatched concurrently. The reply's empty message_id is filled
 * with the request's, a missing timestamp with now. A stage that completes with {@code null}, or
 * exceptionally, or a dispatcher that throws, sends no reply (the agent only logs, as the real one
 * does).
 *
 * <pre>{@code
 * Dispatcher builtIn = agent.defaultDispatcher();
 * agent.dispatcher(request -> request.payloadCase() == PayloadCase.FILE_READ && request.connection() > 1
 *     ? CompletableFuture.completedFuture(null)        // the second host's reads go unanswered
 *     : builtIn.dispatch(request));
 * }</pre>
 */
@FunctionalInterface
public interface Dispatcher {
  /**
   * Answers one request.
   *
   * @param request the request as received, with its arrival order, connection and fault
   * @return the reply to come; completing with null means no reply
   */
  CompletionStage<AgentMessage> dispatch(RecordedRequest request);
}
