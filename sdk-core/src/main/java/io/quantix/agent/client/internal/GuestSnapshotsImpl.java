package io.quantix.agent.client.internal;

import io.quantix.agent.internal.Checks;
import io.quantix.agent.AgentException;
import io.quantix.agent.Deadline;
import io.quantix.agent.client.GuestSnapshots;
import io.quantix.agent.client.QuiesceSpec;
import io.quantix.agent.client.Quiesced;
import io.quantix.agent.client.Thawed;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.FrozenFilesystem;
import io.quantix.agent.proto.QuiesceFilesystemsRequest;
import io.quantix.agent.proto.QuiesceFilesystemsResponse;
import io.quantix.agent.proto.ThawFilesystemsRequest;
import io.quantix.agent.proto.ThawFilesystemsResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/** {@link GuestSnapshots} over one client view. */
final class GuestSnapshotsImpl implements GuestSnapshots {
  private final AgentClientImpl client;

  GuestSnapshotsImpl(AgentClientImpl client) {
    this.client = client;
  }

  AgentClientImpl client() {
    return client;
  }

  @Override
  public CompletableFuture<Quiesced> quiesce(QuiesceSpec spec) {
    return Replies.guarded(() -> {
      Checks.notNull(spec, "spec");
      return quiesce(spec, Instant.now().plus(spec.guestTimeout()));
    });
  }

  /** Quiesces; {@code estimate} is the host-clock auto-thaw estimate to report. */
  CompletableFuture<Quiesced> quiesce(QuiesceSpec spec, Instant estimate) {
    AgentMessage request = AgentMessage.newBuilder().setQuiesce(
        QuiesceFilesystemsRequest.newBuilder()
            .addAllMountPoints(spec.mountPoints())
            .setTimeoutSeconds((int) spec.guestTimeout().toSeconds())
            .setRunPreFreezeScripts(spec.runPreFreezeScripts())
            .setPreFreezeScriptDir(spec.preFreezeScriptDir())).build();
    return client.call(Operation.QUIESCE, request, reply -> {
      QuiesceFilesystemsResponse r = reply.getQuiesceResponse();
      Replies.requireSuccess("quiesce", r.getSuccess(), r.getError());
      List<Quiesced.Filesystem> filesystems = new ArrayList<>(r.getFrozenCount());
      for (FrozenFilesystem f : r.getFrozenList()) {
        filesystems.add(new Quiesced.Filesystem(f.getMountPoint(), f.getDevice(),
            f.getFilesystem(), f.getFrozen(), f.getError()));
      }
      return new Quiesced(r.getQuiesceToken(), filesystems,
          Replies.instant(r.hasAutoThawAt(), r.getAutoThawAt()), estimate);
    });
  }

  @Override
  public CompletableFuture<Thawed> thaw() {
    return thaw(client, "", false, "", client.deadline());
  }

  @Override
  public CompletableFuture<Thawed> thaw(QuiesceSpec spec) {
    return Replies.guarded(() -> {
      Checks.notNull(spec, "spec");
      return thaw(client, "", spec.runPostThawScripts(), spec.postThawScriptDir(),
          client.deadline());
    });
  }

  /** Thaws every filesystem the agent froze, through {@code via}. */
  static CompletableFuture<Thawed> thaw(AgentClientImpl via, String token, boolean scripts,
      String scriptDir, Deadline deadline) {
    AgentMessage request = AgentMessage.newBuilder().setThaw(ThawFilesystemsRequest.newBuilder()
        .setQuiesceToken(token)
        .setRunPostThawScripts(scripts)
        .setPostThawScriptDir(scriptDir)).build();
    return via.call(Operation.THAW, request, deadline, null, false, reply -> {
      ThawFilesystemsResponse r = reply.getThawResponse();
      Replies.requireSuccess("thaw", r.getSuccess(), r.getError());
      return new Thawed(r.getThawedMountPointsList(), Duration.ofMillis(r.getFrozenDurationMs()));
    });
  }

  @Override
  public <T> CompletableFuture<T> withQuiesced(QuiesceSpec spec,
      Function<? super Quiesced, ? extends CompletionStage<T>> action) {
    return Replies.guarded(() -> {
      Checks.notNull(spec, "spec");
      Checks.notNull(action, "action");
      return QuiescedRun.start(this, spec, action);
    });
  }

  @Override
  public <T> CompletableFuture<T> withQuiesced(QuiesceSpec spec, Executor executor,
      Callable<T> action) {
    return Replies.guarded(() -> {
      Checks.notNull(executor, "executor");
      Checks.notNull(action, "action");
      return withQuiesced(spec, q -> interruptible(executor, action));
    });
  }

  /** Runs {@code task} on {@code executor}; cancelling the future interrupts the task. */
  static <T> CompletableFuture<T> interruptible(Executor executor, Callable<T> task) {
    CompletableFuture<T> future = new CompletableFuture<>();
    FutureTask<T> run = new FutureTask<>(task) {
      @Override
      protected void done() {
        if (isCancelled()) {
          future.cancel(false);
          return;
        }
        try {
          future.complete(get());
        } catch (ExecutionException e) {
          future.completeExceptionally(e.getCause());
        } catch (InterruptedException | CancellationException e) {
          future.completeExceptionally(e);
        }
      }
    };
    future.whenComplete((v, e) -> {
      if (future.isCancelled()) {
        run.cancel(true);
      }
    });
    try {
      executor.execute(run);
    } catch (RejectedExecutionException e) {
      future.completeExceptionally(AgentException.of(AgentException.Code.RESOURCE_EXHAUSTED,
          "the executor refused the quiesced action: " + e, e));
    }
    return future;
  }
}
