package io.quantix.agent.client.internal;

import io.quantix.agent.internal.Checks;
import io.netty.util.concurrent.ScheduledFuture;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.Deadline;
import io.quantix.agent.client.QuiesceSpec;
import io.quantix.agent.client.Quiesced;
import io.quantix.agent.client.Thawed;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code withQuiesced}: freeze, action, thaw. Exactly one thaw is sent, by whichever outcome
 * comes first (the action ends, the freeze window closes, the caller cancels), and only after the
 * quiesce reply: the agent runs requests concurrently, so a thaw overtaking its freeze would
 * thaw nothing. The thaw goes through a view that may retry it (a repeated thaw is harmless: the
 * agent thaws only what it still tracks as frozen).
 */
final class QuiescedRun<T> {
  private static final Logger log = LoggerFactory.getLogger(QuiescedRun.class);

  private final GuestSnapshotsImpl snapshots;
  private final QuiesceSpec spec;
  private final Function<? super Quiesced, ? extends CompletionStage<T>> action;
  private final CompletableFuture<T> result = new CompletableFuture<>();
  private final AtomicBoolean thawClaimed = new AtomicBoolean();
  private final Instant estimate;
  private final long windowNanos;
  private final long startNanos = System.nanoTime();
  private CompletableFuture<Quiesced> quiesce;
  private volatile Quiesced quiesced;
  private volatile CompletableFuture<T> actionFuture;
  private volatile ScheduledFuture<?> windowTimer;

  private QuiescedRun(GuestSnapshotsImpl snapshots, QuiesceSpec spec,
      Function<? super Quiesced, ? extends CompletionStage<T>> action) {
    this.snapshots = snapshots;
    this.spec = spec;
    this.action = action;
    this.estimate = Instant.now().plus(spec.guestTimeout());
    long window = spec.guestTimeout().toNanos();
    AgentClientImpl client = snapshots.client();
    if (client.options().hasExplicitDeadline()) {
      window = Math.min(window, client.deadline().remaining(TimeUnit.NANOSECONDS));
    }
    this.windowNanos = window;
  }

  static <T> CompletableFuture<T> start(GuestSnapshotsImpl snapshots, QuiesceSpec spec,
      Function<? super Quiesced, ? extends CompletionStage<T>> action) {
    QuiescedRun<T> run = new QuiescedRun<>(snapshots, spec, action);
    run.begin();
    return run.result;
  }

  private void begin() {
    quiesce = snapshots.quiesce(spec, estimate);
    result.whenComplete((v, e) -> {
      if (result.isCancelled()) {
        onCancelled();
      }
    });
    quiesce.whenComplete((q, e) -> {
      if (e != null) {
        onQuiesceFailed(AgentException.from(e));
      } else {
        quiesced = q;
        if (!result.isDone()) {
          runAction(q);
        }
      }
    });
  }

  private static boolean mayBeFrozen(AgentException quiesceFailure) {
    // success=false means the agent thawed what it froze; anything else after the write is unknown.
    return quiesceFailure.mayHaveRun() && quiesceFailure.code() != Code.REMOTE_FAILURE;
  }

  private void onQuiesceFailed(AgentException failure) {
    if (!mayBeFrozen(failure) || !thawClaimed.compareAndSet(false, true)) {
      result.completeExceptionally(failure);
      return;
    }
    thaw().whenComplete((t, te) -> {
      AgentException primary = AgentException.of(failure.code(), failure.getMessage()
          + "; the guest may have frozen its filesystems: " + (te == null
              ? "a thaw was sent and succeeded" : autoThawText()), failure).withMayHaveRun(true);
      if (te != null) {
        primary.addSuppressed(AgentException.from(te));
      }
      result.completeExceptionally(primary);
    });
  }

  private void runAction(Quiesced q) {
    long left = windowNanos - (System.nanoTime() - startNanos);
    windowTimer = snapshots.client().link().loop().schedule(this::onWindowClosed,
        Math.max(0, left), TimeUnit.NANOSECONDS);
    CompletableFuture<T> stage;
    try {
      CompletionStage<T> s = action.apply(q);
      if (s == null) {
        throw Checks.invalid("the quiesced action returned null instead of a stage");
      }
      stage = s.toCompletableFuture();
    } catch (RuntimeException e) {
      onActionDone(null, e);
      return;
    }
    actionFuture = stage;
    if (result.isDone()) {
      stage.cancel(true);
    }
    stage.whenComplete(this::onActionDone);
  }

