package io.quantix.agent;

import java.util.Optional;

/**
 * The one failure type of the SDK: a {@link Code} a program can act on, the
 * {@link ConnectFailure} when the call failed because no connection could be made, the endpoint
 * involved, and the guest's own error text when the agent reported the failure.
 *
 * <pre>{@code
 * try {
 *   client.files().stat("/no/such/file").join();   // a non-zero exit would be a result
 * } catch (CompletionException e) {
 *   AgentException failure = AgentException.from(e);
 *   if (failure.code() == AgentException.Code.REMOTE_FAILURE) {
 *     log.warn("guest said: {}", failure.remoteMessage().orElse(""));
 *   }
 * }
 * }</pre>
 */
public final class AgentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of failure this is. */
  public enum Code {
    /** No usable connection: the agent is down, unreachable, or the session was lost. */
    UNAVAILABLE,
    /** The call's deadline passed. */
    DEADLINE_EXCEEDED,
    /** The caller cancelled the call. */
    CANCELLED,
    /** The agent ran the request and reported failure ({@code success=false}). */
    REMOTE_FAILURE,
    /** The agent answered with something the protocol does not allow. */
    PROTOCOL,
    /** A local bound was hit (in-flight calls, queue, size limit). */
    RESOURCE_EXHAUSTED,
    /** The call's arguments are invalid; nothing was sent. */
    INVALID_ARGUMENT,
    /** The agent or platform lacks the feature. */
    NOT_SUPPORTED,
    /** The host's policy ({@code CallGuard}) refused the call; nothing was sent. */
    PERMISSION_DENIED
  }

  private final Code code;
  private final transient ConnectFailure connectFailure;
  private final String endpoint;
  private final String remoteMessage;
  private final boolean mayHaveRun;

  private AgentException(Code code, String message, Throwable cause, ConnectFailure connectFailure,
      String endpoint, String remoteMessage, boolean mayHaveRun) {
    super(message, cause);
    this.code = code;
    this.connectFailure = connectFailure;
    this.endpoint = endpoint;
    this.remoteMessage = remoteMessage;
    this.mayHaveRun = mayHaveRun;
  }

  /** A failure with a code and message. */
  public static AgentException of(Code code, String message) {
    return new AgentException(code, message, null, null, null, null, false);
  }

  /** A failure with a code, message and cause. */
  public static AgentException of(Code code, String message, Throwable cause) {
    return new AgentException(code, message, cause, null, null, null, false);
  }

  /** A failure to connect to {@code endpoint}, classified. */
  public static AgentException connectFailed(ConnectFailure failure, String endpoint, String detail,
      Throwable cause) {
    Code code = failure == ConnectFailure.NOT_SUPPORTED ? Code.NOT_SUPPORTED : Code.UNAVAILABLE;
    String message = failure + " " + endpoint + ": "
        + (detail == null || detail.isEmpty() ? failure.description() : detail);
    return new AgentException(code, message, cause, failure, endpoint, null, false);
  }

  /** The agent answered {@code success=false} with {@code guestError}. */
  public static AgentException remote(String operation, String guestError) {
    String text = guestError == null ? "" : guestError;
    return new AgentException(Code.REMOTE_FAILURE,
        operation + " failed in the guest: " + (text.isEmpty() ? "(no error text)" : text), null,
        null, null, text, true);
  }

  /** An invalid argument, detected before any I/O. */
  public static AgentException invalidArgument(String message) {
    return of(Code.INVALID_ARGUMENT, message);
  }

  /** A copy of this failure that records whether the request may have reached the agent. */
  public AgentException withMayHaveRun(boolean mayHaveRun) {
    if (mayHaveRun == this.mayHaveRun) {
      return this;
    }
    AgentException copy = new AgentException(code, getMessage(), getCause(), connectFailure,
        endpoint, remoteMessage, mayHaveRun);
    copy.setStackTrace(getStackTrace());
    return copy;
  }

  /**
   * Unwraps {@code CompletionException}/{@code ExecutionException} layers to the
   * {@code AgentException} inside, or wraps anything else as {@link Code#UNAVAILABLE}.
   */
  public static AgentException from(Throwable t) {
    Throwable cur = t;
    while (cur != null) {
      if (cur instanceof AgentException) {
        return (AgentException) cur;
      }
      if (cur instanceof java.util.concurrent.CancellationException) {
        return of(Code.CANCELLED, "call cancelled", cur);
      }
      if (!(cur instanceof java.util.concurrent.CompletionException
          || cur instanceof java.util.concurrent.ExecutionException) || cur.getCause() == null) {
        break;
      }
      cur = cur.getCause();
    }
    return of(Code.UNAVAILABLE, String.valueOf(cur), cur);
  }

  /** The failure's code. */
  public Code code() {
    return code;
  }

  /** The connect classification, for failures to reach the agent; null otherwise. */
  public ConnectFailure connectFailure() {
    return connectFailure;
  }

  /** The endpoint involved, when known. */
  public Optional<String> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /** The guest's own error text, for {@link Code#REMOTE_FAILURE}. */
  public Optional<String> remoteMessage() {
    return Optional.ofNullable(remoteMessage);
  }

  /** Whether the request may have reached the agent (and so may have run). */
  public boolean mayHaveRun() {
    return mayHaveRun;
  }

  /**
   * Whether retrying could succeed: the agent was unavailable, or the session was reset, and the
   * caller's deadline has not been considered here.
   */
  public boolean isRetryable() {
    return code == Code.UNAVAILABLE;
  }
}
