package io.quantix.agent.testkit;

import com.google.protobuf.ByteString;
import io.quantix.agent.proto.ClipboardType;
import io.quantix.agent.proto.ShutdownType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the fake guest did with the host's requests: nothing is applied to the machine running the
 * tests; it is recorded here instead (bounded: each list keeps the latest 1,000 entries). Thread-safe
 * snapshots.
 *
 * <pre>{@code
 * assertThat(agent.guest().frozen()).isTrue();
 * assertThat(agent.guest().passwordResets()).extracting(PasswordReset::username).containsExactly("ubuntu");
 * }</pre>
 */
public interface GuestState {

  /** True while any filesystem is frozen by a quiesce. */
  boolean frozen();

  /** The mount points frozen now. */
  List<String> frozenMountPoints();

  /** How many times the auto-thaw timer thawed filesystems a host left frozen. */
  int autoThaws();

  /** Password resets, oldest first. */
  List<PasswordReset> passwordResets();

  /** Network configurations received, oldest first. */
  List<NetworkChange> networkChanges();

  /** Time synchronisations requested, oldest first. */
  List<TimeSync> timeSyncs();

  /** Shutdowns requested, oldest first. */
  List<Shutdown> shutdowns();

  /** The guest clipboard, if a host set it. */
  Optional<Clipboard> clipboard();

  /** The display size a host last set. */
  Optional<Display> display();

  /** Processes killed through kill_process. */
  Set<Integer> killedProcesses();

  /** Service states changed through service_control (name to new state). */
  Map<String, String> serviceStates();

  /** The version an agent_update installed and verified, waiting for a restart. */
  Optional<String> installedUpdate();

  /**
   * Command lines the guest is running now from the built-in command set: those still working for
   * a waiting host, detached ones, and timed-out ones left running (as the real agent leaves them,
   * see {@link FakeGuestAgentBuilder#killTimedOutCommands}). They also appear in list_processes and
   * end through kill_process.
   */
  List<String> runningCommands();

  /**
   * A password reset. The password is kept for assertions but never printed.
   *
   * @param username the account
   * @param password the new password, plaintext as on the wire
   * @param expire whether a change at next login was forced
   */
  record PasswordReset(String username, String password, boolean expire) {
    @Override
    public String toString() {
      return "PasswordReset[username=" + username + ", password=***, expire=" + expire + ']';
    }
  }

  /**
   * A network configuration (never applied).
   *
   * @param netplanConfig the YAML as sent
   * @param applyNow whether the host asked to apply it at once
   */
  record NetworkChange(String netplanConfig, boolean applyNow) {}

  /**
   * A time synchronisation.
   *
   * @param setTime the time the host asked for, or null for an NTP sync
   * @param force the force flag
   * @param at when it was received
   */
  record TimeSync(Instant setTime, boolean force, Instant at) {}

  /**
   * A shutdown request.
   *
   * @param type poweroff, reboot or halt
   * @param delaySeconds the requested delay
   * @param message the wall message
   */
  record Shutdown(ShutdownType type, int delaySeconds, String message) {}

  /**
   * A display mode.
   *
   * @param width pixels
   * @param height pixels
   * @param dpi dots per inch, 0 for automatic
   */
  record Display(int width, int height, int dpi) {}

  /**
   * The clipboard contents.
   *
   * @param type the content type
   * @param data the bytes
   * @param mimeType the MIME type given by the host
   */
  record Clipboard(ClipboardType type, ByteString data, String mimeType) {}
}