  private void onActionDone(T value, Throwable failure) {
    cancelTimer();
    if (!thawClaimed.compareAndSet(false, true)) {
      return;
    }
    Throwable primary = failure == null ? null : unwrap(failure);
    String when = primary == null ? "after the action" : "after the action failed";
    thaw().whenComplete((t, te) -> {
      if (te == null) {
        if (primary == null) {
          result.complete(value);
        } else {
          result.completeExceptionally(primary);
        }
        return;
      }
      AgentException thawFailure = thawFailure(AgentException.from(te), when);
      if (primary == null) {
        result.completeExceptionally(thawFailure);
      } else {
        primary.addSuppressed(thawFailure);
        result.completeExceptionally(primary);
      }
    });
  }

  private void onWindowClosed() {
    windowTimer = null;
    if (!thawClaimed.compareAndSet(false, true)) {
      return;
    }
    cancelAction();
    thaw().whenComplete((t, te) -> {
      AgentException failure = AgentException.of(Code.DEADLINE_EXCEEDED, "the quiesced action did "
          + "not finish within " + Duration.ofNanos(windowNanos) + " (the guest's auto-thaw "
          + "timeout or the call's deadline): a snapshot taken now would not be consistent; "
          + (te == null ? "the filesystems were thawed" : "the thaw failed too"));
      if (te != null) {
        failure.addSuppressed(thawFailure(AgentException.from(te), "after the freeze window"));
      }
      result.completeExceptionally(failure);
    });
  }

  private void onCancelled() {
    cancelTimer();
    cancelAction();
    if (!thawClaimed.compareAndSet(false, true)) {
      return;
    }
    // Wait for the quiesce reply: a thaw overtaking the freeze would leave it frozen.
    quiesce.whenComplete((q, e) -> {
      if (e != null && !mayBeFrozen(AgentException.from(e))) {
        return;
      }
      thaw().whenComplete((t, te) -> {
        if (te != null) {
          log.warn("agent {}: thaw after a cancelled withQuiesced failed: {}",
              snapshots.client().vmId(),
              thawFailure(AgentException.from(te), "after cancellation").getMessage());
        }
      });
    });
  }

  private CompletableFuture<Thawed> thaw() {
    AgentClientImpl client = snapshots.client();
    AgentClientImpl retrying = new AgentClientImpl(client.link(),
        client.options().withRetryOfNonIdempotent(true));
    Quiesced q = quiesced;
    return GuestSnapshotsImpl.thaw(retrying, q == null ? "" : q.token(), spec.runPostThawScripts(),
        spec.postThawScriptDir(), Deadline.after(spec.thawTimeout()));
  }

  private AgentException thawFailure(AgentException failure, String when) {
    if (failure.code() == Code.REMOTE_FAILURE) {
      // The guest's own text stays intact; its auto-thaw is disarmed by any thaw attempt.
      return failure;
    }
    return AgentException.of(failure.code(), "thaw " + when + " failed: " + failure.getMessage()
        + "; " + autoThawText(), failure).withMayHaveRun(failure.mayHaveRun());
  }

  /** When the guest thaws by itself, for people reading the failure. */
  String autoThawText() {
    Quiesced q = quiesced;
    Instant host = q != null ? q.autoThawEstimate() : estimate;
    String guest = q != null && q.autoThawAt() != null ? q.autoThawAt() + " on the guest's clock, "
        : "";
    Duration in = Duration.between(Instant.now(), host);
    return "the guest thaws its filesystems by itself at " + guest + "about " + host
        + " on the host's clock" + (in.isNegative() ? " (already passed)" : " (in " + in + ")");
  }

  private void cancelAction() {
    CompletableFuture<T> f = actionFuture;
    if (f != null) {
      f.cancel(true);
    }
  }

  private void cancelTimer() {
    ScheduledFuture<?> t = windowTimer;
    if (t != null) {
      t.cancel(false);
    }
  }

  private static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while ((cur instanceof CompletionException || cur instanceof ExecutionException)
        && cur.getCause() != null) {
      cur = cur.getCause();
    }
    return cur;
  }
}
