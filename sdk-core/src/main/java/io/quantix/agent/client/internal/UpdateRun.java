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
final class UpdateRun extends SequentialChunks<AgentUpdateResponse, UpdateResult> {
  private final AgentClientImpl client;
  private final String target;
  private final String sha256;
  private final long size;
  private final UpdateOptions options;
  private final Deadline overall;
  private final String previousVersion;
  private final long startNanos = System.nanoTime();

  UpdateRun(AgentClientImpl client, ChunkSource source, String target, byte[] digest, long size,
      UpdateOptions options) {
    super(source, options.chunkSize());
    this.client = client;
    this.target = target;
    this.sha256 = HexFormat.of().formatHex(digest);
    this.size = size;
    this.options = options;
    this.overall = client.options().hasExplicitDeadline() ? client.deadline() : null;
    AgentInfo info = client.link().agentInfo();
    this.previousVersion = info == null ? null : info.version();
  }

  CompletableFuture<UpdateResult> result() {
    return result;
  }

  private void fail(AgentException e) {
    result.completeExceptionally(e);
  }

  @Override
  protected String what() {
    return "agent update to " + target;
  }

  @Override
  protected CompletableFuture<AgentUpdateResponse> send(int number, long offset, byte[] data,
      boolean last) {
    AgentUpdateRequest.Builder req = AgentUpdateRequest.newBuilder()
        .setTargetVersion(target)
        .setBinaryData(UnsafeByteOperations.unsafeWrap(data))
        .setChunkNumber(number)
        .setIsLastChunk(last);
    if (number == 0) {
      req.setChecksumSha256(sha256).setTotalSize(size);
    }
    Deadline deadline = overall != null ? overall : Deadline.after(CallOptions.DEFAULT_TIMEOUT);
    return client.sendPart(Operation.AGENT_UPDATE,
        AgentMessage.newBuilder().setAgentUpdate(req).build(), deadline, null, false,
        m -> m.getAgentUpdateResponse());
  }

  @Override
  protected AgentException check(AgentUpdateResponse r, int number, int length) {
    if (!r.getSuccess() || r.getState() == UpdateState.UPDATE_STATE_FAILED) {
      return AgentException.remote(what() + " (chunk " + number + ")", r.getError());
    }
    return null;
  }

  @Override
  protected void progress(long sentBytes) {
    options.progress().onProgress(sentBytes, size);
  }

  @Override
  protected void lastAcknowledged(AgentUpdateResponse r) {
    if (r.getState() != UpdateState.UPDATE_STATE_COMPLETE) {
      fail(AgentException.of(Code.PROTOCOL, what() + ": the last chunk "
          + "was answered with state " + r.getState() + " instead of a verdict"));
      return;
    }
    if (sent() != size) {
      fail(AgentException.of(Code.INVALID_ARGUMENT, what() + ": the "
          + "binary changed while it was sent (" + sent() + " bytes sent, " + size + " hashed)"));
      return;
    }
    if (options.restart()) {
      restart(r);
    } else {
      finish(r, null);
    }
  }

  private void finish(AgentUpdateResponse verdict, String runningVersion) {
    result.complete(new UpdateResult(target, sha256, sent(), chunks(), verdict.getCurrentVersion(),
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
    AgentClientImpl execView = new AgentClientImpl(client.link(), CallOptions.DEFAULT
        .withTimeout(options.restartTimeout()).withPrincipal(client.options().principal()));
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
