package io.quantix.agent.qga.internal;

import io.quantix.agent.AgentException;
import io.quantix.agent.ConnectFailure;
import io.quantix.agent.qga.QgaInfo;
import io.quantix.agent.qga.QgaState;
import io.quantix.agent.qga.QgaStatus;
import java.time.Instant;

/** A session's cached status and guest-info: written on the loop, read from anywhere. */
public final class SessionState {
  private volatile QgaStatus status = new QgaStatus(QgaState.IDLE, Instant.now(),
      "not connected yet", null, null);
  private volatile QgaInfo info;

  /** The current status. */
  public QgaStatus status() {
    return status;
  }

  QgaState state() {
    return status.state();
  }

  /** The last guest-info, or null. */
  public QgaInfo info() {
    return info;
  }

  /** Records guest-info (from an info call or the fetch after a sync). */
  public void info(QgaInfo fresh) {
    this.info = fresh;
    QgaStatus s = status;
    status = new QgaStatus(s.state(), s.since(), s.detail(), s.failure(), fresh);
  }

  /** Forgets guest-info (a freeze or thaw changes which commands are enabled). */
  public void forgetInfo() {
    this.info = null;
  }

  void set(QgaState state, String detail, ConnectFailure failure) {
    QgaStatus s = status;
    Instant since = s.state() == state ? s.since() : Instant.now();
    status = new QgaStatus(state, since, detail, failure, info);
  }

  void failed(AgentException failure) {
    ConnectFailure f = failure.connectFailure();
    QgaState state = f == ConnectFailure.NO_CHANNEL ? QgaState.NO_CHANNEL
        : f == ConnectFailure.VM_NOT_RUNNING ? QgaState.VM_NOT_RUNNING : QgaState.FAILED;
    set(state, failure.getMessage(), f);
  }
}
