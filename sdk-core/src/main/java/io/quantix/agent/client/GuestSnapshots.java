package io.quantix.agent.client;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Filesystem freeze and thaw for consistent snapshots. Prefer {@link #withQuiesced}, which thaws
 * in every outcome. Quiesce and thaw are not idempotent: neither is retried once it may have
 * reached the agent, unless the client opts in. A {@code success=false} reply fails with
 * REMOTE_FAILURE carrying the guest's text. Capabilities {@code quiesce} and {@code thaw}.
 *
 * <pre>{@code
 * String snapshotId = client.snapshots().withQuiesced(QuiesceSpec.allFilesystems(),
 *     q -> hypervisor.snapshotAsync(vmId)).join();
 * }</pre>
 */
public interface GuestSnapshots {

  /**
   * Freezes filesystems ({@code fsfreeze -f}; VSS on Windows). The guest timeout of the spec is
   * always sent, so the guest thaws by itself if nothing else does. If any freeze fails the agent
   * thaws what it froze and this fails with REMOTE_FAILURE. Not idempotent, not retried.
   */
  CompletableFuture<Quiesced> quiesce(QuiesceSpec spec);

  /**
   * Thaws every filesystem the agent froze, without scripts. Not idempotent, not retried.
   * A thaw failure in the guest (REMOTE_FAILURE) matters: the agent disarms its auto-thaw as soon
   * as it is asked to thaw, so filesystems it failed to thaw stay frozen until thawed again.
   */
  CompletableFuture<Thawed> thaw();

  /**
   * Thaws every filesystem the agent froze, with the spec's post-thaw scripts. The spec's mount
   * points are deliberately not sent: the agent keeps one global auto-thaw timer and disarms it on
   * any thaw, so a partial thaw could leave other frozen filesystems frozen for good.
   */
  CompletableFuture<Thawed> thaw(QuiesceSpec spec);

  /**
   * Freezes, runs {@code action}, and thaws in every outcome; completes with the action's value.
   * <ul>
   *   <li>The action gets the {@link Quiesced} and returns a stage (for example the hypervisor's
   *       snapshot call). It must finish before the guest's auto-thaw (the spec's guest timeout,
   *       counted conservatively from the quiesce request) and before the client's explicit
   *       deadline, if any: otherwise its future is cancelled, the filesystems are thawed and this
   *       fails with DEADLINE_EXCEEDED, since a snapshot taken after the auto-thaw would not be
   *       consistent.</li>
   *   <li>Action failure: thawed, then fails with the action's exception (a thaw failure is
   *       attached as suppressed).</li>
   *   <li>Cancelling the returned future: the action's future is cancelled and the thaw sent at
   *       once (a failure to thaw then is logged, there being nobody to tell).</li>
   *   <li>The quiesce itself fails after it may have reached the guest (lost connection,
   *       deadline): a thaw is sent anyway, in case the guest froze.</li>
   *   <li>The thaw cannot be delivered (connection lost and not back within the spec's thaw
   *       timeout): fails with that code, and the message tells when the guest thaws by itself
   *       (guest clock, and the host-clock estimate).</li>
   * </ul>
   * The thaw targets every filesystem the agent froze (see {@link #thaw(QuiesceSpec)}). Not
   * idempotent as a whole: the quiesce is not retried once it may have reached the agent, but the
   * thaw here is (a repeated thaw is harmless: the agent thaws only what it still tracks as
   * frozen). The action is called on the SDK's callback executor: start the work and return.
   */
  <T> CompletableFuture<T> withQuiesced(QuiesceSpec spec,
      Function<? super Quiesced, ? extends CompletionStage<T>> action);

  /**
   * {@link #withQuiesced(QuiesceSpec, Function)} for a blocking action, run on {@code executor};
   * cancellation and the freeze-window deadline interrupt it. Retries as there.
   */
  <T> CompletableFuture<T> withQuiesced(QuiesceSpec spec, Executor executor, Callable<T> action);
}
