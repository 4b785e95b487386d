package io.quantix.agent.client.internal;

import com.google.protobuf.UnsafeByteOperations;
import io.netty.util.concurrent.ScheduledFuture;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.Deadline;
import io.quantix.agent.client.AgentInfo;
import io.quantix.agent.client.CallOptions;
import io.quantix.agent.client.Subscription;
import io.quantix.agent.client.UpdateOptions;
import io.quantix.agent.client.UpdateResult;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentUpdateRequest;
import io.quantix.agent.proto.AgentUpdateResponse;
import io.quantix.agent.proto.UpdateState;
import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One agent update: sequential chunks (chunk 0 restarts the agent's update state and carries the
 * checksum and size; the agent appends later chunks in arrival order, so no chunk may overtake
 * another), the verdict on the last chunk, then the optional restart and the wait for AgentReady.
 */
final class UpdateRun {
  private final AgentClientImpl client;
  private final ChunkSource source;
  private final String target;
  private final String sha256;
  private final long size;
  private final UpdateOptions options;
  private final Deadline overall;
  private final String previousVersion;
  private final CompletableFuture<UpdateResult> result = new CompletableFuture<>();
  private final long startNanos = System.nanoTime();
  private volatile CompletableFuture<?> current;
  private long sent;
  private int chunk;

  UpdateRun(AgentClientImpl client, ChunkSource source, String target, byte[] digest, long size,
      UpdateOptions options) {
    this.client = client;
    this.source = source;
    this.target = target;
    this.sha256 = HexFormat.of().formatHex(digest);
    this.size = size;
    this.options = options;
    this.overall = client.options().hasExplicitDeadline() ? client.deadline() : null;
    AgentInfo info = client.link().agentInfo();
    this.previousVersion = info == null ? null : info.version();
    result.whenComplete((r, e) -> {
      CompletableFuture<?> inFlight = current;
      if (result.isCancelled() && inFlight != null) {
        inFlight.cancel(false);
      }
      try {
        source.close();
      } catch (IOException ignored) {
        // A read-only source loses nothing on close.
      }
    });
  }

  CompletableFuture<UpdateResult> result() {
    return result;
  }

  /** Starts sending; on the callback executor. */
  void start() {
    try {
      byte[] head = read();
      sendChunk(head, read());
    } catch (IOException e) {
      fail(AgentException.of(Code.INVALID_ARGUMENT, "reading the agent binary failed: " + e, e));
    }
  }

  private byte[] read() throws IOException {
    byte[] buf = new byte[options.chunkSize()];
    int n = source.read(buf);
    return n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
  }

  private void fail(AgentException e) {
    result.completeExceptionally(e);
  }

  private void sendChunk(byte[] data, byte[] next) {
    if (result.isDone()) {
      return;
    }
    boolean last = next.length == 0;
    AgentUpdateRequest.Builder req = AgentUpdateRequest.newBuilder()
        .setTargetVersion(target)
        .setBinaryData(UnsafeByteOperations.unsafeWrap(data))
        .setChunkNumber(chunk)
        .setIsLastChunk(last);
    if (chunk == 0) {
      req.setChecksumSha256(sha256).setTotalSize(size);
    }
    int number = chunk;
    Deadline deadline = overall != null ? overall : Deadline.after(CallOptions.DEFAULT_TIMEOUT);
    CompletableFuture<AgentUpdateResponse> reply = client.call(Operation.AGENT_UPDATE,
        AgentMessage.newBuilder().setAgentUpdate(req).build(), deadline, null, false,
        m -> m.getAgentUpdateResponse());
    current = reply;
    reply.whenComplete((r, e) -> {
      try {
        onReply(r, e, data, next, last, number);
      } catch (RuntimeException failure) {
        // A progress callback (or anything else) that throws must not leave the update hanging.
        fail(AgentException.of(Code.INVALID_ARGUMENT, "agent update to " + target
            + " stopped: " + failure, failure));
      }
    });
  }

