package io.quantix.agent.qga;

import io.quantix.agent.ConnectFailure;
import java.time.Instant;
import java.util.Optional;

/**
 * A qemu-ga session's status from cached state: answering it does no I/O.
 *
 * <pre>{@code
 * QgaStatus s = qga.status();
 * System.out.println(s.state() + " since " + s.since() + ": " + s.detail());
 * }</pre>
 *
 * @param state the state
 * @param since when it was entered
 * @param detail a sentence for people (the cause of a failure, the endpoint)
 * @param failure the connect classification of the last failure, or null
 * @param info the last guest-info of this session, or null
 */
public record QgaStatus(QgaState state, Instant since, String detail, ConnectFailure failure,
    QgaInfo info) {

  /** The last guest-info seen, if any. */
  public Optional<QgaInfo> guestInfo() {
    return Optional.ofNullable(info);
  }

  /** Whether qemu-ga answered on the live session. */
  public boolean isReady() {
    return state == QgaState.READY;
  }
}
