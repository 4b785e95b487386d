package io.quantix.agent.qga.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantix.agent.AgentException;
import io.quantix.agent.Deadline;
import io.quantix.agent.qga.QgaExec;
import io.quantix.agent.qga.QgaExecResult;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * {@code guest-exec}, then {@code guest-exec-status} polled with backoff (1 ms doubling to
 * 200 ms) until the program exits or the deadline passes. The exited answer reaps qemu-ga's
 * entry, so it is the last poll. Cancelling stops the polling; the guest program keeps running
 * (qemu-ga 7.2 has no command to kill it).
 */
public final class ExecRun {
  static final Duration FIRST_POLL = Duration.ofMillis(1);
  static final Duration MAX_POLL = Duration.ofMillis(200);

  private final Calls calls;
  private final Deadline deadline;
  private final CompletableFuture<QgaExecResult> result = new CompletableFuture<>();

  private ExecRun(Calls calls, Deadline deadline) {
    this.calls = calls;
    this.deadline = deadline;
  }

  /** Starts {@code exec} under {@code deadline}. */
  public static CompletableFuture<QgaExecResult> start(Calls calls, QgaExec exec,
      Deadline deadline) {
    ExecRun run = new ExecRun(calls, deadline);
    CompletableFuture<Long> started = calls.call("guest-exec", arguments(exec), deadline, false,
        v -> Parsers.required(v, "pid", "guest-exec").asLong());
    run.result.whenComplete((r, e) -> started.cancel(false));
    started.whenComplete((pid, e) -> {
      if (e != null) {
        run.result.completeExceptionally(AgentException.from(e));
      } else {
        run.poll(pid, FIRST_POLL);
      }
    });
    return run.result;
  }

  /** The status of a detached program, one poll. */
  public static ObjectNode statusArguments(long pid) {
    return Json.object().put("pid", pid);
  }

  static ObjectNode arguments(QgaExec exec) {
    ObjectNode a = Json.object().put("path", exec.path());
    if (!exec.args().isEmpty()) {
      ArrayNode args = a.putArray("arg");
      exec.args().forEach(args::add);
    }
    exec.environment().ifPresent(env -> {
      ArrayNode list = a.putArray("env");
      env.forEach((k, v) -> list.add(k + "=" + v));
    });
    exec.input().ifPresent(in -> a.put("input-data", Base64.getEncoder().encodeToString(in)));
    a.put("capture-output", exec.captureOutput());
    return a;
  }

  private void poll(long pid, Duration wait) {
    if (result.isDone()) {
      return;
    }
    CompletableFuture<QgaExecResult> status = calls.call("guest-exec-status",
        statusArguments(pid), deadline, false, v -> parseStatus(pid, v));
    result.whenComplete((r, e) -> status.cancel(false));
    status.whenComplete((r, e) -> {
      if (e != null) {
        AgentException failure = AgentException.from(e);
        if (failure.code() == AgentException.Code.DEADLINE_EXCEEDED) {
          failure = AgentException.of(AgentException.Code.DEADLINE_EXCEEDED, "guest-exec: pid "
              + pid + " still running when the deadline passed (it keeps running in the guest)",
              failure).withMayHaveRun(true);
        }
        result.completeExceptionally(failure);
      } else if (r != null) {
        result.complete(r);
      } else if (deadline.isExpired()) {
        result.completeExceptionally(AgentException.of(AgentException.Code.DEADLINE_EXCEEDED,
            "guest-exec: pid " + pid + " still running when the deadline passed (it keeps"
                + " running in the guest)").withMayHaveRun(true));
      } else {
        Duration next = wait.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL
            : wait.multipliedBy(2);
        Duration delay = wait.compareTo(deadline.remaining()) > 0 ? deadline.remaining() : wait;
        if (!calls.later(() -> poll(pid, next), delay)) {
          result.completeExceptionally(AgentException.of(AgentException.Code.UNAVAILABLE,
              "guest-exec: the qemu-ga client closed while pid " + pid + " ran"));
        }
      }
    });
  }

  /** The result once exited; null while it runs. */
  static QgaExecResult parseStatus(long pid, JsonNode v) {
    if (!Parsers.required(v, "exited", "guest-exec-status").asBoolean()) {
      return null;
    }
    Base64.Decoder b64 = Base64.getDecoder();
    byte[] out = v.hasNonNull("out-data") ? b64.decode(v.get("out-data").asText()) : new byte[0];
    byte[] err = v.hasNonNull("err-data") ? b64.decode(v.get("err-data").asText()) : new byte[0];
    int signal = v.path("signal").asInt(0);
    int exit = v.hasNonNull("exitcode") ? v.get("exitcode").asInt() : -1;
    return new QgaExecResult(pid, exit, signal, out, err, v.path("out-truncated").asBoolean(false),
        v.path("err-truncated").asBoolean(false));
  }
}
