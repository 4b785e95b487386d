package io.quantix.agent.agentctl;

import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Maps what went wrong to agentctl's exit code and one line for people. */
final class Failures {
  private Failures() {}

  /**
   * An exit code and its message.
   *
   * @param exitCode the process exit code
   * @param message one line, without the {@code agentctl:} prefix
   */
  record Failure(int exitCode, String message) {}

  /**
   * The JSON line of a failure under --json: the envelope (the VM and endpoint of the first -e,
   * when it parses) and an {@code error} object: exit code, message, the SDK's code and the
   * connect classification when there are any.
   */
  static Json.Obj json(java.util.List<String> endpoints, Failure f, Throwable t) {
    String vm = null;
    String endpoint = null;
    if (!endpoints.isEmpty()) {
      try {
        io.quantix.agent.transport.Endpoint e = Endpoints.parse(endpoints.get(0));
        vm = Endpoints.vmId(e);
        endpoint = e.uri();
      } catch (CliError e) {
        endpoint = endpoints.get(0);
      }
    }
    Throwable cause = unwrap(t);
    AgentException agent = cause instanceof AgentException a ? a : null;
    return Json.line(vm, endpoint, Json.obj().put("error", Json.obj()
        .put("exitCode", f.exitCode()).put("message", f.message())
        .put("code", agent == null ? null : agent.code().name())
        .put("connectFailure", agent == null || agent.connectFailure() == null ? null
            : agent.connectFailure().name())));
  }

  /** The exit code and message of {@code t}. */
  static Failure classify(Throwable t) {
    Throwable cause = unwrap(t);
    if (cause instanceof CliError e) {
      return new Failure(e.exitCode(), e.getMessage());
    }
    if (cause instanceof AgentException e) {
      return agent(e);
    }
    if (cause instanceof IllegalArgumentException e) {
      return new Failure(ExitCodes.USAGE, oneLine(e.getMessage()));
    }
    if (cause instanceof NoSuchFileException e) {
      return new Failure(ExitCodes.FAILURE, "no such local file: " + e.getFile());
    }
    if (cause instanceof AccessDeniedException e) {
      return new Failure(ExitCodes.FAILURE, "permission denied: " + e.getFile());
    }
    if (cause instanceof IOException e) {
      return new Failure(ExitCodes.FAILURE, "local I/O failed: " + oneLine(String.valueOf(e)));
    }
    if (cause instanceof java.util.concurrent.CancellationException) {
      return new Failure(ExitCodes.FAILURE, "cancelled");
    }
    if (cause instanceof InterruptedException) {
      return new Failure(ExitCodes.FAILURE, "interrupted");
    }
    return new Failure(ExitCodes.FAILURE, oneLine(String.valueOf(cause)));
  }

  private static Failure agent(AgentException e) {
    String message = oneLine(e.getMessage());
    ConnectFailure kind = e.connectFailure();
    if (kind != null) {
      message = collapseRepeatedPrefix(message);
    }
    switch (e.code()) {
      case UNAVAILABLE:
        if (kind != null) {
          return new Failure(ExitCodes.CANNOT_CONNECT, "cannot connect: " + message);
        }
        return new Failure(ExitCodes.FAILURE, "agent unavailable: " + message);
      case NOT_SUPPORTED:
        if (kind != null) {
          return new Failure(ExitCodes.CANNOT_CONNECT, "cannot connect: " + message);
        }
        return new Failure(ExitCodes.FAILURE, "not supported: " + message);
      case DEADLINE_EXCEEDED:
        return new Failure(ExitCodes.DEADLINE_EXCEEDED, message);
      case REMOTE_FAILURE:
        return new Failure(ExitCodes.REMOTE_FAILURE, message);
      case PROTOCOL:
        return new Failure(ExitCodes.PROTOCOL, "protocol error: " + message);
      case INVALID_ARGUMENT:
        return new Failure(ExitCodes.USAGE, message);
      case CANCELLED:
        return new Failure(ExitCodes.FAILURE, "cancelled: " + message);
      case RESOURCE_EXHAUSTED:
        return new Failure(ExitCodes.FAILURE, "limit reached: " + message);
      default:
        return new Failure(ExitCodes.FAILURE, message);
    }
  }

  /**
   * {@code "NO_CHANNEL unix:/x: NO_CHANNEL unix:/x: detail"} as {@code "NO_CHANNEL unix:/x: detail"}:
   * a connect failure re-raised for a queued call repeats its classification and endpoint.
   */
  static String collapseRepeatedPrefix(String message) {
    int colon = message.indexOf(": ");
    if (colon < 0) {
      return message;
    }
    String prefix = message.substring(0, colon + 2);
    String rest = message.substring(prefix.length());
    while (rest.startsWith(prefix)) {
      rest = rest.substring(prefix.length());
    }
    return prefix + rest;
  }

  /** The failure inside future and reflection wrappers. */
  static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while ((cur instanceof CompletionException || cur instanceof ExecutionException
        || cur instanceof UncheckedIOException
        || cur instanceof java.lang.reflect.InvocationTargetException)
        && cur.getCause() != null) {
      cur = cur.getCause();
    }
    return cur;
  }

  static String oneLine(String s) {
    if (s == null) {
      return "(no message)";
    }
    return s.strip().replaceAll("\\s*[\\r\\n]+\\s*", " | ");
  }
}