  private void onReply(AgentUpdateResponse r, Throwable e, byte[] data, byte[] next,
      boolean last, int number) {
    if (e != null) {
      fail(AgentException.from(e));
      return;
    }
    if (!r.getSuccess() || r.getState() == UpdateState.UPDATE_STATE_FAILED) {
      fail(AgentException.remote("agent update to " + target + " (chunk " + number + ")",
          r.getError()));
      return;
    }
    sent += data.length;
    chunk++;
    options.progress().onProgress(sent, size);
    if (!last) {
      try {
        sendChunk(next, read());
      } catch (IOException io) {
        fail(AgentException.of(Code.INVALID_ARGUMENT, "reading the agent binary failed: " + io,
            io));
      }
      return;
    }
    if (r.getState() != UpdateState.UPDATE_STATE_COMPLETE) {
      fail(AgentException.of(Code.PROTOCOL, "agent update to " + target + ": the last chunk "
          + "was answered with state " + r.getState() + " instead of a verdict"));
      return;
    }
    if (sent != size) {
      fail(AgentException.of(Code.INVALID_ARGUMENT, "agent update to " + target + ": the "
          + "binary changed while it was sent (" + sent + " bytes sent, " + size + " hashed)"));
      return;
    }
    if (options.restart()) {
      restart(r);
    } else {
      finish(r, null);
    }
  }

  private void finish(AgentUpdateResponse verdict, String runningVersion) {
    result.complete(new UpdateResult(target, sha256, sent, chunk, verdict.getCurrentVersion(),
        verdict.getRestartRequired(), runningVersion,
        Duration.ofNanos(System.nanoTime() - startNanos)));
  }

  /** Runs the restart command and waits for an AgentReady announcing the target version. */
  private void restart(AgentUpdateResponse verdict) {
    CompletableFuture<AgentInfo> ready = new CompletableFuture<>();
    AtomicReference<String> lastSeen = new AtomicReference<>();
    Subscription sub = client.onAgentReady(info -> {
      String v = info.version();
      if (v.equals(target)) {
        ready.complete(info);
      } else if (v.equals(previousVersion) || v.equals(verdict.getCurrentVersion())) {
        lastSeen.set(v);  // a reconnect of the old agent, before the restart took effect
      } else {
        ready.completeExceptionally(mismatch(v));
      }
    });
    ScheduledFuture<?> timer = client.link().loop().schedule(() -> ready.completeExceptionally(
        lastSeen.get() != null ? mismatch(lastSeen.get()) : AgentException.remote("agent update to "
            + target, "no AgentReady from the restarted agent within "
            + options.restartTimeout())), options.restartTimeout().toNanos(),
        TimeUnit.NANOSECONDS);
    result.whenComplete((r, e) -> ready.cancel(false));
    ready.whenComplete((info, e) -> {
      sub.close();
      timer.cancel(false);
      if (e != null) {
        fail(AgentException.from(e));
      } else {
        finish(verdict, info.version());
      }
    });
    AgentClientImpl execView = new AgentClientImpl(client.link(),
        CallOptions.DEFAULT.withTimeout(options.restartTimeout()));
    execView.exec(options.restartCommand()).whenComplete((r, e) -> {
      if (e == null) {
        return;
      }
      AgentException failure = AgentException.from(e);
      // The agent may die before answering: only a refusal or a spawn error is a failure.
      if (failure.code() == Code.REMOTE_FAILURE) {
        ready.completeExceptionally(AgentException.remote("agent update to " + target
            + ": installed, but the restart command failed", failure.remoteMessage().orElse("")));
      } else if (failure.code() != Code.UNAVAILABLE && failure.code() != Code.DEADLINE_EXCEEDED) {
        ready.completeExceptionally(AgentException.of(failure.code(), "agent update to " + target
            + ": installed, but the restart command failed: " + failure.getMessage(), failure));
      }
    });
  }

  private AgentException mismatch(String version) {
    return AgentException.remote("agent update to " + target, "the restarted agent reports "
        + "version " + version + ", expected " + target);
  }
}
