package io.quantix.agent.client;

import io.quantix.agent.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What to freeze and for how long: mount points (none = every writable ext3/ext4/xfs/btrfs/jfs/
 * reiserfs mount, {@code /} included), the guest's auto-thaw timeout (always sent, never 0),
 * pre-freeze and post-thaw hook scripts, and how long {@link GuestSnapshots#withQuiesced} waits for
 * its thaw. Immutable.
 *
 * <pre>{@code
 * QuiesceSpec spec = QuiesceSpec.of("/var/lib/postgresql")
 *     .withGuestTimeout(Duration.ofSeconds(30))
 *     .withPreFreezeScripts("")      // the agent's default hook directory
 *     .withPostThawScripts("");
 * }</pre>
 */
public final class QuiesceSpec {
  /** Default guest auto-thaw timeout: 60 s. */
  public static final Duration DEFAULT_GUEST_TIMEOUT = Duration.ofSeconds(60);
  /** Longest guest auto-thaw timeout: 1 h (a frozen root filesystem stalls the whole guest). */
  public static final Duration MAX_GUEST_TIMEOUT = Duration.ofHours(1);
  /** Default host-side time allowed for the thaw of {@code withQuiesced}: 30 s. */
  public static final Duration DEFAULT_THAW_TIMEOUT = Duration.ofSeconds(30);

  private static final QuiesceSpec ALL = new QuiesceSpec(List.of(), DEFAULT_GUEST_TIMEOUT, false,
      "", false, "", DEFAULT_THAW_TIMEOUT);

  private final List<String> mountPoints;
  private final Duration guestTimeout;
  private final boolean preFreezeScripts;
  private final String preFreezeDir;
  private final boolean postThawScripts;
  private final String postThawDir;
  private final Duration thawTimeout;

  private QuiesceSpec(List<String> mountPoints, Duration guestTimeout, boolean preFreezeScripts,
      String preFreezeDir, boolean postThawScripts, String postThawDir, Duration thawTimeout) {
    this.mountPoints = mountPoints;
    this.guestTimeout = guestTimeout;
    this.preFreezeScripts = preFreezeScripts;
    this.preFreezeDir = preFreezeDir;
    this.postThawScripts = postThawScripts;
    this.postThawDir = postThawDir;
    this.thawTimeout = thawTimeout;
  }

  /** Every writable freezable filesystem of the guest, 60 s auto-thaw, no scripts. */
  public static QuiesceSpec allFilesystems() {
    return ALL;
  }

  /** The given mount points (absolute paths), 60 s auto-thaw, no scripts. */
  public static QuiesceSpec of(String... mountPoints) {
    Checks.notNull(mountPoints, "mount points");
    return of(Arrays.asList(mountPoints));
  }

  /** The given mount points (absolute paths), 60 s auto-thaw, no scripts. */
  public static QuiesceSpec of(List<String> mountPoints) {
    Checks.notNull(mountPoints, "mount points");
    List<String> copy = new ArrayList<>(mountPoints.size());
    for (String m : mountPoints) {
      copy.add(Checks.absolutePath(m, "mount point"));
    }
    return new QuiesceSpec(List.copyOf(copy), DEFAULT_GUEST_TIMEOUT, false, "", false, "",
        DEFAULT_THAW_TIMEOUT);
  }

  /**
   * The guest's auto-thaw timeout, 1 s..1 h, whole seconds: the agent thaws by itself this long
   * after freezing, whatever happens to the host. {@code withQuiesced} also ends its action by
   * then.
   */
  public QuiesceSpec withGuestTimeout(Duration timeout) {
    Checks.notNull(timeout, "guest timeout");
    if (timeout.toSeconds() < 1 || timeout.compareTo(MAX_GUEST_TIMEOUT) > 0) {
      throw Checks.invalid("guest timeout must be within 1 s.." + MAX_GUEST_TIMEOUT + ", was "
          + timeout);
    }
    return new QuiesceSpec(mountPoints, Duration.ofSeconds(timeout.toSeconds()), preFreezeScripts,
        preFreezeDir, postThawScripts, postThawDir, thawTimeout);
  }

  /**
   * Runs the executable files of {@code dir} (sorted, failures ignored) before freezing; an empty
   * {@code dir} means the agent's default, {@code /etc/limiquantix/pre-freeze.d}.
   */
  public QuiesceSpec withPreFreezeScripts(String dir) {
    return new QuiesceSpec(mountPoints, guestTimeout, true, scriptDir(dir), postThawScripts,
        postThawDir, thawTimeout);
  }

  /**
   * Runs the executable files of {@code dir} after thawing; an empty {@code dir} means the agent's
   * default, {@code /etc/limiquantix/post-thaw.d}.
   */
  public QuiesceSpec withPostThawScripts(String dir) {
    return new QuiesceSpec(mountPoints, guestTimeout, preFreezeScripts, preFreezeDir, true,
        scriptDir(dir), thawTimeout);
  }

  /** How long {@code withQuiesced} waits for its thaw (including a reconnect), 1 s..10 min. */
  public QuiesceSpec withThawTimeout(Duration timeout) {
    Checks.notNull(timeout, "thaw timeout");
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0
        || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw Checks.invalid("thaw timeout must be within 1 s..10 min, was " + timeout);
    }
    return new QuiesceSpec(mountPoints, guestTimeout, preFreezeScripts, preFreezeDir,
        postThawScripts, postThawDir, timeout);
  }

  private static String scriptDir(String dir) {
    Checks.text(dir, "script directory");
    return dir.isEmpty() ? dir : Checks.absolutePath(dir, "script directory");
  }

  /** Mount points to freeze; empty for every freezable one. */
  public List<String> mountPoints() {
    return mountPoints;
  }

  /** The guest's auto-thaw timeout. */
  public Duration guestTimeout() {
    return guestTimeout;
  }

  /** Whether pre-freeze scripts run. */
  public boolean runPreFreezeScripts() {
    return preFreezeScripts;
  }

  /** The pre-freeze script directory; empty for the agent's default. */
  public String preFreezeScriptDir() {
    return preFreezeDir;
  }

  /** Whether post-thaw scripts run. */
  public boolean runPostThawScripts() {
    return postThawScripts;
  }

  /** The post-thaw script directory; empty for the agent's default. */
  public String postThawScriptDir() {
    return postThawDir;
  }

  /** How long {@code withQuiesced} waits for its thaw. */
  public Duration thawTimeout() {
    return thawTimeout;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof QuiesceSpec)) {
      return false;
    }
    QuiesceSpec s = (QuiesceSpec) o;
    return mountPoints.equals(s.mountPoints) && guestTimeout.equals(s.guestTimeout)
        && preFreezeScripts == s.preFreezeScripts && preFreezeDir.equals(s.preFreezeDir)
        && postThawScripts == s.postThawScripts && postThawDir.equals(s.postThawDir)
        && thawTimeout.equals(s.thawTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mountPoints, guestTimeout, preFreezeScripts, preFreezeDir,
        postThawScripts, postThawDir, thawTimeout);
  }

  @Override
  public String toString() {
    return "QuiesceSpec{" + (mountPoints.isEmpty() ? "all filesystems" : mountPoints)
        + ", guestTimeout=" + guestTimeout + (preFreezeScripts ? ", preFreeze" : "")
        + (postThawScripts ? ", postThaw" : "") + ", thawTimeout=" + thawTimeout + '}';
  }
}
