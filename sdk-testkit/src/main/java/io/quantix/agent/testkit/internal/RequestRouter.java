package io.quantix.agent.testkit.internal;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.testkit.AsyncRequestHandler;
import io.quantix.agent.testkit.Dispatcher;
import io.quantix.agent.testkit.ScriptedReply;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the answer to one request, in this order: a one-shot scripted reply with fixed messages; a
 * per-type handler; the dispatcher (a custom one, else the built-in agent). Scripted messages and
 * cheap built-in answers are given at once on the calling event loop; everything else runs on the
 * worker executor. Thread-safe. Not API.
 */
final class RequestRouter {
  private static final Logger log = LoggerFactory.getLogger(RequestRouter.class);

  private final BuiltInDispatcher builtIn;
  private final Executor workers;
  private final String label;
  private volatile Dispatcher custom;

  RequestRouter(BuiltInDispatcher builtIn, Executor workers, String label) {
    this.builtIn = builtIn;
    this.workers = workers;
    this.label = label;
  }

  /** The built-in agent. */
  BuiltInDispatcher builtIn() {
    return builtIn;
  }

  /** Replaces the dispatcher; null restores the built-in agent. */
  void dispatcher(Dispatcher dispatcher) {
    custom = dispatcher;
  }

  /**
   * Answers one request at once, on the calling event loop, when that needs no worker: scripted
   * messages, or a cheap built-in answer ({@link BuiltInDispatcher#runsInline}) that no handler or
   * custom dispatcher replaces. Null when the answer must come from {@link #dispatch}.
   */
  List<AgentMessage> answerNow(AgentMessage request, Script.Decision decision) {
    ScriptedReply scripted = decision.scripted();
    if (scripted != null && !scripted.useHandler()) {
      List<AgentMessage> messages = new ArrayList<>(scripted.messages().size());
      scripted.messages().forEach(message -> messages.add(Messages.complete(message, request)));
      return messages;
    }
    if (decision.handler() != null || custom != null || !BuiltInDispatcher.runsInline(request.getPayloadCase())) {
      return null;
    }
    try {
      AgentMessage reply = builtIn.answerNow(request);
      return reply == null ? List.of() : List.of(Messages.complete(reply, request));
    } catch (RuntimeException | Error e) {
      log.warn("fake agent {}: handler for {} failed; no reply", label, request.getPayloadCase(), e);
      return List.of();
    }
  }

  /**
   * Answers one request: scripted messages, or the handler or dispatcher run on the worker
   * executor. Requests that {@link #answerNow} can answer never get here from a session.
   */
  CompletionStage<List<AgentMessage>> dispatch(AgentMessage request, Script.Decision decision) {
    ScriptedReply scripted = decision.scripted();
    if (scripted != null && !scripted.useHandler()) {
      return CompletableFuture.completedFuture(answerNow(request, decision));
    }
    AsyncRequestHandler handler = decision.handler();
    Dispatcher dispatcher = Objects.requireNonNullElse(custom, builtIn);
    CompletableFuture<List<AgentMessage>> result = new CompletableFuture<>();
    try {
      workers.execute(() -> invoke(handler != null
          ? () -> handler.handle(request) : () -> dispatcher.dispatch(decision.recorded()), request, result));
    } catch (RejectedExecutionException e) {
      log.warn("fake agent {}: worker queue full; {} gets no reply", label, request.getPayloadCase());
      result.complete(List.of());
    }
    return result;
  }

  /** One call of a handler or dispatcher. */
  private interface Answer {
    CompletionStage<AgentMessage> call();
  }

  private void invoke(Answer answer, AgentMessage request, CompletableFuture<List<AgentMessage>> result) {
    try {
      CompletionStage<AgentMessage> stage = answer.call();
      if (stage == null) {
        result.complete(List.of());
        return;
      }
      stage.whenComplete((reply, error) -> {
        if (error != null) {
          log.warn("fake agent {}: handler for {} failed; no reply", label, request.getPayloadCase(), error);
          result.complete(List.of());
        } else {
          result.complete(reply == null ? List.of() : List.of(Messages.complete(reply, request)));
        }
      });
    } catch (RuntimeException | Error e) {
      log.warn("fake agent {}: handler for {} failed; no reply", label, request.getPayloadCase(), e);
      result.complete(List.of());
    }
  }
}
