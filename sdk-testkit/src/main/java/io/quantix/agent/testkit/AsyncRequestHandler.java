package io.quantix.agent.testkit;

import io.quantix.agent.proto.AgentMessage;
import java.util.concurrent.CompletionStage;

/**
 * Answers one request asynchronously: the reply is sent when the stage completes. Invoked on the
 * agent's worker executor. A stage completing with {@code null} (or exceptionally) sends no reply.
 * The built-in handlers have this shape, so a test can wrap one:
 *
 * <pre>{@code
 * AsyncRequestHandler builtIn = agent.defaultHandler(PayloadCase.FILE_READ);
 * agent.onRequestAsync(PayloadCase.FILE_READ, request -> {
 *   reads.incrementAndGet();
 *   return builtIn.handle(request);
 * });
 * }</pre>
 */
@FunctionalInterface
public interface AsyncRequestHandler {
  /**
   * @param request the request as received
   * @return the reply to come; completing with null means no reply
   */
  CompletionStage<AgentMessage> handle(AgentMessage request);
}
